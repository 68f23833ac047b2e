/**
 * File-system access to profiles: which names are profiles, and reading just a file's
 * header (its first line) for the list.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { PROFILE_SUFFIX } from '../core/profileFormat';
import { parseProfileHeader } from '../core/profileHeader';
import type { ProfileEntry } from '../core/profileIndex';

/** The header line is small; this bounds what a hostile or non-profile file can make us read. */
const HEADER_READ_LIMIT = 64 * 1024;

/** Final profile files; a write in progress is a dot-file ending in .tmp and never matches. */
export function isProfileFileName(name: string): boolean {
  return name.endsWith(PROFILE_SUFFIX) && !name.startsWith('.');
}

export function isProfilePath(path: string): boolean {
  return isProfileFileName(basename(path));
}

/**
 * A complete profile ends with "}" (and whitespace). Checking the last bytes catches a file cut
 * off after its header line for the price of one small read.
 */
async function endsLikeJson(handle: FileHandle, size: number, head: Buffer, headBytes: number): Promise<boolean> {
  let tail: string;
  if (headBytes >= size) {
    tail = head.toString('latin1', Math.max(0, headBytes - 64), headBytes);
  } else {
    const buffer = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buffer, 0, 64, Math.max(0, size - 64));
    tail = buffer.toString('latin1', 0, bytesRead);
  }
  return tail.trimEnd().endsWith('}');
}

/** Reads a profile's header; a file that cannot be used becomes an entry with the reason. */
export async function readProfileEntry(file: string, directory: string): Promise<ProfileEntry> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const info = await handle.stat();
    const buffer = Buffer.alloc(Math.min(HEADER_READ_LIMIT, info.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const entry: ProfileEntry = { file, directory, mtimeMs: info.mtimeMs, size: info.size };
    try {
      const text = buffer.toString('utf8', 0, bytesRead);
      if (text.indexOf('\n') < 0 && info.size > HEADER_READ_LIMIT) {
        entry.error = `The first line is longer than ${HEADER_READ_LIMIT / 1024} KiB: not a Request Profiler profile.`;
      } else {
        const header = parseProfileHeader(text);
        if (!(await endsLikeJson(handle, info.size, buffer, bytesRead))) {
          entry.error = 'Truncated: the file ends before the profile is complete (the write was cut off).';
        } else {
          entry.header = header;
        }
      }
    } catch (error) {
      entry.error = (error as Error).message;
    }
    return entry;
  } catch (error) {
    const info = await stat(file).catch(() => undefined);
    return { file, directory, mtimeMs: info?.mtimeMs ?? 0, size: info?.size ?? 0, error: `Cannot read the file: ${(error as Error).message}` };
  } finally {
    await handle?.close();
  }
}
