/**
 * What the extension host and an aggregate worker thread (src/node/aggregateWorker.ts) say to
 * each other: the host asks for files one at a time, by their place in the merge; the worker
 * reads each through the views' loader, with the host's read limits, and answers with its
 * digest (src/core/profileDigest.ts) or the loader's reason for not reading it.
 */
import type { ProfileDigest } from '../core/profileDigest';
import type { ReadLimits } from './readLimits';

/**
 * Host → worker: read and digest this file, the merge's `index`th. A worker is asked for files
 * in the merge's order; a worker kept for the next merge starts numbering anew when `merge` changes.
 */
export interface DigestRequest {
  merge: number;
  index: number;
  file: string;
  limits: ReadLimits;
}

/** Worker → host, in the order asked. */
export type DigestReply = { index: number; digest: ProfileDigest } | { index: number; unreadable: string };
