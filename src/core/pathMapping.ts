/**
 * Click-to-source, the pure part: where a file the app recorded might be on this machine.
 * Profiles hold the SERVER's paths (a container, a remote host, a relative __main__ script),
 * so the host tries, in order:
 *   1. the user's path mappings ({from, to} prefixes, longest `from` first);
 *   2. the recorded path itself (the app ran here);
 *   3. the path relative to each workspace folder: a relative path as recorded, or the part
 *      under the server's working directory (the app ran from the project root);
 *   4. known local files ending in the same path segments (best effort, for containers).
 * This module only lists candidates; the host checks which exist. Windows and POSIX
 * separators are both understood; Windows paths compare case-insensitively.
 */

export interface PathMapping {
  /** Server path prefix, e.g. "/app". */
  from: string;
  /** Local path prefix, e.g. "/home/me/shop" (`${workspaceFolder}` already expanded by the caller). */
  to: string;
}

export interface SourceLookup {
  mappings: readonly PathMapping[];
  /** Local workspace folder paths. */
  workspaceFolders: readonly string[];
  /** The server's working directory when the profile was recorded (the profile's paths.cwd). */
  serverCwd?: string;
  /** Local files the host knows of (say, a workspace search for the file name), for step 4. */
  knownFiles?: readonly string[];
}

export type CandidateReason = 'mapping' | 'recorded' | 'workspace' | 'segments';

export interface SourceCandidate {
  path: string;
  reason: CandidateReason;
  /** For messages: "path mapping /app → /home/me/shop", "relative to workspace folder shop"... */
  detail: string;
}

export interface SourceCandidates {
  candidates: SourceCandidate[];
  /** Set when the function has no source file at all (built-ins, frozen modules, exec'd strings). */
  noSource: string | null;
}

/** Trailing segments matched with only the file name are too weak unless the name is rare. */
const GENERIC_FILE_NAMES = new Set(['__init__.py', '__main__.py']);

/** Why a recorded file has no source, or null if it names a file. */
export function noSourceReason(file: string): string | null {
  if (!file) return 'No file was recorded for this function.';
  if (file === '~') return 'A built-in function (written in C): it has no Python source.';
  if (file.startsWith('<frozen ')) return `A frozen module (${file.slice(8, -1)}), compiled into the interpreter: it has no source file.`;
  if (file.startsWith('<') && file.endsWith('>')) return `Code compiled from ${file} (exec, eval or a template), not from a file.`;
  return null;
}

export function sourceCandidates(serverFile: string, lookup: SourceLookup): SourceCandidates {
  const reason = noSourceReason(serverFile);
  if (reason) return { candidates: [], noSource: reason };
  const candidates: SourceCandidate[] = [];
  const seen = new Set<string>();
  const add = (path: string, kind: CandidateReason, detail: string) => {
    const key = comparable(path);
    if (seen.has(key)) return;
    seen.add(key);
    candidates.push({ path, reason: kind, detail });
  };

  const relative = !isAbsolute(serverFile);
  const cwd = lookup.serverCwd && isAbsolute(lookup.serverCwd) ? lookup.serverCwd : undefined;
  const serverAbsolute = relative ? (cwd ? joinPath(cwd, serverFile) : undefined) : serverFile;

  if (serverAbsolute) {
    const mappings = [...lookup.mappings].filter((m) => m.from && m.to).sort((a, b) => trimSeparators(b.from).length - trimSeparators(a.from).length);
    for (const mapping of mappings) {
      const rest = remainderUnder(serverAbsolute, mapping.from);
      if (rest !== undefined) add(joinPath(mapping.to, rest), 'mapping', `path mapping ${mapping.from} → ${mapping.to}`);
    }
    if (!relative) add(serverFile, 'recorded', 'the recorded path');
  }
  const underCwd = relative ? normaliseRelative(serverFile) : cwd ? remainderUnder(serverFile, cwd) : undefined;
  if (underCwd) {
    for (const folder of lookup.workspaceFolders) add(joinPath(folder, underCwd), 'workspace', `relative to workspace folder ${baseName(folder)}`);
  }
  for (const file of trailingSegmentMatches(serverAbsolute ?? serverFile, lookup.knownFiles ?? [])) {
    add(file, 'segments', 'a workspace file with the same trailing path');
  }
  return { candidates, noSource: null };
}

