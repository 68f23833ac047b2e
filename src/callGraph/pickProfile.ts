/**
 * A quick pick of recent requests from the Profiles panel's library, newest first, for
 * commands run from the palette with no profile in view. A last entry opens any profile
 * file from disk.
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

/** The profile the user picked, or undefined when they dismissed the pick. */
export async function pickRecentProfile(library: ProfileLibrary, title: string): Promise<vscode.Uri | undefined> {
  const now = Date.now();
  const items: Item[] = library.index
    .list()
    .filter(isReadable)
    .slice(0, MAX_ITEMS)
    .map((entry) => recentProfileItem(entry, now));
  const browse: Item = { label: '$(folder-opened) Open a Profile File…', browse: true, alwaysShow: true };
  const picked = await vscode.window.showQuickPick<Item>([...items, { label: '', kind: vscode.QuickPickItemKind.Separator }, browse], {
    title,
    placeHolder: items.length ? 'Pick a request (newest first); type to filter by method, path or status' : 'No profiles in the watched folders yet',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.file) return vscode.Uri.file(picked.file);
  const chosen = await vscode.window.showOpenDialog({
    title,
    canSelectMany: false,
    openLabel: 'Open Profile',
    filters: { 'Request profiles': ['json'] },
    defaultUri: library.directories[0] ? vscode.Uri.file(library.directories[0]) : undefined,
  });
  return chosen?.[0];
}
