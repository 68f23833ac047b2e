// Benchmarks issue 15's two figures: merging 1,000 profiles of one endpoint into an aggregate
// (src/core/mergeProfiles.ts) and comparing two 20,000-function profiles
// (src/core/compareProfiles.ts), each next to JSON.parse of the same input in the same run, so
// the figures compare on any machine.
//
//   node --expose-gc bench/aggregate.bench.mjs [profiles] [functions per profile] [runs]
//   (defaults 1,000, 400 and 5)
//
// The endpoint's profiles are generated (test/support/makeLargeProfile.mjs) with one shape and
// a different seed each, so times differ and each has some functions of its own, as real
// requests of one endpoint do. Target (issue 15): 1,000 profiles merge and open in under 1 s;
// "merge" here is the core's part, on documents already parsed and checked (the host reads
// and parses the files, off its main thread).
import { loadavg } from 'node:os';
import { makeLargeProfileData } from '../test/support/makeLargeProfile.mjs';
import { importCore } from './bundleCore.mjs';
import { median, ms, timed } from './timing.mjs';

const [profiles = 1000, functionsEach = 400, runs = 5] = process.argv.slice(2).map(Number);

const core = await importCore(
  [
    "export { mergeProfiles } from './src/core/mergeProfiles';",
    "export { compareProfiles } from './src/core/compareProfiles';",
    "export { buildProfileModel } from './src/core/profileModel';",
  ],
  'aggregate',
);

const header = (id, data) => ({
  id,
  start: 1_700_000_000,
  wallMs: 10,
  cpuMs: 10,
  profiledMs: 10,
  interface: 'wsgi',
  profiled: true,
  skipReason: null,
  method: 'GET',
  path: '/api/items',
  query: '',
  status: 200,
  contentType: 'application/json',
  contentLength: null,
  bytesSent: 100,
  pid: 1,
  threadId: 1,
  threadName: 'MainThread',
  error: null,
  functionCount: data.functions.length,
  edgeCount: data.edges.length,
});

function documentOf(id, data) {
  return {
    format: 'request-profiler',
    version: 1,
    header: header(id, data),
    request: { method: 'GET', path: '/api/items', query: '', scheme: 'http', host: 'localhost', remoteAddr: null, headers: [] },
    response: { status: 200, statusLine: '200 OK', headers: [], contentType: null, contentLength: null, bytesSent: 100 },
    environ: {},
    error: null,
    python: { version: '3.12.1', implementation: 'CPython', executable: '/usr/local/bin/python3' },
    paths: { cwd: '/srv/app', stdlib: ['/usr/local/lib/python3.12'], sitePackages: ['/usr/local/lib/python3.12/site-packages'], prefixes: ['/usr/local'] },
    profile: { ...data, notes: [] },
  };
}

// One endpoint: the same shape (function and edge counts), a different seed per request.
const texts = Array.from({ length: profiles }, (_, i) =>
  JSON.stringify(documentOf(`r${i}`, makeLargeProfileData(functionsEach, functionsEach * 4, 1 + (i % 50)))),
);
const mergeTimes = [];
const parseAllTimes = [];
let merged;
for (let run = 0; run < runs; run++) {
  const [parseMs, documents] = timed(() => texts.map((t) => JSON.parse(t)));
  parseAllTimes.push(parseMs);
  const [mergeMs, result] = timed(() => core.mergeProfiles(documents));
  mergeTimes.push(mergeMs);
  merged = result.document;
}
const [modelMs] = timed(() => core.buildProfileModel(merged.profile, merged.paths));

const big = [1, 2].map((seed) => JSON.stringify(documentOf(`big${seed}`, makeLargeProfileData(20_000, 100_000, seed))));
const compareTimes = [];
const parseTwoTimes = [];
for (let run = 0; run < runs; run++) {
  const [parseMs, [a, b]] = timed(() => big.map((t) => JSON.parse(t)));
  parseTwoTimes.push(parseMs);
  compareTimes.push(timed(() => core.compareProfiles(a, b))[0]);
}

const mergeMedian = median(mergeTimes);
const parseAll = median(parseAllTimes);
console.log(
  `load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; node ${process.version}; median of ${runs} runs`,
);
console.log(`\nmerge ${profiles} profiles of ${functionsEach} functions, ${functionsEach * 4} edges each`);
console.log(`  JSON.parse of all   ${ms(parseAll)}`);
console.log(
  `  merge               ${ms(mergeMedian)} (${(mergeMedian / parseAll).toFixed(2)}× JSON.parse)  → ${merged.profile.functions.length} functions, ${merged.profile.edges.length} edges`,
);
console.log(`  model of the result ${ms(modelMs)}`);
console.log(
  `  verdict: parse + merge + model ${ms(parseAll + mergeMedian + modelMs)}: ${parseAll + mergeMedian + modelMs < 1000 ? 'met' : 'NOT MET'} (target < 1000 ms)`,
);
const compareMedian = median(compareTimes);
const parseTwo = median(parseTwoTimes);
console.log(`\ncompare two profiles of 20,000 functions, 100,000 edges`);
console.log(`  JSON.parse of both  ${ms(parseTwo)}`);
console.log(`  compare             ${ms(compareMedian)} (${(compareMedian / parseTwo).toFixed(2)}× JSON.parse)`);
