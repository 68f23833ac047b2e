/**
 * The file work of an aggregate profile, without VS Code (the bench runs it in Node): reading
 * profile files and merging each as it comes, and writing the aggregate into its folder.
 *
 * With a worker file, worker threads read and parse the files, several at once, and this
 * thread only adds their digests (src/node/aggregateWorkers.ts); without one, or when a worker
 * fails, this thread reads a few files at a time and parses and adds each on its own. Either
 * way the caller's event loop is never held for more than one profile, only the files in flight
 * are in memory, and the aggregate is the same.
 */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { aggregateFileName, aggregatesToPrune, profileFileChunks } from '../core/aggregateFile';
import { ProfileMerger, type MergeOptions, type MergeResult } from '../core/mergeProfiles';
import type { ProfileDocument } from '../core/profileFormat';
import { mergeInWorkers } from './aggregateWorkers';
import { loadDocumentOrError } from './loadProfile';
import type { ReadLimits } from './readLimits';

/** Files read at once in this thread: enough to keep a disk busy, few enough that little is held in memory. */
const READS_IN_FLIGHT = 4;

/** At most this many workers: beyond, the disk and this thread's adding are what limit. */
const MAX_WORKERS = 4;

/** Fewer files are merged in this thread: starting a worker (tens of milliseconds) would cost more than it saves. */
export const FILES_FOR_WORKERS = 16;

export interface MergedFiles {
  result: MergeResult;
  /** Files that could not be read, with the reason (the loader's message), left out. */
  unreadable: { file: string; reason: string }[];
  /** How many worker threads read the files (0: all were read in this thread). */
  workers: number;
}

export interface MergeFilesHooks {
  /** After each file, read or not. */
  onProgress?(done: number, total: number): void;
  /** Asked before each file is added: true stops the merge, which then resolves to undefined. */
  isCancelled?(): boolean;
  /**
   * dist/aggregateWorker.js (src/node/aggregateWorker.ts), to read and parse the files in
   * worker threads; without it, all is done in this thread.
   */
  workerFile?: string;
  /** How many workers (default: one per core, at most MAX_WORKERS, none below FILES_FOR_WORKERS files). */
  workers?: number;
  /** Told when the workers fail and this thread merges the rest. */
  log?(message: string): void;
}

/** Reads the files and merges them in their order; undefined when cancelled. */
export async function mergeProfileFiles(
  files: readonly string[],
  limits: ReadLimits,
  options: MergeOptions = {},
  hooks: MergeFilesHooks = {},
): Promise<MergedFiles | undefined> {
  const merger = new ProfileMerger(options);
  const unreadable: MergedFiles['unreadable'] = [];
  const workers = hooks.workerFile === undefined ? 0 : (hooks.workers ?? workersFor(files.length));
  let from = 0;
  if (workers > 0) {
    const end = await mergeInWorkers({ ...hooks, files, limits, merger, unreadable, workerFile: hooks.workerFile!, workers });
    if (end.kind === 'cancelled') return undefined;
    if (end.kind === 'done') return { result: merger.result(), unreadable, workers };
    hooks.log?.(
      `Aggregate: worker threads failed (${end.reason}); merging the other ${files.length - end.merged} of ${files.length} files in the extension host.`,
    );
    from = end.merged;
  }
  if (!(await mergeInThread(files, from, limits, merger, unreadable, hooks))) return undefined;
  return { result: merger.result(), unreadable, workers: 0 };
}

function workersFor(files: number): number {
  return files < FILES_FOR_WORKERS ? 0 : Math.min(availableParallelism(), MAX_WORKERS);
}

/** Reads and adds files[from…] in this thread; false when cancelled. */
async function mergeInThread(
  files: readonly string[],
  from: number,
  limits: ReadLimits,
  merger: ProfileMerger,
  unreadable: MergedFiles['unreadable'],
  hooks: MergeFilesHooks,
): Promise<boolean> {
  const reads: (Promise<ProfileDocument | Error> | undefined)[] = [];
  for (let i = from; i < Math.min(files.length, from + READS_IN_FLIGHT); i++) reads[i] = loadDocumentOrError(files[i], limits);
  for (let i = from; i < files.length; i++) {
    if (hooks.isCancelled?.()) return false;
    if (i + READS_IN_FLIGHT < files.length) reads[i + READS_IN_FLIGHT] = loadDocumentOrError(files[i + READS_IN_FLIGHT], limits);
    const document = await reads[i]!;
    // Let go of it once added: only the reads in flight are held.
    reads[i] = undefined;
    if (document instanceof Error) unreadable.push({ file: files[i], reason: document.message });
    else merger.add(document);
    hooks.onProgress?.(i + 1, files.length);
  }
  return !hooks.isCancelled?.();
}

/**
 * Writes the aggregate into the folder (created if need be) under a temporary name renamed into
 * place, as the middleware writes profiles, a piece at a time; then deletes the oldest aggregates beyond those kept.
 * Returns the file's path.
 */
export async function writeAggregateFile(folder: string, document: ProfileDocument, now = new Date()): Promise<string> {
  const file = path.join(folder, aggregateFileName(document, now));
  await mkdir(folder, { recursive: true });
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.tmp`);
  // A piece at a time (each write awaited), so making the text never holds the event loop long.
  const handle = await open(temporary, 'w', 0o600);
  try {
    for (const chunk of profileFileChunks(document)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
  await rename(temporary, file);
  const names = await readdir(folder);
  await Promise.all(aggregatesToPrune(names).map((name) => rm(path.join(folder, name), { force: true })));
  return file;
}
