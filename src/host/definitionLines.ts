/**
 * The `def` lines of a profile's decorated functions, so that the views show the line that
 * go-to-source opens. cProfile records a decorated function at its first decorator's line
 * (co_firstlineno); openSource.ts opens the `def` below it (core/definitionLine.ts). Here the
 * host finds each function's local file the way go-to-source does (path mappings, the
 * recorded path, the workspace, then one workspace search for trailing-path matches), reads
 * it and tells the pages which functions' lines to show differently.
 *
 * Bounded, since a profile can name thousands of files: the costliest files first, at most
 * MAX_FILES of them, none over MAX_FILE_BYTES, and whatever is found by TIMEOUT_MS is what the
 * views get (the rest show their recorded line, as before).
 */
import * as vscode from 'vscode';
import { definitionLineIn, sourceLines, type DefinitionLines } from '../core/definitionLine';
import { noSourceReason, sourceCandidates } from '../core/pathMapping';
import type { ProfiledFunction, ProfilePaths } from '../core/profileFormat';
import { firstExisting, workspaceFilesNamed } from './openSource';
import type { Settings } from './settings';

export const MAX_FILES = 200;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;
/**
 * The views draw without waiting this long (lines found later reach them in place), so the
 * deadline only bounds the work: long enough for a big workspace's search or a remote host.
 */
export const TIMEOUT_MS = 10_000;
/** Files read at once. */
const CONCURRENCY = 8;

/** How sources are read: VS Code's file system within TIMEOUT_MS, unless a test holds the reads (ProfileEditorProvider.sourceReading). */
export interface SourceReading {
  read(file: vscode.Uri): Thenable<Uint8Array>;
  timeoutMs: number;
}

export const SOURCE_READING: SourceReading = { read: (file) => vscode.workspace.fs.readFile(file), timeoutMs: TIMEOUT_MS };

export async function resolveDefinitionLines(
  functions: readonly ProfiledFunction[],
  paths: ProfilePaths | undefined,
  settings: Settings,
  reading: SourceReading = SOURCE_READING,
): Promise<DefinitionLines> {
  const found: DefinitionLines = [];
  const work = resolveInto(found, functions, paths, settings, (file) => reading.read(file));
  const timeoutMs = reading.timeoutMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
  // A file that cannot be read is skipped where it fails; this catch is for the unexpected.
  await Promise.race([work.catch(() => undefined), deadline]);
  clearTimeout(timer);
  return [...found];
}

/** Recorded lines of each source file, costliest file first (its costliest function's time). */
function filesByCost(functions: readonly ProfiledFunction[]): [file: string, fns: number[]][] {
  const byFile = new Map<string, { fns: number[]; cost: number }>();
  functions.forEach((f, index) => {
    if (!f || typeof f.file !== 'string' || !(typeof f.line === 'number' && f.line > 0) || noSourceReason(f.file)) return;
    const entry = byFile.get(f.file) ?? { fns: [], cost: 0 };
    entry.fns.push(index);
    entry.cost = Math.max(entry.cost, Number.isFinite(f.ct) ? f.ct : 0);
    byFile.set(f.file, entry);
  });
  return [...byFile].sort((a, b) => b[1].cost - a[1].cost).map(([file, { fns }]) => [file, fns]);
}

async function resolveInto(
  found: DefinitionLines,
  functions: readonly ProfiledFunction[],
  paths: ProfilePaths | undefined,
  settings: Settings,
  readSource: (file: vscode.Uri) => Thenable<Uint8Array>,
): Promise<void> {
  const files = filesByCost(functions).slice(0, MAX_FILES);
  if (!files.length) return;
  const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const lookup = { mappings: settings.pathMappings, workspaceFolders, serverCwd: paths?.cwd };
  const read = (local: vscode.Uri, fns: number[]) => readDefinitionLines(local, fns, functions, found, readSource);

  const unmatched: [string, number[]][] = [];
  await eachLimited(files, async ([file, fns]) => {
    const local = await firstExisting(sourceCandidates(file, lookup).candidates);
    if (local) await read(local, fns);
    else unmatched.push([file, fns]);
  });
  if (!unmatched.length || !workspaceFolders.length) return;
  // As go-to-source does when nothing else matched: a workspace file with the same trailing path.
  const knownFiles = await workspaceFilesNamed(
    unmatched.map(([file]) => file),
    MAX_FILES * 5,
  );
  await eachLimited(unmatched, async ([file, fns]) => {
    const segments = sourceCandidates(file, { ...lookup, knownFiles }).candidates.filter((c) => c.reason === 'segments');
    const local = await firstExisting(segments);
    if (local) await read(local, fns);
  });
}

async function readDefinitionLines(
  local: vscode.Uri,
  fns: number[],
  functions: readonly ProfiledFunction[],
  found: DefinitionLines,
  readSource: (file: vscode.Uri) => Thenable<Uint8Array>,
): Promise<void> {
  try {
    const stat = await vscode.workspace.fs.stat(local);
    if (!(stat.type & vscode.FileType.File) || stat.size > MAX_FILE_BYTES) return;
    const lines = sourceLines(new TextDecoder('utf-8').decode(await readSource(local)));
    for (const fn of fns) {
      const recorded = functions[fn].line;
      const line = definitionLineIn(lines, recorded);
      if (line !== recorded) found.push([fn, line]);
    }
  } catch {
    // Unreadable (removed, no permission): its functions keep their recorded lines.
  }
}

async function eachLimited<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
}
