// Benchmarks the Endpoints overview's data (src/core/endpointOverview.ts): what the host computes
// from the profile index's headers each time profiles arrive (throttled to once a second), next
// to the Profiles panel's own grouping of the same headers (groupByEndpoint, which the overview
// reuses) and JSON.stringify of what is sent to the page, in the same run, so the figures compare
// on any machine.
//
//   node --expose-gc bench/endpointsOverview.bench.mjs [requests] [endpoints] [runs]
//   (defaults 10,000, 50 and 7)
//
// Half the requests go to one endpoint (its marks are capped), the rest spread over the others;
// paths carry ids, folded by the panel's grouping as in a real folder without route templates.
import { loadavg } from 'node:os';
import { importCore } from './bundleCore.mjs';
import { median, ms, timed } from './timing.mjs';

const [requests = 10_000, endpoints = 50, runs = 7] = process.argv.slice(2).map(Number);

const core = await importCore(
  ["export { buildEndpointsOverview } from './src/core/endpointOverview';", "export { groupByEndpoint } from './src/core/profileGroups';"],
  'endpoints',
);

function entryOf(i) {
  const endpoint = i < requests / 2 ? 0 : 1 + (i % (endpoints - 1));
  const header = {
    id: `r${i}`,
    start: 1_800_000_000 + i * 0.25,
    wallMs: 2 + endpoint * 0.7 + ((i * 7919) % 13) + (i % 997 === 0 ? 900 : 0),
    cpuMs: 1,
    profiledMs: 1,
    interface: 'wsgi',
    profiled: true,
    skipReason: null,
    method: 'GET',
    path: `/api/endpoint${endpoint}/${i}`,
    query: '',
    status: i % 211 === 0 ? 500 : 200,
    contentType: null,
    contentLength: null,
    bytesSent: 0,
    pid: 1,
    threadId: 1,
    threadName: 'MainThread',
    error: null,
    functionCount: 0,
    edgeCount: 0,
  };
  return { file: `/app/.profiles/${i}.rprof.json`, directory: '/app/.profiles', mtimeMs: 0, size: 0, format: 'request-profiler', header };
}

const entries = Array.from({ length: requests }, (_, i) => entryOf(i));
const grouping = [];
const overview = [];
const serialising = [];
let sentBytes = 0;
for (let run = 0; run < runs; run++) {
  grouping.push(timed(() => core.groupByEndpoint(entries))[0]);
  const [took, built] = timed(() => core.buildEndpointsOverview(entries));
  overview.push(took);
  const { endpoints: rows, scale } = built;
  const [stringified, text] = timed(() => JSON.stringify({ endpoints: rows, scale }));
  serialising.push(stringified);
  sentBytes = text.length;
}
console.log(
  `Endpoints overview of ${requests.toLocaleString('en')} requests in ${endpoints} endpoints (median of ${runs} runs, load ${loadavg()[0].toFixed(1)})`,
);
console.log(`  the panel's grouping (groupByEndpoint)   ${ms(median(grouping))}`);
console.log(`  the overview (grouping, histograms, marks) ${ms(median(overview))}`);
console.log(`  JSON of what the page gets               ${ms(median(serialising))} (${(sentBytes / 1024).toFixed(0)} KiB)`);
