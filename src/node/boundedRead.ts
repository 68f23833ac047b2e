/**
 * Reading profile files with bounds: opened without waiting (a FIFO that slipped past the type
 * check does not block), read in chunks up to a byte limit whatever size the file system
 * claims (/dev/zero, /proc files and growing files claim too little), and given up after a time
 * limit. All asynchronous: nothing here blocks the extension host's main thread.
 *
 * File descriptors and Node's callback API rather than fs/promises' FileHandle: the list reads
 * thousands of files, and per read FileHandle costs more CPU (docs/measurements.md, "Reading
 * many small files").
 */
import { close, constants, fstat, open, read, type Stats } from 'node:fs';
import { ProfileReadError } from '../core/profileHeader';
import { withTimeout } from '../core/withTimeout';
import { classify } from './fileCheck';

/** Set once the time limit has passed: a loop of reads stops at its next chunk. */
export interface Deadline {
  expired: boolean;
}

/**
 * Runs work with a time limit: past it, the result is a ProfileReadError(message) and the
 * deadline is marked expired. The work itself carries on to its end (a read already handed to
 * the system cannot be cancelled) and closes what it opened.
 */
export function withTimeLimit<T>(ms: number, message: string, work: (deadline: Deadline) => Promise<T>): Promise<T> {
  const deadline: Deadline = { expired: false };
  return withTimeout(work(deadline), ms, message, (text) => {
    deadline.expired = true;
    return new ProfileReadError(text);
  });
}

/** O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer (POSIX; 0 on Windows). */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** An open regular file: close it with closeFile once done. */
export interface OpenFile {
  fd: number;
  info: Stats;
}

/**
 * Opens a file that should be a regular file; if it turned into something else since it was
 * checked, closes it again and says what it is.
 */
export async function openRegularFile(file: string): Promise<OpenFile> {
  const fd = await new Promise<number>((resolve, reject) => open(file, OPEN_FLAGS, (error, fd) => (error ? reject(error) : resolve(fd))));
  try {
    const info = await new Promise<Stats>((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats))));
    const check = classify(info, '');
    if (check.kind !== 'file') throw new ProfileReadError(check.kind === 'unusable' ? check.reason : 'Not a regular file.');
    return { fd, info };
  } catch (error) {
    await closeFile(fd);
    throw error;
  }
}

/** Closes a descriptor; a failure to close (nothing left to lose) is not an error to report. */
export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve) => close(fd, () => resolve()));
}

function readInto(fd: number, buffer: Buffer, length: number, position: number | null): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
}

export interface PrefixRead {
  bytes: Buffer;
  /** The file holds more than the limit allowed to be read. */
  overLimit: boolean;
}

/**
 * Reads from the start of a freshly opened file until done(newBytes) is true, the end of the file, or
 * maxBytes (then overLimit). Chunks start at firstChunk bytes and double, so a small read costs
 * one call and a long one few. Throws if the deadline expires between chunks.
 */
export async function readPrefix(
  fd: number,
  options: { maxBytes: number; firstChunk: number; deadline: Deadline; timeMessage: string; done?: (chunk: Buffer) => boolean },
): Promise<PrefixRead> {
  const chunks: Buffer[] = [];
  let total = 0;
  let chunkSize = Math.max(1, options.firstChunk);
  for (;;) {
    if (options.deadline.expired) throw new ProfileReadError(options.timeMessage);
    // One byte past the limit tells a file of exactly maxBytes from a larger one.
    const wanted = Math.min(chunkSize, options.maxBytes + 1 - total);
    // Never from Buffer's shared pool: these bytes may be sent to a webview, pool and all.
    const buffer = Buffer.allocUnsafeSlow(wanted);
    // From the descriptor's own position (fresh, at 0): sequential, as a pipe or device allows too.
    const bytesRead = await readInto(fd, buffer, wanted, null);
    if (bytesRead === 0) break;
    const chunk = buffer.subarray(0, bytesRead);
    chunks.push(chunk);
    total += bytesRead;
    if (total > options.maxBytes) return { bytes: joinChunks(chunks, options.maxBytes), overLimit: true };
    if (options.done?.(chunk)) break;
    // A full chunk: the file goes on, read more at once. A short one is usually the end: probe small.
    chunkSize = bytesRead === wanted ? Math.max(chunkSize, total) : PROBE_BYTES;
  }
  return { bytes: joinChunks(chunks, total), overLimit: false };
}

/** What is read after a short read, to find the end of a file that claimed a wrong size. */
const PROBE_BYTES = 64 * 1024;

function joinChunks(chunks: Buffer[], length: number): Buffer {
  if (chunks.length === 1) return chunks[0].subarray(0, length);
  const joined = Buffer.allocUnsafeSlow(length);
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= length) break;
    offset += chunk.copy(joined, offset, 0, Math.min(chunk.length, length - offset));
  }
  return joined;
}

/** Up to length bytes at position (fewer at the end of the file). */
export async function readAt(fd: number, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const bytesRead = await readInto(fd, buffer, length, position);
  return buffer.subarray(0, bytesRead);
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The bytes after a leading UTF-8 byte-order mark (which some editors add on save), if any. */
export function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b) ? bytes.subarray(3) : bytes;
}
