/**
 * A corpus of hostile and odd files, made at test time in a folder of the caller's choosing:
 * what a profile folder can hold besides profiles (special files, links that lead nowhere,
 * huge and truncated files, odd text). Each file comes with what the Profiles list and the
 * views' loader must make of it, so tests can run both over every file.
 */
import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { makeHeader, profileText } from '../unit/profileSamples';

/** 'profile': listed (or loaded) as a profile; a RegExp: refused with a message that matches. */
export type Outcome = 'profile' | RegExp;

export interface HostileFile {
  name: string;
  /** What it is, for test names and failure messages. */
  what: string;
  /** What the Profiles list must show for it. */
  listed: Outcome;
  /** What the views' loader must give for it. */
  loaded: Outcome;
}

export interface HostileCorpus {
  files: HostileFile[];
  /** Stops what keeps special files alive (the socket's server). */
  close(): Promise<void>;
}

const SIZE_LIMIT = /over the .* limit \(requestProfiler\.maxProfileSizeMB\)/;

/** A valid profile's text, its header path set to path. */
export function validProfile(path: string): string {
  return profileText(makeHeader({ path, start: 1_700_000_000 }));
}

/**
 * Makes the corpus in directory (which must exist).
 * @param maxBytes the size limit the reader under test will use: the huge file is just over it.
 * @param prefix put before every name, so that several copies can share a folder (the benchmark).
 */
export async function makeHostileCorpus(directory: string, maxBytes: number, prefix = ''): Promise<HostileCorpus> {
  const files: HostileFile[] = [];
  const at = (name: string) => join(directory, prefix + name);
  const add = (name: string, what: string, listed: Outcome, loaded: Outcome = listed) => files.push({ name: prefix + name, what, listed, loaded });

  add('valid.rprof.json', 'a valid profile (the control)', 'profile');
  writeFileSync(at('valid.rprof.json'), validProfile('/valid'));

  execFileSync('mkfifo', [at('fifo.rprof.json')]);
  add('fifo.rprof.json', 'a FIFO with no writer', /named pipe \(FIFO\)/);
  // pstats names with stems of their own: x.prof beside x.rprof.json is that profile's copy, never listed.
  execFileSync('mkfifo', [at('fifo-pstats.prof')]);
  add('fifo-pstats.prof', 'a FIFO named like a pstats file', /named pipe \(FIFO\)/);

  const socketPath = at('socket.rprof.json');
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  add('socket.rprof.json', 'a unix socket', /socket/);

  mkdirSync(at('folder.rprof.json'));
  add('folder.rprof.json', 'a folder named like a profile', /folder/);
  symlinkSync(directory, at('folder-link.rprof.json'));
  add('folder-link.rprof.json', 'a link to a folder', /A link to .*: not a file but a folder/);

  symlinkSync('/dev/zero', at('zero.rprof.json'));
  add('zero.rprof.json', 'a link to /dev/zero', /A link to \/dev\/zero: .*device/);
  symlinkSync('/dev/urandom', at('urandom.prof'));
  add('urandom.prof', 'a pstats-named link to /dev/urandom', /A link to \/dev\/urandom: .*device/);

  symlinkSync(at('nowhere/profile.rprof.json'), at('dangling.rprof.json'));
  add('dangling.rprof.json', 'a dangling link', new RegExp(`Dangling link to ${escapeRegExp(at('nowhere/profile.rprof.json'))}`));
  symlinkSync(at('loop.rprof.json'), at('loop.rprof.json'));
  add('loop.rprof.json', 'a link to itself', /The link loops/);
  symlinkSync(at('loop-b.rprof.json'), at('loop-a.rprof.json'));
  symlinkSync(at('loop-a.rprof.json'), at('loop-b.rprof.json'));
  add('loop-a.rprof.json', 'two links pointing at each other', /The link loops/);
  add('loop-b.rprof.json', 'two links pointing at each other', /The link loops/);
  symlinkSync(at('valid.rprof.json'), at('link-to-valid.rprof.json'));
  add('link-to-valid.rprof.json', 'a link to a valid profile', 'profile');

  writeFileSync(at('huge.rprof.json'), validProfile('/huge').split('\n')[0] + '\n');
  truncateSync(at('huge.rprof.json'), maxBytes + 1024 * 1024); // sparse: no disk used
  add('huge.rprof.json', 'a sparse file just over the size limit', SIZE_LIMIT);

  writeFileSync(at('empty.rprof.json'), '');
  add('empty.rprof.json', 'an empty file', /empty/);
  writeFileSync(at('empty-pstats.prof'), '');
  add('empty-pstats.prof', 'an empty pstats file', /empty/, /empty|truncated/i);

  writeFileSync(at('bom.rprof.json'), '\ufeff' + validProfile('/bom'));
  add('bom.rprof.json', 'a valid profile behind a UTF-8 byte-order mark', 'profile');

  const longHeader = validProfile('/long').replace('"path":"/long"', `"path":"/${'x'.repeat(100 * 1024)}"`);
  writeFileSync(at('long-header.rprof.json'), longHeader);
  add('long-header.rprof.json', 'a valid profile whose header line is 100 KiB', 'profile');

  writeFileSync(at('unreadable.rprof.json'), validProfile('/unreadable'));
  chmodSync(at('unreadable.rprof.json'), 0o000);
  // Tests may run as root, for whom mode 000 denies nothing: then it is simply a profile.
  const denied = !canRead(at('unreadable.rprof.json'));
  add('unreadable.rprof.json', `a file with mode 000 (${denied ? 'denied' : 'readable: running as root'})`, denied ? /EACCES|permission denied/i : 'profile');

  const garbage = Buffer.alloc(64 * 1024);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24; // fixed, not random: failures repeat
  writeFileSync(at('garbage.rprof.json'), garbage);
  add('garbage.rprof.json', 'binary garbage', /Not JSON|not a Request Profiler profile/i);
  writeFileSync(at('garbage-pstats.prof'), Buffer.concat([Buffer.from([0x7b]), garbage]));
  // Starts like a marshalled dict, so the list (which reads one byte) takes it; the loader must refuse it.
  add('garbage-pstats.prof', 'binary garbage starting like a marshalled dict', 'profile', /./);

  const valid = validProfile('/truncated');
  writeFileSync(at('truncated.rprof.json'), valid.slice(0, Math.floor(valid.length * 0.6)));
  add('truncated.rprof.json', 'a profile cut off mid-way', /Truncated/);
  writeFileSync(at('header-only.rprof.json'), valid.slice(0, valid.indexOf('\n')));
  add('header-only.rprof.json', 'a header line with no newline or body', /Truncated/);
  writeFileSync(at('nul.rprof.json'), Buffer.alloc(4096));
  add('nul.rprof.json', 'NUL bytes', /Not JSON/);
  writeFileSync(at('not-utf8.rprof.json'), Buffer.concat([Buffer.from(valid.slice(0, 60)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(valid.slice(60))]));
  // Inside the id string: decoded as U+FFFD, which JSON takes, so the profile stays readable.
  add('not-utf8.rprof.json', 'invalid UTF-8 bytes inside the header line', 'profile');
  writeFileSync(at('deep.rprof.json'), valid.slice(0, valid.indexOf('\n') + 1) + '"x":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}\n');
  add('deep.rprof.json', 'a body nested 200,000 arrays deep', 'profile', /./);

  return {
    files,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function canRead(file: string): boolean {
  try {
    accessSync(file, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
