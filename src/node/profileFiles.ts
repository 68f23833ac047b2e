/**
 * File-system access to profiles: which names are profiles, and reading just what the list
 * needs: a profile's header (its first line), or a pstats file's name. Asynchronous throughout
 * (the list is built on the extension host's main thread), bounded in bytes and time, and
 * only regular files are opened: anything else is listed with what it is.
 */
import type { Stats } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PROFILE_SUFFIX } from '../core/profileFormat';
import { parseProfileHeader } from '../core/profileHeader';
import type { ProfileEntry } from '../core/profileIndex';
import { pstatsHeader } from '../core/pstats/pstatsDocument';
import type { ElapsedDecimals } from '../core/pstats/werkzeugFileName';
import { closeFile, openRegularFile, readAt, readPrefix, withoutByteOrderMark, withTimeLimit, type Deadline, type OpenFile } from './boundedRead';
import { checkFile, errorCode } from './fileCheck';
import { DEFAULT_READ_LIMITS, HEADER_TIME_LIMIT_MS, sizeLimitMessage } from './readLimits';

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
async function endsLikeJson(fd: number, size: number, head: Buffer): Promise<boolean> {
  const tail = head.length >= size ? head.subarray(Math.max(0, head.length - 64)) : await readAt(fd, Math.max(0, size - 64), 64);
  return tail.toString('latin1').trimEnd().endsWith('}');
}

/** marshal's dict type code, plain or with its reference flag: how every pstats file starts. */
const MARSHAL_DICT_CODES = new Set([0x7b, 0xfb]);

export interface EntryReadOptions {
  /** How Werkzeug formatted durations in this folder's file names. */
  elapsedDecimals?: ElapsedDecimals;
  /** The longest file (and so first line) read; bigger files are listed with the size limit. */
  maxBytes?: number;
  /** How long reading one file may take before it is listed as too slow. */
  timeoutMs?: number;
  /**
   * The folder listing said this is a regular file (readdir's file type): open it straight
   * away, with no separate type check. Whatever opens is still checked to be a regular file.
   */
  listedAsFile?: boolean;
}

/**
 * Reads what the list needs from a profile file; a file that cannot be used becomes an entry
 * with the reason. Undefined means the file is not listed: it is gone, or it is the .prof
 * copy the middleware wrote beside a profile.
 */
export async function readProfileEntry(file: string, directory: string, options: EntryReadOptions = {}): Promise<ProfileEntry | undefined> {
  const format: ProfileEntry['format'] = isPstatsFileName(basename(file)) ? 'pstats' : 'request-profiler';
  const timeoutMs = options.timeoutMs ?? HEADER_TIME_LIMIT_MS;
  const timeMessage = `Reading the file took longer than ${timeoutMs / 1000} s, so it was given up (the disk or network share may be stalled). Refresh to try again.`;
  try {
    return await withTimeLimit(timeoutMs, timeMessage, (deadline) => readEntry(file, directory, format, options, deadline, timeMessage));
  } catch (error) {
    return { file, directory, mtimeMs: 0, size: 0, format, error: (error as Error).message };
  }
}

async function readEntry(
  file: string,
  directory: string,
  format: ProfileEntry['format'],
  options: EntryReadOptions,
  deadline: Deadline,
  timeMessage: string,
): Promise<ProfileEntry | undefined> {
  const maxBytes = options.maxBytes ?? DEFAULT_READ_LIMITS.maxBytes;
  const unusable = (reason: string, info?: Stats): ProfileEntry => ({
    file,
    directory,
    mtimeMs: info?.mtimeMs ?? 0,
    size: info?.size ?? 0,
    format,
    error: reason,
  });
  if (format === 'pstats' && (await hasCompanionProfile(file))) return undefined;
  if (!options.listedAsFile) {
    const check = await checkFile(file);
    if (check.kind === 'gone') return undefined;
    if (check.kind === 'unusable') return unusable(check.reason, check.info);
  }
  let opened: OpenFile;
  try {
    opened = await openRegularFile(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined; // deleted since it was listed
    // It changed into something else since the listing: say what it is now.
    const check = await checkFile(file);
    if (check.kind === 'gone') return undefined;
    return unusable(
      check.kind === 'unusable' ? check.reason : `Cannot read the file: ${(error as Error).message}`,
      check.kind === 'unusable' ? check.info : undefined,
    );
  }
  const { fd, info } = opened;
  try {
    const entry: ProfileEntry = { file, directory, mtimeMs: info.mtimeMs, size: info.size, format };
    if (info.size > maxBytes) return unusable(sizeLimitMessage(basename(file), info.size, maxBytes), info);
    try {
      if (format === 'pstats') await fillPstatsEntry(fd, info, entry, options.elapsedDecimals);
      else await fillProfileEntry(fd, info, entry, maxBytes, deadline, timeMessage);
    } catch (error) {
      entry.error = (error as Error).message;
    }
    return entry;
  } finally {
    await closeFile(fd);
  }
}

/** The .prof the middleware wrote beside one of its own profiles is not listed on its own. */
async function hasCompanionProfile(file: string): Promise<boolean> {
  const companion = companionProfileOf(file);
  return (
    companion !== undefined &&
    (await lstat(companion).then(
      () => true,
      () => false,
    ))
  );
}

/**
 * A pstats file's entry: the list needs only what the file name says (Werkzeug's names hold
 * method, path, duration and time), so only the first byte is read, to reject non-pstats files.
 */
async function fillPstatsEntry(fd: number, info: Stats, entry: ProfileEntry, elapsedDecimals: ElapsedDecimals | undefined): Promise<void> {
  const first = await readAt(fd, 0, 1);
  if (first.length === 0) entry.error = 'The file is empty (a write may have been interrupted).';
  else if (!MARSHAL_DICT_CODES.has(first[0])) entry.error = 'Not a pstats file: it does not start with a marshalled dict.';
  else entry.header = pstatsHeader({ fileName: basename(entry.file), modifiedMs: info.mtimeMs, elapsedDecimals }).header;
}

/**
 * The middleware's profile: its header is the first line, read up to its newline however long
 * it is (within the size limit, as the view would open the file), then a look at the last bytes.
 */
async function fillProfileEntry(fd: number, info: Stats, entry: ProfileEntry, maxBytes: number, deadline: Deadline, timeMessage: string): Promise<void> {
  const head = await readPrefix(fd, { maxBytes, firstChunk: FIRST_READ, deadline, timeMessage, done: (chunk) => chunk.includes(10) });
  if (head.overLimit && !head.bytes.includes(10)) {
    entry.error = sizeLimitMessage(basename(entry.file), undefined, maxBytes);
    return;
  }
  const header = parseProfileHeader(withoutByteOrderMark(head.bytes).toString('utf8'));
  if (!(await endsLikeJson(fd, info.size, head.bytes))) {
    entry.error = 'Truncated: the file ends before the profile is complete (the write was cut off).';
    return;
  }
  entry.header = header;
}
