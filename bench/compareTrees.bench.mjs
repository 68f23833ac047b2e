// Benchmarks the diff view's Call tree and Flame tabs on two large profiles: each request's call
// tree as a flame graph (src/core/flameFromCallTree.ts, as the profile view's Flame
// tab builds it), their node-by-node match (src/core/compareTrees.ts) and the size of the
// message that carries it to the page, next to JSON.parse of the two documents and to the
// function comparison (compareProfiles) in the same run, so the figures compare on any machine.
//
//   node --expose-gc bench/compareTrees.bench.mjs [functions] [edges] [runs]   (defaults 20,000, 100,000, 5)
import { loadavg } from 'node:os';
import { makeLargeProfileData } from '../test/support/makeLargeProfile.mjs';
import { importCore } from './bundleCore.mjs';
import { median, ms, timed } from './timing.mjs';

const [functions = 20_000, edges = 100_000, runs = 5] = process.argv.slice(2).map(Number);

const core = await importCore(
  [
    "export { compareTrees, flameOfProfile, explainingPath, differentialFlame } from './src/core/compareTrees';",
    "export { compareProfiles } from './src/core/compareProfiles';",
  ],
  'compareTrees',
);

const PATHS = { cwd: '/srv/app', stdlib: ['/usr/local/lib/python3.12'], sitePackages: ['/usr/local/lib/python3.12/site-packages'], prefixes: ['/usr/local'] };

const texts = [1, 2].map((seed) => JSON.stringify({ profile: { ...makeLargeProfileData(functions, edges, seed), notes: [] }, paths: PATHS }));
const rows = { parse: [], functions: [], flames: [], match: [], path: [], flame: [], message: [] };
let comparison;
let messageBytes = 0;
for (let run = 0; run < runs; run++) {
  const [parseMs, [a, b]] = timed(() => texts.map((t) => JSON.parse(t)));
  rows.parse.push(parseMs);
  rows.functions.push(timed(() => core.compareProfiles(a, b))[0]);
  const [flamesMs, trees] = timed(() => [core.flameOfProfile(a), core.flameOfProfile(b)]);
  rows.flames.push(flamesMs);
  const [matchMs, result] = timed(() => core.compareTrees(trees[0], trees[1]));
  rows.match.push(matchMs);
  comparison = result;
  rows.path.push(timed(() => core.explainingPath(result, 'absolute'))[0]);
  rows.flame.push(timed(() => core.differentialFlame(result))[0]);
  const [messageMs, text] = timed(() => JSON.stringify(result));
  rows.message.push(messageMs);
  messageBytes = text.length;
}
const parse = median(rows.parse);
const line = (label, values) => {
  const value = median(values);
  console.log(`  ${label.padEnd(38)} ${ms(value).padStart(10)} (${(value / parse).toFixed(2)}× JSON.parse)`);
};
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; node ${process.version}; median of ${runs} runs`,
);
console.log(`\ntwo profiles of ${functions.toLocaleString('en')} functions, ${edges.toLocaleString('en')} edges`);
console.log(`  ${'JSON.parse of both'.padEnd(38)} ${ms(parse).padStart(10)}`);
line('compare functions (compareProfiles)', rows.functions);
line('both call trees as flame graphs', rows.flames);
line('match them node by node (compareTrees)', rows.match);
line('the explaining path', rows.path);
line("B's differential flame graph (page)", rows.flame);
line('JSON of the matched trees (message)', rows.message);
const vanished = comparison.nodes.filter((n) => n.status === 'vanished').length;
const added = comparison.nodes.filter((n) => n.status === 'new').length;
console.log(`  → ${comparison.nodes.length.toLocaleString('en')} nodes (${added} new, ${vanished} vanished), message ${(messageBytes / 1e6).toFixed(1)} MB`);
