/**
 * Click-to-source: opens a profiled function's file at its `def` line and flashes the line.
 * The pure part (which local paths to try, why a function has no source, what mapping would
 * fix a miss) is in core/pathMapping.ts; this module checks candidates on disk, searches the
 * workspace for the trailing-segment match, and talks to the user when nothing matches.
 */
import * as vscode from 'vscode';
import { definitionLine } from '../core/definitionLine';
import { describeNoMatch, noSourceReason, sourceCandidates, suggestMapping, type SourceCandidate } from '../core/pathMapping';
import type { ProfilePaths } from '../core/profileFormat';
import { SECTION, type Settings } from './settings';

export interface SourceFunction {
  /** The file as the app's server recorded it. */
  file: string;
  /** The recorded first line (a decorator's line for decorated functions). */
  line: number;
  name: string;
}

/** A workspace search for the file name is bounded: it is a best-effort fallback, not an index. */
const MAX_SEARCH_RESULTS = 200;
const SEARCH_TIMEOUT_MS = 3000;
/** Long enough to catch the eye after the editor scrolls, short enough not to linger. */
const HIGHLIGHT_MS = 1500;
const ADD_MAPPING = 'Add Path Mapping…';

export interface OpenSourceOptions {
  /**
   * Where the editor opens: the active group unless said otherwise. A view the user clicks in to
   * reach the source (the call graph) passes ViewColumn.Beside so the editor does not cover it.
   */
  viewColumn?: vscode.ViewColumn;
}

let highlight: vscode.TextEditorDecorationType | undefined;

/**
 * Opens fn's source. Returns true when an editor was opened; false when the function has no
 * source (an information message says why) or no local file matched (a warning offers to add
 * a path mapping; choosing a file there opens it and returns true).
 */
export async function openFunctionSource(
  fn: SourceFunction,
  profile: { paths?: ProfilePaths },
  settings: Settings,
  options: OpenSourceOptions = {},
): Promise<boolean> {
  const viewColumn = options.viewColumn ?? vscode.ViewColumn.Active;
  const reason = noSourceReason(fn.file);
  if (reason) {
    void vscode.window.showInformationMessage(`${fn.name}: ${reason}`);
    return false;
  }
  const local = await findLocalFile(fn.file, profile.paths?.cwd, settings);
  if (local.found) {
    await showAtDefinition(local.found, fn.line, viewColumn);
    return true;
  }
  return offerMapping(fn, local.tried, viewColumn);
}

/** The first candidate that exists, trying the cheap ones before searching the workspace. */
async function findLocalFile(serverFile: string, serverCwd: string | undefined, settings: Settings): Promise<{ found?: vscode.Uri; tried: SourceCandidate[] }> {
  const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const lookup = { mappings: settings.pathMappings, workspaceFolders, serverCwd };
  const direct = sourceCandidates(serverFile, lookup).candidates;
  const found = await firstExisting(direct);
  if (found || !workspaceFolders.length) return { found, tried: direct };
  const knownFiles = await filesNamedLike(serverFile);
  const all = sourceCandidates(serverFile, { ...lookup, knownFiles }).candidates;
  const segmentMatches = all.filter((c) => c.reason === 'segments');
  return { found: await firstExisting(segmentMatches), tried: all };
}

/** The first candidate that is a file on disk (also how definitionLines.ts finds sources). */
export async function firstExisting(candidates: readonly SourceCandidate[]): Promise<vscode.Uri | undefined> {
  for (const candidate of candidates) {
    const uri = vscode.Uri.file(candidate.path);
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.type & vscode.FileType.File) return uri;
    } catch {
      // Not there: try the next candidate.
    }
  }
  return undefined;
}

/** Workspace files with the same base name, for the trailing-segment match. */
async function filesNamedLike(serverFile: string): Promise<string[]> {
  return workspaceFilesNamed([serverFile], MAX_SEARCH_RESULTS);
}

