/**
 * Loads a whole profile for the views, whatever wrote it: the middleware's JSON, or a standard
 * pstats file (Werkzeug, `python -m cProfile -o`), read by the pure TypeScript marshal reader.
 * Every failure is a ProfileReadError with a message fit for the user.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ProfileDocument } from '../core/profileFormat';
import { parseProfileDocument, ProfileReadError } from '../core/profileHeader';
import { readPstatsDocument, type PstatsSource } from '../core/pstats';
import { isPstatsFileName } from './profileFiles';

export interface LoadedProfile {
  document: ProfileDocument;
  /** Set for pstats files: which header fields are unknown or estimated. */
  pstats?: PstatsSource;
}

export async function loadProfile(file: string): Promise<LoadedProfile> {
  let bytes: Uint8Array;
  let modifiedMs: number;
  try {
    [bytes, modifiedMs] = await Promise.all([readFile(file), stat(file).then((s) => s.mtimeMs)]);
  } catch (error) {
    throw new ProfileReadError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  if (isPstatsFileName(basename(file))) {
    const document = readPstatsDocument(bytes, { fileName: basename(file), modifiedMs });
    return { document, pstats: document.source };
  }
  return { document: parseProfileDocument(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) };
}
