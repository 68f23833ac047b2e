/**
 * File-system access to profiles: which names are profiles, and reading just what the list
 * needs: a profile's header (its first line), or a pstats file's name.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { basename } from 'node:path';
import { PROFILE_SUFFIX } from '../core/profileFormat';
import { parseProfileHeader } from '../core/profileHeader';
import type { ProfileEntry } from '../core/profileIndex';
import { pstatsHeader } from '../core/pstats/pstatsDocument';
import type { ElapsedDecimals } from '../core/pstats/werkzeugFileName';

/** The header line is small; this bounds what a hostile or non-profile file can make us read. */
const HEADER_READ_LIMIT = 64 * 1024;
/** Enough for a typical header line (about 1 KiB), and the whole of a small profile. */
const FIRST_READ = 8 * 1024;

const PSTATS_SUFFIXES = ['.prof', '.pstats'];

export function isPstatsFileName(name: string): boolean {
  return PSTATS_SUFFIXES.some((suffix) => name.endsWith(suffix)) && !name.startsWith('.');
}

/**
 * Final profile files: ours, and standard pstats files (what Werkzeug's ProfilerMiddleware
 * and `python -m cProfile -o` write). A write in progress is a dot-file ending in .tmp.
 */
export function isProfileFileName(name: string): boolean {
  return (name.endsWith(PROFILE_SUFFIX) && !name.startsWith('.')) || isPstatsFileName(name);
}

/** The middleware can write a .prof beside each .rprof.json: that copy is not a profile of its own. */
export function companionProfileOf(pstatsFile: string): string | undefined {
  const suffix = PSTATS_SUFFIXES.find((s) => pstatsFile.endsWith(s));
  return suffix ? pstatsFile.slice(0, -suffix.length) + PROFILE_SUFFIX : undefined;
}

/** The .prof the middleware may have written beside a profile. */
export function pstatsCompanionsOf(profileFile: string): string[] {
  if (!profileFile.endsWith(PROFILE_SUFFIX)) return [];
  const stem = profileFile.slice(0, -PROFILE_SUFFIX.length);
  return PSTATS_SUFFIXES.map((suffix) => stem + suffix);
}

export function isProfilePath(path: string): boolean {
  return isProfileFileName(basename(path));
}

/**
 * A complete profile ends with "}" (and whitespace). Checking the last bytes catches a file cut
 * off after its header line for the price of one small read.
 */
function endsLikeJson(fd: number, size: number, head: Buffer, headBytes: number): boolean {
  let tail: string;
  if (headBytes >= size) {
    tail = head.toString('latin1', Math.max(0, headBytes - 64), headBytes);
  } else {
    const buffer = Buffer.alloc(64);
    const bytesRead = readSync(fd, buffer, 0, 64, Math.max(0, size - 64));
    tail = buffer.toString('latin1', 0, bytesRead);
  }
  return tail.trimEnd().endsWith('}');
}

/** marshal's dict type code, plain or with its reference flag: how every pstats file starts. */
const MARSHAL_DICT_CODES = new Set([0x7b, 0xfb]);

/**
 * A pstats file's entry: the list needs only what the file name says (Werkzeug's names hold
 * method, path, duration and time), so only the first byte is read, to reject non-pstats files.
 * Returns undefined for a .prof that the middleware wrote beside one of its own profiles.
 */
function readPstatsEntry(file: string, directory: string, elapsedDecimals: ElapsedDecimals | undefined): ProfileEntry | undefined {
  const companion = companionProfileOf(file);
  if (companion && existsSync(companion)) return undefined;
  return withOpenFile(file, directory, 'pstats', (fd, info, entry) => {
    const first = Buffer.alloc(1);
    const bytesRead = readSync(fd, first, 0, 1, 0);
    if (bytesRead === 0) entry.error = 'The file is empty (a write may have been interrupted).';
    else if (!MARSHAL_DICT_CODES.has(first[0])) entry.error = 'Not a pstats file: it does not start with a marshalled dict.';
    else entry.header = pstatsHeader({ fileName: basename(file), modifiedMs: info.mtimeMs, elapsedDecimals }).header;
  });
}

/** Opens a file and fills in its entry; a file that cannot be opened gets the reason instead. */
function withOpenFile(
  file: string,
  directory: string,
  format: ProfileEntry['format'],
  fill: (fd: number, info: Stats, entry: ProfileEntry) => void,
): ProfileEntry {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const info = fstatSync(fd);
    const entry: ProfileEntry = { file, directory, mtimeMs: info.mtimeMs, size: info.size, format };
    try {
      fill(fd, info, entry);
    } catch (error) {
      entry.error = (error as Error).message;
    }
    return entry;
  } catch (error) {
    return { file, directory, mtimeMs: 0, size: 0, format, error: `Cannot read the file: ${(error as Error).message}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Reads what the list needs from a profile file; a file that cannot be used becomes an entry
 * with the reason. Undefined means the file is not listed (a companion .prof).
 * Synchronous on purpose: a few small reads take tens of microseconds, far less than handing
 * each to libuv's four threads; the library reads files in batches and yields between them.
 */
export function readProfileEntry(file: string, directory: string, elapsedDecimals?: ElapsedDecimals): ProfileEntry | undefined {
  if (isPstatsFileName(basename(file))) return readPstatsEntry(file, directory, elapsedDecimals);
  return withOpenFile(file, directory, 'request-profiler', (fd, info, entry) => {
    // Most header lines fit in the first read; only a longer one costs a second.
    let buffer = Buffer.alloc(Math.min(FIRST_READ, info.size));
    let bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    if (bytesRead === FIRST_READ && buffer.indexOf(10) < 0 && info.size > FIRST_READ) {
      buffer = Buffer.alloc(Math.min(HEADER_READ_LIMIT, info.size));
      bytesRead = readSync(fd, buffer, 0, buffer.length, 0);
    }
    const text = buffer.toString('utf8', 0, bytesRead);
    if (text.indexOf('\n') < 0 && info.size > HEADER_READ_LIMIT) {
      entry.error = `The first line is longer than ${HEADER_READ_LIMIT / 1024} KiB: not a Request Profiler profile.`;
      return;
    }
    const header = parseProfileHeader(text);
    if (!endsLikeJson(fd, info.size, buffer, bytesRead)) {
      entry.error = 'Truncated: the file ends before the profile is complete (the write was cut off).';
      return;
    }
    entry.header = header;
  });
}
