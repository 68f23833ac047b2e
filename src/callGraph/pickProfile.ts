/**
 * A quick pick of recent requests from the Profiles panel's library, newest first, for
 * commands run from the palette with no profile in view. It is live: right after start-up it
 * shows a busy bar until the folders are indexed, and requests made while it is open appear
 * in it. A last entry opens any profile file from disk.
 */
import * as vscode from 'vscode';
import { formatAge, formatMs } from '../core/format';
import { isReadable, type ReadableEntry } from '../core/profileIndex';
import type { ProfileLibrary } from '../node/profileLibrary';
import { requestName } from './callGraphProfile';

/** Enough to reach any request of a recent session; the filter box narrows them. */
const MAX_ITEMS = 300;

type Item = vscode.QuickPickItem & { file?: string; browse?: boolean };

export function recentProfileItem(entry: ReadableEntry, nowMs: number): vscode.QuickPickItem & { file: string } {
  const header = entry.header;
  const status = header.status === null ? (header.error ?? 'no response') : String(header.status);
  const parts = [status, formatMs(header.wallMs), formatAge(header.start, nowMs)];
  if (!header.profiled) parts.push(`not profiled${header.skipReason ? ` (${header.skipReason})` : ''}`);
  return { label: requestName(header), description: parts.join(' · '), file: entry.file };
}

/**
 * The profile the user picked, or undefined when they dismissed the pick.
 * @param indexed resolves once the library has read the watched folders.
 */
export async function pickRecentProfile(library: ProfileLibrary, indexed: Promise<void>, title: string): Promise<vscode.Uri | undefined> {
  const picked = await new Promise<Item | undefined>((resolve) => {
    const quickPick = vscode.window.createQuickPick<Item>();
    quickPick.title = title;
    quickPick.matchOnDescription = true;
    let loading = true;
    const browse: Item = { label: '$(folder-opened) Open a Profile File…', browse: true, alwaysShow: true };
    const refresh = () => {
      const now = Date.now();
      const recent = library.index
        .list()
        .filter(isReadable)
        .slice(0, MAX_ITEMS)
        .map((entry): Item => recentProfileItem(entry, now));
      quickPick.items = [...recent, { label: '', kind: vscode.QuickPickItemKind.Separator }, browse];
      quickPick.placeholder = recent.length
        ? 'Pick a request (newest first); type to filter by method, path or status'
        : loading
          ? 'Reading the profile folders…'
          : 'No profiles in the watched folders yet';
    };
    quickPick.busy = true;
    refresh();
    const stopListening = library.onDidChange(refresh);
    // Also when indexing failed (the index says why): the picker then offers what it has.
    const indexingDone = () => {
      loading = false;
      quickPick.busy = false;
      refresh();
    };
    indexed.then(indexingDone, indexingDone);
    let chosen: Item | undefined;
    quickPick.onDidAccept(() => {
      chosen = quickPick.selectedItems[0];
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      stopListening();
      quickPick.dispose();
      resolve(chosen);
    });
    quickPick.show();
  });
  if (!picked || picked.kind === vscode.QuickPickItemKind.Separator) return undefined;
  if (picked.file) return vscode.Uri.file(picked.file);
  const files = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Open Profile',
    filters: { 'Request profiles': ['json', 'prof', 'pstats'] },
    defaultUri: library.directories[0] ? vscode.Uri.file(library.directories[0]) : undefined,
  });
  return files?.[0];
}
