/**
 * Merging profile files with worker threads (src/node/aggregateWorker.ts): the workers read,
 * parse, check and digest the files, several cores at once; this thread adds the digests to
 * the merge in the files' order, which costs it an array lookup and a few additions per item,
 * so its event loop is never held long. The aggregate is the same, to the last bit, as the
 * in-thread merge's: the same sums in the same order (src/core/profileDigest.ts).
 *
 * Files are handed out a few at a time to whichever worker has the fewest in hand; digests
 * that arrive before their turn wait, at most MAX_AHEAD of them.
 */
import { Worker } from 'node:worker_threads';
import { DigestSource, type ProfileMerger } from '../core/mergeProfiles';
import type { AggregateWorkerData, DigestReply, DigestRequest } from './aggregateWorkerProtocol';
import type { ReadLimits } from './readLimits';

/** Files a worker has in hand at once: its reads overlap while it parses. */
const FILES_PER_WORKER = 3;
/** Files asked for beyond the next to merge: bounds what waits in memory when one file is slow. */
const MAX_AHEAD = 32;

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
  const { files, merger, unreadable } = merge;
  return new Promise((resolve) => {
    const workers: Worker[] = [];
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
      for (const worker of workers) void worker.terminate();
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
        workers[w].postMessage({ index: asked, file: files[asked] } satisfies DigestRequest);
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
      for (let w = 0; w < merge.workers; w++) {
        const worker = new Worker(merge.workerFile, { workerData: { limits: merge.limits } satisfies AggregateWorkerData });
        worker.on('message', (reply: DigestReply) => received(w, reply));
        worker.on('error', (error) => fail(error.message));
        worker.on('messageerror', (error) => fail(error.message));
        worker.on('exit', (code) => fail(`a worker stopped (exit code ${code})`));
        workers.push(worker);
        sources.push(new DigestSource());
        inHand.push(0);
      }
    } catch (error) {
      return fail((error as Error).message);
    }
    if (merge.isCancelled?.()) return end({ kind: 'cancelled' });
    if (files.length === 0) return end({ kind: 'done' });
    handOut();
  });
}
