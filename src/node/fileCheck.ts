/**
 * What a path in a profile folder is, found without opening it: opening a FIFO waits for a
 * writer (forever), and opening a device can act on it. Only regular files are ever opened; any
 * other kind, and a link that leads nowhere, gets a reason the Profiles panel can show.
 */
import type { Stats } from 'node:fs';
import { lstat, readlink, stat } from 'node:fs/promises';

export type FileCheck =
  | { kind: 'file'; info: Stats }
  /** Nothing at that path (deleted meanwhile). */
  | { kind: 'gone' }
  | { kind: 'unusable'; reason: string; info?: Stats };

export async function checkFile(file: string): Promise<FileCheck> {
  let own: Stats;
  try {
    own = await lstat(file);
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return { kind: 'gone' };
    return { kind: 'unusable', reason: `Cannot read the file: ${(error as Error).message}` };
  }
  if (!own.isSymbolicLink()) return classify(own, '');
  let target: Stats;
  try {
    target = await stat(file);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ELOOP') return { kind: 'unusable', reason: 'The link loops: following it leads back to a link already followed.', info: own };
    const destination = await readlink(file).catch(() => '?');
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'unusable', reason: `Dangling link to ${destination}: nothing is there.`, info: own };
    return { kind: 'unusable', reason: `Cannot follow the link to ${destination}: ${(error as Error).message}`, info: own };
  }
  return classify(target, `A link to ${await readlink(file).catch(() => '?')}: `);
}

/** A regular file, or the reason why the path is not one (prefixed by what the link points to). */
export function classify(info: Stats, prefix: string): FileCheck {
  if (info.isFile()) return { kind: 'file', info };
  const description = describeNonFile(info);
  return { kind: 'unusable', reason: prefix ? `${prefix}${description[0].toLowerCase()}${description.slice(1)}` : description, info };
}

function describeNonFile(info: Stats): string {
  if (info.isDirectory()) return 'Not a file but a folder.';
  if (info.isFIFO()) return 'Not a file but a named pipe (FIFO): not opened, as reading one waits for a writer.';
  if (info.isSocket()) return 'Not a file but a socket: not opened.';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'Not a file but a device: not opened.';
  return 'Not a regular file: not opened.';
}

export function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
