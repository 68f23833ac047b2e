/**
 * The one way the views read a profile file, whatever wrote it: the middleware's JSON, or a
 * standard pstats file (Werkzeug, `python -m cProfile -o`), read by the pure TypeScript marshal
 * reader. Only a regular file is opened (a FIFO, device or folder is refused by its kind, a
 * dangling link by where it points), and it is read within the size and time limits
 * (readLimits.ts), whatever size the file system claims.
 * Every failure is a ProfileReadError with a message fit for the user, which either starts
 * with the file's name or does not name it (the call graph puts the name in front).
 */
import { basename } from 'node:path';
import type { ProfileDocument, ProfileHeader } from '../core/profileFormat';
import { parseProfileDocument, parseProfileHeader, ProfileReadError } from '../core/profileHeader';
import { readPstatsDocument, type PstatsSource } from '../core/pstats';
import { closeFile, openRegularFile, readPrefix, withTimeLimit, type OpenFile } from './boundedRead';
import { checkFile, errorCode } from './fileCheck';
import { isPstatsFileName } from './profileFiles';
import { DEFAULT_READ_LIMITS, sizeLimitMessage, type ReadLimits } from './readLimits';

export interface LoadedProfile {
  document: ProfileDocument;
  /** Set for pstats files: which header fields are unknown or estimated. */
  pstats?: PstatsSource;
  /**
   * The middleware's JSON file as it is on disk, for a page to parse itself: VS Code carries
   * bytes to a webview as they are, where a parsed document would be serialised again.
   */
  bytes?: Uint8Array;
}

/** A profile as the call tree's page takes it: JSON checked only as far as its header, pstats parsed. */
export type ProfileFileContent = { bytes: Uint8Array; header: ProfileHeader } | { document: ProfileDocument; pstats: PstatsSource };

/** Loads and parses a whole profile (the call graph; the host's own uses of a document). */
export async function loadProfile(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<LoadedProfile> {
  const content = await readProfileFile(file, limits);
  if ('document' in content) return content;
  return { document: parseProfileDocument(decodeUtf8(content.bytes)), bytes: content.bytes };
}

/**
 * loadProfile's document, or the error that refused it: never rejects, so a read nobody waits
 * for any more (a merge cancelled) cannot become an unhandled rejection.
 */
export function loadDocumentOrError(file: string, limits: ReadLimits): Promise<ProfileDocument | Error> {
  return loadProfile(file, limits).then(
    (loaded) => loaded.document,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
}

/**
 * Reads a profile file within limits. The middleware's JSON is returned as bytes after checking
 * its header line (whatever its length), so the page can parse the rest itself.
 */
export async function readProfileFile(file: string, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<ProfileFileContent> {
  const { bytes, modifiedMs } = await readProfileBytes(file, limits);
  if (isPstatsFileName(basename(file))) {
    const document = readPstatsDocument(bytes, { fileName: basename(file), modifiedMs });
    return { document, pstats: document.source };
  }
  const newline = bytes.indexOf(10);
  const header = parseProfileHeader(decodeUtf8(newline < 0 ? bytes : bytes.subarray(0, newline + 1)));
  return { bytes, header };
}

/**
 * UTF-8 text of a file's bytes. TextDecoder drops a leading byte-order mark (some editors add
 * one on save); invalid sequences become U+FFFD, which the JSON parse then reports if it matters.
 */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

/**
 * The whole content of a regular file, refused with the reason when it is not one, when it is
 * over limits.maxBytes (by its size, or by what reading finds when the size is wrong), or when
 * reading it takes longer than limits.timeoutMs.
 */
export async function readProfileBytes(file: string, limits: ReadLimits): Promise<{ bytes: Uint8Array; modifiedMs: number }> {
  const name = basename(file);
  const check = await checkFile(file);
  if (check.kind === 'gone') throw new ProfileReadError(`${name} no longer exists.`);
  if (check.kind === 'unusable') throw new ProfileReadError(check.reason);
  if (check.info.size > limits.maxBytes) throw new ProfileReadError(sizeLimitMessage(name, check.info.size, limits.maxBytes));
  const timeMessage = `${name} took longer than ${limits.timeoutMs / 1000} s to read: gave up (the disk or network share may be stalled).`;
  return withTimeLimit(limits.timeoutMs, timeMessage, async (deadline) => {
    let opened: OpenFile;
    try {
      opened = await openRegularFile(file);
    } catch (error) {
      if (error instanceof ProfileReadError) throw error;
      throw new ProfileReadError(errorCode(error) === 'ENOENT' ? `${name} no longer exists.` : `${name} cannot be read: ${(error as Error).message}`);
    }
    const { fd, info } = opened;
    try {
      if (info.size > limits.maxBytes) throw new ProfileReadError(sizeLimitMessage(name, info.size, limits.maxBytes));
      // One read of the size given plus one byte: the usual file takes one call and a second that finds the end.
      const read = await readPrefix(fd, { maxBytes: limits.maxBytes, firstChunk: Math.max(info.size + 1, 64 * 1024), deadline, timeMessage });
      if (read.overLimit) throw new ProfileReadError(sizeLimitMessage(name, undefined, limits.maxBytes));
      // A plain view, not the Buffer: a Buffer sent to a webview arrives as a list of numbers (its toJSON).
      return { bytes: new Uint8Array(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength), modifiedMs: info.mtimeMs };
    } finally {
      await closeFile(fd);
    }
  });
}
