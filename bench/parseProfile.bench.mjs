// Benchmarks reading a large profile document: JSON.parse alone next to parseProfileDocument
// (header, JSON.parse and the check of every field the views rely on), in one run, so the
// cost of validating a document at load can be read on any machine.
//
//   node --expose-gc bench/parseProfile.bench.mjs [functions] [edges] [runs]
//   (defaults 20,000, 100,000 and 15)
//
// Prints the median and min over the runs of: JSON.parse; parseProfileDocument; the validation
// alone (on an already parsed document); and opening, parseProfileDocument then the profile
// model, which is what a view waits for. Validation allocates next to nothing, so a collection
// of the freshly parsed document happens during the model build either way: compare "open".
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeLargeProfileText } from '../test/support/makeLargeProfile.mjs';
import { importCore } from './bundleCore.mjs';
import { ms, spread, timed } from './timing.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The TypeScript core's modules this bench times. */
function loadCore() {
  return importCore(
    [
      "export { parseProfileDocument, parseProfileHeader } from './src/core/profileHeader';",
      "export { buildProfileModel } from './src/core/profileModel';",
      // Absent before validation was added: the bench then times the old parse alone.
      existsSync(join(root, 'src/core/validateProfile.ts')) ? "export { validateProfileDocument } from './src/core/validateProfile';" : '',
    ],
    'parse',
  );
}

const [functionCount = 20_000, edgeCount = 100_000, runs = 15] = process.argv.slice(2).map(Number);
const core = await loadCore();
const text = makeLargeProfileText(functionCount, edgeCount);
console.log(`profile: ${functionCount} functions, ${edgeCount} edges, ${(text.length / 1e6).toFixed(1)} MB; ${runs} runs each, interleaved`);
// Interleaved, so that a busy machine slows all of them alike.
const parse = [];
const whole = [];
const validate = [];
const open = [];
const parsed = JSON.parse(text);
const header = core.parseProfileHeader(text);
for (let i = 0; i < runs; i++) {
  parse.push(timed(() => JSON.parse(text))[0]);
  whole.push(timed(() => core.parseProfileDocument(text))[0]);
  open.push(
    timed(() => {
      const document = core.parseProfileDocument(text);
      core.buildProfileModel(document.profile, document.paths);
    })[0],
  );
  if (core.validateProfileDocument) validate.push(timed(() => core.validateProfileDocument(parsed, header))[0]);
}
const show = (label, samples) => {
  const { median, min } = spread(samples);
  console.log(`${label.padEnd(24)}median ${ms(median)}, min ${ms(min)}`);
};
show('JSON.parse', parse);
show('parseProfileDocument', whole);
if (validate.length) show('validation alone', validate);
show('open (+ profile model)', open);
