// Benchmarks the Profiles panel's index: the extension's real ProfileLibrary (chokidar watcher +
// header reads of line 1) over a directory of many real profiles.
//
//   node bench/profileIndex.bench.mjs [count] [new-file samples]     (defaults 10,000 and 20)
//
// Prints, in one run:
//   - cold index: setDirectories() on a directory of `count` profiles until every one is listed,
//     split into the watcher's start and the header reads;
//   - new file: from the start of an atomic write (temporary dot-file, then rename, as the
//     middleware writes) until the file is in the index, median and max over several files;
//   - the index's memory: heap used after GC minus heap used before, and the process's RSS;
//   - for comparison: reading and JSON.parse of every file whole (what a naive index would do),
//     and the heap those parsed documents would hold.
// Targets (issue 3) on a 2-core machine: cold < 1 s, new file < 100 ms, memory < 50 MB.
// The files are written just before they are indexed, so they are in the page cache: the cold
// figure is the library's own cost, not a cold disk's.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadProfileLibrary } from './profileIndex/loadLibrary.mjs';
import { loadFixtureProfiles, profileCopy, writeProfileAtomically, writeProfiles } from './profileIndex/makeProfiles.mjs';

// Heap figures need a full GC on demand: run again with --expose-gc when started without it.
if (typeof globalThis.gc !== 'function') {
  const again = spawnSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(again.status ?? 1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const count = Number(process.argv[2] ?? 10_000);
const newFileSamples = Number(process.argv[3] ?? 20);
const TARGETS = { coldMs: 1000, newFileMs: 100, memoryMb: 50 };

const ms = (value) => `${value.toFixed(value < 10 ? 2 : 0)} ms`;
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const verdict = (ok) => (ok ? 'ok' : 'MISSED');
const sleep = (delay) => new Promise((resolve) => setTimeout(resolve, delay));

function settledHeap() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage();
}

/** Inotify watches held by this process (Linux; undefined elsewhere): chokidar may add one per file. */
function inotifyWatchCount() {
  try {
    let watches = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      let target;
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (!target.includes('inotify')) continue;
      watches += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8').split('\n').filter((line) => line.startsWith('inotify wd:')).length;
    }
    return watches;
  } catch {
    return undefined;
  }
}

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Resolves with the time from `started` until check() holds after one of the library's changes. */
function whenIndexed(library, check, started, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { stop(); reject(new Error(`not indexed within ${timeoutMs} ms`)); }, timeoutMs);
    const stop = library.onDidChange(() => {
      if (!check()) return;
      const elapsed = performance.now() - started;
      clearTimeout(timer);
      stop();
      resolve(elapsed);
    });
  });
}

const { ProfileLibrary, DirectoryWatcher } = await loadProfileLibrary(root);
const templates = loadFixtureProfiles(join(root, 'test', 'fixtures', 'profiles'));
const temp = mkdtempSync(join(tmpdir(), 'rp-bench-index-'));
const profileDir = join(temp, '.profiles');
const firstStart = Date.now() / 1000 - count * 0.05;

