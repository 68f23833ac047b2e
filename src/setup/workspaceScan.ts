/**
 * Reads the files framework detection looks at from one workspace folder: Python sources,
 * dependency lists and .ini files, leaving out virtual environments, caches and build output.
 * Bounded in count and size so a huge repository costs a moment, not minutes.
 */
import * as vscode from 'vscode';
import type { WorkspaceFile } from '../core/frameworkDetection';

const CANDIDATES = '**/{*.py,*.ini,*.toml,*.cfg,*.txt,*.in,Pipfile}';
/** Folders that never hold the project's own app (virtual environments are also found by pyvenv.cfg). */
const EXCLUDE =
  '**/{node_modules,.git,.hg,.svn,.venv,venv,.env,env,.tox,.nox,__pycache__,site-packages,dist-packages,build,dist,.profiles,.mypy_cache,.pytest_cache,.ruff_cache}/**';
const MAX_FILES = 4000;
const MAX_FILE_BYTES = 256 * 1024;

/** Whether detection reads this file at all (other .txt files are not dependency lists). */
function isWanted(relative: string): boolean {
  const name = relative.slice(relative.lastIndexOf('/') + 1);
  if (/\.(txt|in)$/.test(name)) return /requirements/i.test(relative);
  if (name.endsWith('.toml')) return name === 'pyproject.toml';
  if (name.endsWith('.cfg')) return name === 'setup.cfg';
  return true;
}

/** `folder` is the project's root: a workspace folder, or (in tests) any folder inside one. */
export async function readWorkspaceFiles(folder: vscode.Uri, token?: vscode.CancellationToken): Promise<WorkspaceFile[]> {
  const [found, environments] = await Promise.all([
    vscode.workspace.findFiles(new vscode.RelativePattern(folder, CANDIDATES), EXCLUDE, MAX_FILES, token),
    vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/pyvenv.cfg'), EXCLUDE, 50, token),
  ]);
  const base = folder.path.endsWith('/') ? folder.path : `${folder.path}/`;
  const relative = (uri: vscode.Uri) => (uri.path.startsWith(base) ? uri.path.slice(base.length) : uri.path);
  const environmentDirs = environments.map((uri) => relative(uri).replace(/\/?pyvenv\.cfg$/, ''));
  const insideEnvironment = (path: string) => environmentDirs.some((dir) => dir === '' || path.startsWith(`${dir}/`));
  const wanted = found
    .map((uri) => ({ uri, path: relative(uri) }))
    .filter((f) => isWanted(f.path) && !insideEnvironment(f.path))
    .sort((a, b) => a.path.localeCompare(b.path));
  const files = await Promise.all(
    wanted.map(async ({ uri, path }) => {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        if (stat.size > MAX_FILE_BYTES) return undefined;
        return { path, text: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) };
      } catch {
        return undefined; // removed or unreadable since the search: nothing to learn from it
      }
    }),
  );
  return files.filter((f): f is WorkspaceFile => f !== undefined);
}
