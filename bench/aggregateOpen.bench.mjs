// Benchmarks "Open Aggregate Profile" end to end on files, as the extension host runs it
// (src/node/aggregateFiles.ts: worker threads read, parse and digest the files, this thread
// adds the digests, then writes the aggregate), then what opening it costs (read and parse it,
// build the model), next to reading the same files alone and merging them all in this thread,
// in the same run, so the ratios hold on any machine. It also prints the longest the event
// loop was held (perf_hooks' monitorEventLoopDelay): the host must not freeze; and, steadier than
// wall times on a loaded machine, the CPU time of all threads and how long this thread was busy
// (its event loop's active time).
//
//   node --expose-gc bench/aggregateOpen.bench.mjs [profiles] [functions per profile] [runs] [workers]
//   (defaults 1,000, 400, 3 and what the extension takes: one per core, at most 4)
// The first merge starts the workers, the next ones reuse them, as the extension does: the first
// is printed apart.
//
// The endpoint's profiles are generated (test/support/makeLargeProfile.mjs) with one shape and
// a different seed each, written as the middleware writes them (test/support/profileDocument.mjs)
// into a temporary folder, removed at the end. Target (issue 15): 1,000 profiles merge and
// open in under 1 s, without freezing the extension host.
import * as esbuild from 'esbuild';
import { deepStrictEqual } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeLargeProfileData } from '../test/support/makeLargeProfile.mjs';
import { documentHeader, profileDocumentText } from '../test/support/profileDocument.mjs';

