/**
 * Merging profile files in worker threads (src/node/aggregateWorkers.ts, the bundled
 * dist/aggregateWorker.js): real profiles merged by 3 workers give the very document the
 * in-thread merge gives (deep-equal, every time to the last bit), unreadable files are left out
 * with the loader's reason whichever worker read them, workers kept for the next merge start
 * afresh, a cancelled merge gives nothing, and a worker that cannot start or breaks halfway
 * leaves the rest to this thread, said in a log line.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mergeProfileFiles, type MergeFilesHooks } from '../../src/node/aggregateFiles';
import { FILES_PER_WORKER } from '../../src/node/aggregateWorkers';
import { DEFAULT_READ_LIMITS, readLimitsFor } from '../../src/node/readLimits';
import { temporaryFolderEachTest } from '../support/temporaryFolder';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');
/** Built with the tests (esbuild.mjs), as the extension ships it. */
const WORKER_FILE = resolve(__dirname, '../../../dist/aggregateWorker.js');

/** The middleware's profiles of the fixtures folder, profiled or not, and a pstats file. */
function fixtureFiles(): string[] {
  const profiles = readdirSync(join(FIXTURES, 'profiles'))
    .filter((n) => /^\d{8}T.*\.rprof\.json$/.test(n))
    .map((n) => join(FIXTURES, 'profiles', n));
  return [...profiles, join(FIXTURES, 'pstats', 'cprofile-py3.12.prof')];
}