let exitCode = 0;
try {
  mkdirSync(profileDir, { mode: 0o700 });
  let started = performance.now();
  const bytes = writeProfiles(profileDir, templates, count, firstStart);
  console.log(`${count} profiles (copies of ${templates.length} fixture profiles), ${mb(bytes)}, written in ${ms(performance.now() - started)}`);
  console.log(`node ${process.version}, ${cpus().length} CPUs\n`);

  // --- cold index ---------------------------------------------------------------------------
  const before = settledHeap();
  const library = new ProfileLibrary();
  started = performance.now();
  await library.setDirectories([profileDir]);
  const coldMs = performance.now() - started;
  started = performance.now();
  const listed = library.index.list();
  const sortMs = performance.now() - started;
  if (listed.length !== count) throw new Error(`the index holds ${listed.length} entries, expected ${count}`);
  const unreadable = listed.filter((entry) => !entry.header).length;
  if (unreadable) throw new Error(`${unreadable} profiles were not readable`);
  const after = settledHeap();
  const watches = inotifyWatchCount();
  const heapMb = (after.heapUsed - before.heapUsed) / 1024 / 1024;

  // The same start-up split in two: the watcher alone (chokidar's initial walk), on a fresh watcher.
  const watcher = new DirectoryWatcher(profileDir, () => {}, () => {});
  started = performance.now();
  await watcher.start();
  const watcherMs = performance.now() - started;
  await watcher.close();

  console.log('cold index (ProfileLibrary.setDirectories until all listed)');
  console.log(`  total                 ${ms(coldMs).padStart(9)}   target < ${TARGETS.coldMs} ms: ${verdict(coldMs < TARGETS.coldMs)}`);
  console.log(`  of which watcher start ~${ms(watcherMs).padStart(8)}   (a second, separate DirectoryWatcher.start())`);
  console.log(`  of which header reads  ~${ms(Math.max(0, coldMs - watcherMs)).padStart(8)}   (the difference)`);
  console.log(`  first sort (list())   ${ms(sortMs).padStart(9)}`);
  console.log('memory of the index (after GC)');
  console.log(`  heap used delta       ${mb(after.heapUsed - before.heapUsed).padStart(9)}   target < ${TARGETS.memoryMb} MB: ${verdict(heapMb < TARGETS.memoryMb)}`);
  console.log(`  RSS                   ${mb(after.rss).padStart(9)}   (delta ${mb(after.rss - before.rss)})`);
  if (watches !== undefined) console.log(`  inotify watches       ${String(watches).padStart(9)}   (held by this process while watching one directory)`);

  // --- one new file at a time ------------------------------------------------------------------
  const latencies = [];
  for (let i = 0; i < newFileSamples; i++) {
    const copy = profileCopy(templates[i % templates.length], count + i, firstStart);
    const file = join(profileDir, copy.name);
    const begun = performance.now();
    const indexed = whenIndexed(library, () => library.index.get(file)?.header !== undefined, begun);
    writeProfileAtomically(profileDir, copy);
    latencies.push(await indexed);
    // Spaced out like separate requests, so each is its own batch of watcher events.
    await sleep(100);
  }
  const newFileMedian = median(latencies);
  const newFileMax = Math.max(...latencies);
  console.log(`new file reaches the index (atomic write to ${count}-file directory, ${newFileSamples} files)`);
  console.log(`  median                ${ms(newFileMedian).padStart(9)}   target < ${TARGETS.newFileMs} ms: ${verdict(newFileMax < TARGETS.newFileMs)}`);
  console.log(`  max                   ${ms(newFileMax).padStart(9)}`);
  // What the entries alone hold, once the watcher and its bookkeeping are gone.
  const index = library.index;
  await library.dispose();
  await sleep(200); // closed fs.watch handles are released on a later turn of the event loop
  const afterDispose = settledHeap();
  console.log('memory split (after GC)');
  console.log(`  index entries alone   ${mb(afterDispose.heapUsed - before.heapUsed).padStart(9)}   (${index.size} entries, watcher closed)`);
  console.log(`  watcher's share       ${mb(after.heapUsed - afterDispose.heapUsed).padStart(9)}   (heap used delta while watching minus the above)`);

  // --- comparison: parse every file whole ------------------------------------------------------
  const names = readdirSync(profileDir).filter((n) => n.endsWith('.rprof.json'));
  const beforeNaive = settledHeap();
  started = performance.now();
  const documents = names.map((name) => JSON.parse(readFileSync(join(profileDir, name), 'utf8')));
  const naiveMs = performance.now() - started;
  const afterNaive = settledHeap();
  console.log(`comparison: readFileSync + JSON.parse of all ${documents.length} files whole`);
  console.log(`  time                  ${ms(naiveMs).padStart(9)}   (${(naiveMs / coldMs).toFixed(1)}x the cold index)`);
  console.log(`  heap to keep them     ${mb(afterNaive.heapUsed - beforeNaive.heapUsed).padStart(9)}`);

  if (!(coldMs < TARGETS.coldMs && newFileMax < TARGETS.newFileMs && heapMb < TARGETS.memoryMb)) exitCode = 1;
} catch (error) {
  console.error(`benchmark failed: ${error?.stack ?? error}`);
  exitCode = 2;
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exit(exitCode);
