/**
 * The file work of an aggregate profile, without VS Code (the bench runs it in Node): reading
 * profile files a few at a time and merging each as it comes, and writing the aggregate into
 * its folder.
 *
 * The caller's event loop is never held for more than one profile: each file is read
 * asynchronously, then parsed and added to the merge (src/core/mergeProfiles.ts's
 * ProfileMerger) on its own, and only the reads in flight are in memory.
 */
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { aggregateFileName, aggregatesToPrune, profileFileChunks } from '../core/aggregateFile';
import { ProfileMerger, type MergeOptions, type MergeResult } from '../core/mergeProfiles';
import type { ProfileDocument } from '../core/profileFormat';
import { loadProfile } from './loadProfile';
import type { ReadLimits } from './readLimits';

/** Files read at once: enough to keep a disk busy, few enough that little is held in memory. */
const READS_IN_FLIGHT = 4;

export interface MergedFiles {
  result: MergeResult;
  /** Files that could not be read, with the reason (the loader's message), left out. */
  unreadable: { file: string; reason: string }[];
}

export interface MergeFilesHooks {
  /** After each file, read or not. */
  onProgress?(done: number, total: number): void;
  /** Asked before each file: true stops the merge, which then resolves to undefined. */
  isCancelled?(): boolean;
}

/** Reads the files in order through the views' loader and merges them; undefined when cancelled. */
export async function mergeProfileFiles(
  files: readonly string[],
  limits: ReadLimits,
  options: MergeOptions = {},
  hooks: MergeFilesHooks = {},
): Promise<MergedFiles | undefined> {
  const merger = new ProfileMerger(options);
  const unreadable: MergedFiles['unreadable'] = [];
  // Never rejects: a read still in flight when the merge is cancelled must not become an unhandled rejection.
  const read = (file: string): Promise<ProfileDocument | Error> =>
    loadProfile(file, limits).then(
      (loaded) => loaded.document,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  const reads: (Promise<ProfileDocument | Error> | undefined)[] = files.slice(0, READS_IN_FLIGHT).map(read);
  for (let i = 0; i < files.length; i++) {
    if (hooks.isCancelled?.()) return undefined;
    if (i + READS_IN_FLIGHT < files.length) reads.push(read(files[i + READS_IN_FLIGHT]));
    const document = await reads[i]!;
    // Let go of it once added: only the reads in flight are held.
    reads[i] = undefined;
    if (document instanceof Error) unreadable.push({ file: files[i], reason: document.message });
    else merger.add(document);
    hooks.onProgress?.(i + 1, files.length);
  }
  return hooks.isCancelled?.() ? undefined : { result: merger.result(), unreadable };
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