describe('aggregate in worker threads', () => {
  let folder = '';
  temporaryFolderEachTest('aggregate-workers-', (f) => (folder = f));

  /** `rounds` copies of each fixture, interleaved, so that each worker sees functions the others saw first. */
  function copies(sources: readonly string[], rounds: number): string[] {
    const files: string[] = [];
    for (let round = 0; round < rounds; round++) {
      for (const source of sources) {
        const name = source.split(/[\\/]/).at(-1)!;
        const file = join(folder, `${round}-${name}`);
        copyFileSync(source, file);
        files.push(file);
      }
    }
    return files;
  }

  async function merged(files: readonly string[], hooks: MergeFilesHooks = {}) {
    return (await mergeProfileFiles(files, DEFAULT_READ_LIMITS, { path: '/any' }, hooks)) ?? assert.fail('not cancelled');
  }

  it('gives the same aggregate as the in-thread merge, leaving out unreadable files with the loader’s reason', async () => {
    const files = copies(fixtureFiles(), 3);
    const broken = join(folder, 'broken-truncated.rprof.json');
    copyFileSync(join(FIXTURES, 'profiles', 'broken-truncated.rprof.json'), broken);
    const all = [...files.slice(0, 5), broken, ...files.slice(5), join(folder, 'gone.rprof.json')];
    const progress: number[] = [];
    const inThread = await merged(all);
    const inWorkers = await merged(all, { workerFile: WORKER_FILE, workers: 3, onProgress: (done) => progress.push(done) });
    assert.equal(inThread.workers, 0);
    assert.equal(inWorkers.workers, 3);
    assert.ok(inWorkers.result.ok, inWorkers.result.ok ? '' : inWorkers.result.reason);
    assert.deepStrictEqual(inWorkers.result, inThread.result);
    assert.deepStrictEqual(inWorkers.unreadable, inThread.unreadable);
    assert.deepEqual(
      inWorkers.unreadable.map((u) => u.file),
      [broken, join(folder, 'gone.rprof.json')],
    );
    assert.match(inWorkers.unreadable[1].reason, /gone\.rprof\.json no longer exists/);
    assert.deepEqual(
      progress,
      all.map((_, i) => i + 1),
    );
  });

  it('applies the read limits in the workers, as the loader does in this thread', async () => {
    const files = copies(fixtureFiles(), 2);
    // 6 KiB: some fixtures are larger (GET /api/users/7, the async one, the pstats file), most are not.
    const limits = readLimitsFor(6 / 1024);
    const inThread = (await mergeProfileFiles(files, limits)) ?? assert.fail('not cancelled');
    const inWorkers = (await mergeProfileFiles(files, limits, {}, { workerFile: WORKER_FILE, workers: 2 })) ?? assert.fail('not cancelled');
    assert.equal(inWorkers.workers, 2);
    assert.ok(inWorkers.unreadable.length > 0 && inWorkers.unreadable.every((u) => /over the .* limit/.test(u.reason)), inWorkers.unreadable[0]?.reason);
    assert.deepStrictEqual(inWorkers.unreadable, inThread.unreadable);
    assert.ok(inWorkers.result.ok);
    assert.deepStrictEqual(inWorkers.result, inThread.result);
  });

  it('gives the same sampled aggregate, stacks included', async () => {
    const sampled = readdirSync(join(FIXTURES, 'sampled'))
      .filter((n) => n.endsWith('.rprof.json'))
      .map((n) => join(FIXTURES, 'sampled', n));
    const files = copies(sampled, 5);
    const inThread = await merged(files);
    const inWorkers = await merged(files, { workerFile: WORKER_FILE, workers: 2 });
    assert.ok(inWorkers.result.ok && inWorkers.result.document.profile.stacks?.length);
    assert.deepStrictEqual(inWorkers.result, inThread.result);
  });

  it('keeps its workers for the next merge, which numbers the functions anew', async () => {
    const files = copies(fixtureFiles(), 2);
    const first = await merged(files, { workerFile: WORKER_FILE, workers: 2 });
    // The same workers, which have seen every function of these files already.
    const again = await merged([...files].reverse(), { workerFile: WORKER_FILE, workers: 2 });
    assert.deepStrictEqual(first.result, (await merged(files)).result);
    assert.deepStrictEqual(again.result, (await merged([...files].reverse())).result);
  });

  it('gives nothing once cancelled, and adds nothing after', async () => {
    const files = copies(fixtureFiles(), 2);
    let done = 0;
    const result = await mergeProfileFiles(
      files,
      DEFAULT_READ_LIMITS,
      {},
      { workerFile: WORKER_FILE, workers: 2, onProgress: (n) => (done = n), isCancelled: () => done >= 2 },
    );
    assert.equal(result, undefined);
    assert.equal(done, 2);
  });

  it('merges in this thread, and says so, when the workers cannot start', async () => {
    const files = copies(fixtureFiles(), 2);
    const logged: string[] = [];
    const inWorkers = await merged(files, { workerFile: join(folder, 'missing-worker.js'), workers: 2, log: (line) => logged.push(line) });
    assert.equal(inWorkers.workers, 0);
    assert.deepStrictEqual(inWorkers.result, (await merged(files)).result);
    assert.equal(logged.length, 1);
    assert.match(
      logged[0],
      new RegExp(`worker threads failed \\(.*missing-worker\\.js.*\\); merging the other ${files.length} of ${files.length} files in the extension host`),
    );
  });

  it('merges the rest in this thread when a worker breaks halfway', async () => {
    const files = copies(fixtureFiles(), 4);
    // The real worker, which throws on the second file it is asked for beyond those it is given at first.
    const breakAt = FILES_PER_WORKER + 2;
    const breaking = join(folder, 'breaking-worker.js');
    writeFileSync(
      breaking,
      `let files = 0;
require('node:worker_threads').parentPort.on('message', () => { if (++files === ${breakAt}) throw new Error('broke on purpose'); });
require(${JSON.stringify(WORKER_FILE)});`,
    );
    const logged: string[] = [];
    // One worker: that file is asked for only once its first two were merged.
    const inWorkers = await merged(files, { workerFile: breaking, workers: 1, log: (line) => logged.push(line) });
    assert.equal(logged.length, 1);
    assert.match(logged[0], /worker threads failed \(broke on purpose\); merging the other (\d+) of/);
    const rest = Number(/the other (\d+) of/.exec(logged[0])![1]);
    assert.ok(rest > 0 && rest <= files.length - 2, `${rest} of ${files.length} files were left to this thread`);
    assert.deepStrictEqual(inWorkers.result, (await merged(files)).result);
  });
});