const [profiles = 1000, functionsEach = 400, runs = 3, workers] = process.argv.slice(2).map(Number);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The node layer uses Node's APIs: bundled for Node, not with bundleCore's neutral platform.
const bundle = await esbuild.build({
  stdin: {
    contents: [
      "export { mergeProfileFiles, writeAggregateFile } from './src/node/aggregateFiles';",
      "export { loadProfile } from './src/node/loadProfile';",
      "export { DEFAULT_READ_LIMITS } from './src/node/readLimits';",
      "export { buildProfileModel } from './src/core/profileModel';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  format: 'esm',
  platform: 'node',
  write: false,
});
// The worker threads' script, as esbuild.mjs bundles it for the extension.
const workerFile = join(tmpdir(), `request-profiler-aggregate-worker-${process.pid}.js`);
await esbuild.build({ entryPoints: [join(root, 'src/node/aggregateWorker.ts')], outfile: workerFile, bundle: true, format: 'cjs', platform: 'node' });
const bundleFile = join(tmpdir(), `request-profiler-aggregate-open-${process.pid}.mjs`);
writeFileSync(bundleFile, bundle.outputFiles[0].text);
const { mergeProfileFiles, writeAggregateFile, loadProfile, DEFAULT_READ_LIMITS, buildProfileModel } = await import(pathToFileURL(bundleFile).href);
rmSync(bundleFile);

const folder = mkdtempSync(join(tmpdir(), 'request-profiler-aggregate-bench-'));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

async function timed(fn) {
  globalThis.gc?.();
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const started = performance.now();
  const result = await fn();
  const elapsed = performance.now() - started;
  delay.disable();
  const used = process.cpuUsage(cpu);
  return { elapsed, result, heldMs: delay.max / 1e6, cpuMs: (used.user + used.system) / 1000, busyMs: performance.eventLoopUtilization(loop).active };
}

try {
  const files = [];
  let bytes = 0;
  for (let i = 0; i < profiles; i++) {
    const data = makeLargeProfileData(functionsEach, functionsEach * 4, 1 + (i % 50));
    const header = documentHeader(data, { id: `r${i}`, path: `/api/items/${i}`, start: 1_700_000_000 + i });
    const text = profileDocumentText(header, { ...data, notes: [] });
    const file = join(folder, `20261207T000000.${String(i).padStart(6, '0')}-GET-api_items_${i}-1-${i.toString(16).padStart(8, '0')}.rprof.json`);
    writeFileSync(file, text);
    files.push(file);
    bytes += text.length;
  }

  // Reading alone: the same loader, the same 4 reads in flight, nothing merged.
  async function readAll() {
    const inFlight = [];
    for (let i = 0; i < files.length; i++) {
      inFlight.push(loadProfile(files[i], DEFAULT_READ_LIMITS));
      if (inFlight.length === 4) await inFlight.shift();
    }
    await Promise.all(inFlight);
  }

  const readTimes = [];
  const serialTimes = [];
  const aggregateTimes = [];
  const openTimes = [];
  const writeTimes = [];
  const held = { read: [], serial: [], aggregate: [], write: [] };
  const cpu = { read: [], serial: [], aggregate: [] };
  const busy = { read: [], serial: [], aggregate: [] };
  let workersUsed = 0;
  let firstMerge = 0;
  let functions = 0;
  for (let run = 0; run < runs; run++) {
    const read = await timed(readAll);
    readTimes.push(read.elapsed);
    held.read.push(read.heldMs);
    cpu.read.push(read.cpuMs);
    busy.read.push(read.busyMs);
    const mergeFiles = async (hooks) => {
      const merged = await mergeProfileFiles(files, DEFAULT_READ_LIMITS, { path: '/api/items/{id}' }, hooks);
      if (!merged.result.ok) throw new Error(merged.result.reason);
      workersUsed = merged.workers;
      return merged.result.document;
    };
    // All in this thread, as without a worker file (and as when the workers fail).
    const serial = await timed(() => mergeFiles({}));
    serialTimes.push(serial.elapsed);
    held.serial.push(serial.heldMs);
    cpu.serial.push(serial.cpuMs);
    busy.serial.push(serial.busyMs);
    const merge = await timed(() => mergeFiles({ workerFile, workers, log: console.log }));
    // The same aggregate, to the last bit (checked outside the timings).
    if (run === 0) deepStrictEqual(merge.result, serial.result);
    // The first merge starts its workers; the next ones find them kept (src/node/aggregateWorkers.ts).
    if (run === 0) firstMerge = merge.elapsed;
    const write = await timed(() => writeAggregateFile(join(folder, 'aggregates'), merge.result));
    const aggregate = { elapsed: merge.elapsed + write.elapsed, result: write.result };
    aggregateTimes.push(aggregate.elapsed);
    writeTimes.push(write.elapsed);
    held.aggregate.push(merge.heldMs);
    cpu.aggregate.push(merge.cpuMs);
    busy.aggregate.push(merge.busyMs);
    held.write.push(write.heldMs);
    // Opening: the profile view reads and parses the file and builds the model (the page's part, in Node here).
    const open = await timed(async () => {
      const { document } = await loadProfile(aggregate.result, DEFAULT_READ_LIMITS);
      buildProfileModel(document.profile, document.paths);
      return document;
    });
    openTimes.push(open.elapsed);
    functions = open.result.profile.functions.length;
  }

  const read = median(readTimes);
  const serial = median(serialTimes);
  const aggregate = median(aggregateTimes);
  const open = median(openTimes);
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${availableParallelism()} cores; node ${process.version}; median of ${runs} runs`,
  );
  console.log(`\n${profiles} profile files of ${functionsEach} functions, ${functionsEach * 4} edges each (${(bytes / 1e6).toFixed(1)} MB)`);
  console.log(`  read + parse all (the loader)         ${ms(read)}; event loop held at most ${ms(median(held.read))}`);
  console.log(
    `  read + merge in this thread           ${ms(serial)} (${(serial / read).toFixed(2)}× reading); event loop held at most ${ms(median(held.serial))}`,
  );
  console.log(
    `  read + merge (${workersUsed} workers) + write     ${ms(aggregate)} (${(aggregate / read).toFixed(2)}× reading, ${(aggregate / serial).toFixed(2)}× in this thread); event loop held at most ${ms(median(held.aggregate))} while merging`,
  );
  console.log(`    the first merge, starting its workers: ${ms(firstMerge)} (the median is of merges with the workers kept)`);
  const effort = (what) => `CPU ${ms(median(cpu[what]))} (all threads), this thread busy ${ms(median(busy[what]))}`;
  console.log(`    merging, in this thread: ${effort('serial')}; with workers: ${effort('aggregate')}; reading: ${effort('read')}`);
  console.log(`    of which writing                    ${ms(median(writeTimes))}; event loop held at most ${ms(median(held.write))}`);
  console.log(`  open it: read + parse + model         ${ms(open)} (${functions} functions)`);
  console.log(`  verdict: aggregate + open ${ms(aggregate + open)}: ${aggregate + open < 1000 ? 'met' : 'NOT MET'} (target < 1000 ms)`);
} finally {
  rmSync(folder, { recursive: true, force: true });
  rmSync(workerFile, { force: true });
}