/** Workspace files named like any of serverFiles (one bounded search), for trailing-segment matches. */
export async function workspaceFilesNamed(serverFiles: readonly string[], maxResults: number): Promise<string[]> {
  const bases = [...new Set(serverFiles.map((file) => file.split(/[\\/]/).pop()).filter((base): base is string => !!base))];
  if (!bases.length) return [];
  const glob = bases.length === 1 ? `**/${escapeGlob(bases[0])}` : `**/{${bases.map(escapeGlob).join(',')}}`;
  const cancel = new vscode.CancellationTokenSource();
  const timer = setTimeout(() => cancel.cancel(), SEARCH_TIMEOUT_MS);
  try {
    const uris = await vscode.workspace.findFiles(glob, undefined, maxResults, cancel.token);
    return uris.filter((u) => u.scheme === 'file').map((u) => u.fsPath);
  } catch {
    return [];
  } finally {
    clearTimeout(timer);
    cancel.dispose();
  }
}

/** File names may hold glob syntax ([, {, *, ?, and , inside braces): match them literally. */
function escapeGlob(name: string): string {
  return name.replace(/[[\]{}*?,]/g, (c) => `[${c}]`);
}

async function showAtDefinition(uri: vscode.Uri, recordedLine: number, viewColumn: vscode.ViewColumn): Promise<void> {
  const document = await vscode.workspace.openTextDocument(uri);
  const wanted = recordedLine > 0 ? definitionLine(document.getText(), recordedLine) : 1;
  const line = Math.min(Math.max(wanted, 1), document.lineCount) - 1;
  const position = new vscode.Position(line, document.lineAt(line).firstNonWhitespaceCharacterIndex);
  const editor = await vscode.window.showTextDocument(document, {
    selection: new vscode.Range(position, position),
    preview: true,
    viewColumn,
  });
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  flashLine(editor, line);
}

function flashLine(editor: vscode.TextEditor, line: number): void {
  highlight ??= vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    border: '1px solid',
    borderColor: new vscode.ThemeColor('editor.rangeHighlightBorder'),
  });
  const type = highlight;
  editor.setDecorations(type, [new vscode.Range(line, 0, line, 0)]);
  setTimeout(() => editor.setDecorations(type, []), HIGHLIGHT_MS);
}

/** Nothing matched: say what was tried and let the user pick the file, which adds a mapping. */
async function offerMapping(fn: SourceFunction, tried: readonly SourceCandidate[], viewColumn: vscode.ViewColumn): Promise<boolean> {
  const message = describeNoMatch(fn.file, tried);
  const [summary, ...details] = message.split('\n');
  const choice = await vscode.window.showWarningMessage(`${fn.name}: ${summary}`, { detail: details.join('\n') }, ADD_MAPPING);
  if (choice !== ADD_MAPPING) return false;
  const base = fn.file.split(/[\\/]/).pop() ?? '';
  const picked = await vscode.window.showOpenDialog({
    title: `Choose the local copy of ${fn.file}`,
    openLabel: 'Use This File',
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: base.includes('.') ? { [base]: [base.split('.').pop()!], 'All files': ['*'] } : undefined,
  });
  const localFile = picked?.[0];
  if (!localFile) return false;
  const mapping = suggestMapping(fn.file, localFile.fsPath);
  if (mapping) {
    await addPathMapping(mapping.from, mapping.to);
    void vscode.window.showInformationMessage(`Added the path mapping ${mapping.from} → ${mapping.to}.`);
  } else {
    void vscode.window.showWarningMessage(`${localFile.fsPath} does not end like ${fn.file}, so no mapping was added; it is opened this once.`);
  }
  await showAtDefinition(localFile, fn.line, viewColumn);
  return true;
}

/** Adds {from: to} to the mappings where the user keeps them (the workspace when one is open). */
async function addPathMapping(from: string, to: string): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect<Record<string, string>>('pathMappings');
  const inWorkspace = !!vscode.workspace.workspaceFolders?.length;
  const current = (inWorkspace ? inspected?.workspaceValue : inspected?.globalValue) ?? {};
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await config.update('pathMappings', { ...current, [from]: portableFolder(to) }, target);
}

/** A folder inside the first workspace folder is written as ${workspaceFolder}/..., so the setting travels. */
function portableFolder(folder: string): string {
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!root) return folder;
  if (folder === root) return '${workspaceFolder}';
  const prefix = root.endsWith('/') || root.endsWith('\\') ? root : `${root}${folder.includes('\\') ? '\\' : '/'}`;
  return folder.startsWith(prefix) ? `\${workspaceFolder}/${folder.slice(prefix.length).replace(/\\/g, '/')}` : folder;
}
