/**
 * What the extension host and an aggregate worker thread (src/node/aggregateWorker.ts) say to
 * each other: the host asks for files one at a time, by their place in the merge; the worker
 * reads each through the views' loader, with the host's read limits, and answers with its
 * digest (src/core/profileDigest.ts) or the loader's reason for not reading it.
 */
import type { ProfileDigest } from '../core/profileDigest';
import type { ReadLimits } from './readLimits';

/** The worker's workerData. */
export interface AggregateWorkerData {
  limits: ReadLimits;
}

/** Host → worker: read and digest this file. A worker is asked for files in the merge's order. */
export interface DigestRequest {
  index: number;
  file: string;
}

/** Worker → host, in the order asked. */
export type DigestReply = { index: number; digest: ProfileDigest } | { index: number; unreadable: string };
