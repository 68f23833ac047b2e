/**
 * Merging profile files with worker threads (src/node/aggregateWorker.ts): the workers read,
 * parse, check and digest the files, several cores at once; this thread adds the digests to
 * the merge in the files' order, which costs it an array lookup and a few additions per item,
 * so its event loop is never held long. The aggregate is the same, to the last bit, as the
 * in-thread merge's: the same sums in the same order (src/core/profileDigest.ts).
 *
 * Files are handed out a few at a time to whichever worker has the fewest in hand; digests
 * that arrive before their turn wait, at most MAX_AHEAD of them. Workers of a merge that ended
 * well are kept a while for the next one (Compare with Endpoint Aggregate merges again): a new
 * worker takes tens of milliseconds to start, and its code as long again to warm up.
 */
import { Worker } from 'node:worker_threads';
import { DigestSource, type ProfileMerger } from '../core/mergeProfiles';
import type { DigestReply, DigestRequest } from './aggregateWorkerProtocol';
import type { ReadLimits } from './readLimits';

/** Files a worker has in hand at once: its reads overlap while it parses, and it has work while this thread is busy. */
export const FILES_PER_WORKER = 8;
/** Files asked for beyond the next to merge: bounds what waits in memory when one file is slow. */
const MAX_AHEAD = 64;
/** How long workers are kept for the next merge. */
const KEEP_IDLE_MS = 30_000;

/** Workers kept after a merge, for the next one with the same script. */
let idle: { workerFile: string; workers: Worker[]; timer: ReturnType<typeof setTimeout> } | undefined;
/** Each merge's number, so that a kept worker knows when a new merge starts. */
let merges = 0;

/** Our listeners only: Node's own, on the same worker, start and stop its message port. */
function removeListeners(worker: Worker): void {
  for (const event of ['message', 'messageerror', 'error', 'exit']) worker.removeAllListeners(event);
}

function stopIdle(): void {
  if (!idle) return;
  clearTimeout(idle.timer);
  for (const worker of idle.workers) void worker.terminate();
  idle = undefined;
}

/** `count` workers running the script: kept ones first, then new ones (which may throw). */
function takeWorkers(workerFile: string, count: number): Worker[] {
  const kept = idle?.workerFile === workerFile ? idle.workers.splice(0, count) : [];
  stopIdle();
  for (const worker of kept) {
    removeListeners(worker);
    worker.ref();
  }
  try {
    while (kept.length < count) kept.push(new Worker(workerFile));
  } catch (error) {
    for (const worker of kept) void worker.terminate();
    throw error;
  }
  return kept;
}

/** Keeps the workers, all idle, for the next merge; they do not keep the process alive meanwhile. */
function keepWorkers(workerFile: string, workers: Worker[]): void {
  stopIdle();
  for (const worker of workers) {
    removeListeners(worker);
    worker.unref();
    // One that fails while idle takes the others with it: the next merge starts afresh.
    worker.on('error', stopIdle);
    worker.on('exit', stopIdle);
  }
  const timer = setTimeout(stopIdle, KEEP_IDLE_MS);
  timer.unref();
  idle = { workerFile, workers, timer };
}

export interface WorkerMerge {
  files: readonly string[];
  limits: ReadLimits;
  merger: ProfileMerger;
  /** Files that could not be read are added here, in the files' order. */
  unreadable: { file: string; reason: string }[];
  workerFile: string;
  workers: number;
  onProgress?(done: number, total: number): void;
  isCancelled?(): boolean;
}

/**
 * How it ended: all files merged, cancelled, or a worker failed (could not start, threw or
 * stopped), with the reason; `merged` files, from the first, are in the merge either way.
 */
export type WorkerMergeEnd = { kind: 'done' } | { kind: 'cancelled' } | { kind: 'failed'; merged: number; reason: string };

export function mergeInWorkers(merge: WorkerMerge): Promise<WorkerMergeEnd> {
  const { files, merger, unreadable, limits } = merge;
  const number = merges++;
  return new Promise((resolve) => {
    let workers: Worker[] = [];
    const sources: DigestSource[] = [];
    const inHand: number[] = [];
    /** Which worker each file was handed to. */
    const owner = new Int32Array(files.length);
    const arrived = new Map<number, DigestReply>();
    let asked = 0;
    let next = 0;
    let ended = false;

    const end = (how: WorkerMergeEnd) => {
      if (ended) return;
      ended = true;
      // Cancelled or failed, they may be busy or broken: only those of a finished merge are kept.
      if (how.kind === 'done') keepWorkers(merge.workerFile, workers);
      else for (const worker of workers) void worker.terminate();
      resolve(how);
    };
    const fail = (reason: string) => end({ kind: 'failed', merged: next, reason });

    const handOut = () => {
      while (asked < files.length && asked - next < MAX_AHEAD) {
        let w = 0;
        for (let i = 1; i < workers.length; i++) if (inHand[i] < inHand[w]) w = i;
        if (inHand[w] >= FILES_PER_WORKER) return;
        inHand[w]++;
        owner[asked] = w;
        workers[w].postMessage({ merge: number, index: asked, file: files[asked], limits } satisfies DigestRequest);
        asked++;
      }
    };

    const received = (w: number, reply: DigestReply) => {
      if (ended) return;
      inHand[w]--;
      arrived.set(reply.index, reply);
      for (let ready = arrived.get(next); ready !== undefined; ready = arrived.get(next)) {
        if (merge.isCancelled?.()) return end({ kind: 'cancelled' });
        arrived.delete(next);
        if ('digest' in ready) merger.addDigest(sources[owner[next]], ready.digest);
        else unreadable.push({ file: files[next], reason: ready.unreadable });
        next++;
        merge.onProgress?.(next, files.length);
      }
      if (next === files.length) return end(merge.isCancelled?.() ? { kind: 'cancelled' } : { kind: 'done' });
      handOut();
    };

    try {
      workers = takeWorkers(merge.workerFile, merge.workers);
    } catch (error) {
      return fail((error as Error).message);
    }
    workers.forEach((worker, w) => {
      worker.on('message', (reply: DigestReply) => received(w, reply));
      worker.on('error', (error) => fail(error.message));
      worker.on('messageerror', (error) => fail(error.message));
      worker.on('exit', (code) => fail(`a worker stopped (exit code ${code})`));
      sources.push(new DigestSource());
      inHand.push(0);
    });
    if (merge.isCancelled?.()) return end({ kind: 'cancelled' });
    if (files.length === 0) return end({ kind: 'done' });
    handOut();
  });
}