/** The message when no candidate exists on disk: what was tried, and what would fix it. */
export function describeNoMatch(serverFile: string, tried: readonly SourceCandidate[]): string {
  const reason = noSourceReason(serverFile);
  if (reason) return reason;
  const lines = [`No local file found for ${serverFile}.`];
  if (tried.length) {
    lines.push('Tried:');
    for (const candidate of tried) lines.push(`  ${candidate.path} (${candidate.detail})`);
  } else {
    lines.push('No path mapping matches it and no workspace folder is open.');
  }
  lines.push('If the app runs in a container or on another machine, add a path mapping from its directory to your local folder.');
  return lines.join('\n');
}

/**
 * A mapping that would turn serverFile into localFile: the prefixes before their longest
 * common trailing segments ("/app/shop/views.py", "/home/me/shop/views.py" → "/app" →
 * "/home/me"). Null when even the file names differ, or when the paths are the same.
 */
export function suggestMapping(serverFile: string, localFile: string): PathMapping | null {
  const server = segments(serverFile);
  const local = segments(localFile);
  const ignoreCase = isWindowsStyle(serverFile) || isWindowsStyle(localFile);
  let common = 0;
  while (
    common < server.length - 1 &&
    common < local.length - 1 &&
    sameSegment(server[server.length - 1 - common], local[local.length - 1 - common], ignoreCase)
  ) {
    common++;
  }
  if (common === 0) return null;
  const from = prefixOf(serverFile, server.length - common);
  const to = prefixOf(localFile, local.length - common);
  if (comparable(from) === comparable(to)) return null;
  return { from, to };
}

// ---- trailing segments ----

function trailingSegmentMatches(serverFile: string, knownFiles: readonly string[]): string[] {
  const wanted = segments(serverFile);
  if (!wanted.length) return [];
  let best = 0;
  let matches: string[] = [];
  for (const file of knownFiles) {
    const ignoreCase = isWindowsStyle(file) || isWindowsStyle(serverFile);
    const have = segments(file);
    let count = 0;
    while (count < wanted.length && count < have.length && sameSegment(wanted[wanted.length - 1 - count], have[have.length - 1 - count], ignoreCase)) count++;
    if (count === 0 || count < best) continue;
    if (count > best) {
      best = count;
      matches = [];
    }
    matches.push(file);
  }
  // One matching segment is the file name alone: trust it only when it is unambiguous.
  if (best === 1 && (matches.length > 1 || GENERIC_FILE_NAMES.has(wanted[wanted.length - 1].toLowerCase()))) return [];
  return matches.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

// ---- path helpers (no Node 'path': this runs in webviews too) ----

function isWindowsStyle(path: string): boolean {
  return /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\\\') || (path.includes('\\') && !path.includes('/'));
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[a-zA-Z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

function segments(path: string): string[] {
  return path.split(/[\\/]+/).filter((s) => s && s !== '.');
}

function sameSegment(a: string, b: string, ignoreCase: boolean): boolean {
  return ignoreCase ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** A key for "same path": separators unified; Windows paths case-folded. */
function comparable(path: string): string {
  const unified = trimSeparators(path.replace(/\\/g, '/'));
  return isWindowsStyle(path) ? unified.toLowerCase() : unified;
}

function trimSeparators(path: string): string {
  return path.length > 1 ? path.replace(/[\\/]+$/, '') : path;
}

function baseName(path: string): string {
  const parts = segments(path);
  return parts[parts.length - 1] ?? path;
}

/** The part of path under prefix, on a segment boundary ("" if equal), or undefined. */
function remainderUnder(path: string, prefix: string): string | undefined {
  const p = comparable(path);
  const q = comparable(prefix);
  if (p === q) return '';
  const root = q.endsWith('/') ? q : `${q}/`;
  if (!p.startsWith(root)) return undefined;
  return path.replace(/\\/g, '/').slice(root.length);
}

/** A relative path with "." and ".." resolved, "/"-separated; undefined if it climbs out. */
function normaliseRelative(path: string): string | undefined {
  const out: string[] = [];
  for (const part of segments(path)) {
    if (part === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

/** base joined with a relative path, in base's separator style, "." and ".." resolved. */
function joinPath(base: string, relative: string): string {
  const separator = isWindowsStyle(base) ? '\\' : '/';
  const parts = segments(base);
  for (const part of segments(relative)) {
    if (part === '..') {
      if (parts.length > 1) parts.pop();
    } else {
      parts.push(part);
    }
  }
  const head = base.startsWith('\\\\') ? '\\\\' : base.startsWith('/') ? '/' : '';
  return head + parts.join(separator);
}

/** The first n segments of path, in its own separator style. */
function prefixOf(path: string, n: number): string {
  const separator = isWindowsStyle(path) ? '\\' : '/';
  const head = path.startsWith('\\\\') ? '\\\\' : path.startsWith('/') ? '/' : '';
  return head + segments(path).slice(0, n).join(separator);
}
