/**
 * "Request Profiler: Compare With…" (requestProfiler.compareWith):
 * - on a profile row of the Profiles panel: with two rows selected, compares those two;
 *   with one, asks which request to compare it with;
 * - from the palette: asks for both requests.
 * The older request is A, the baseline. Both files are read by the views' one loader
 * (src/node/loadProfile.ts), with the same size limits and errors as opening a profile.
 *
 * "Request Profiler: Compare with Endpoint Aggregate" (requestProfiler.compareWithAggregate,
 * compareWithAggregate.ts): on a profile row, from the profile view's header, or from the palette
 * (the active profile view's request, else one picked).
 */
import * as vscode from 'vscode';
import { formatAge, formatMs } from '../core/format';
import { isReadable, type ReadableEntry } from '../core/profileIndex';
import { profileUriOf } from '../host/profilesTreeProvider';
import type { Settings } from '../host/settings';
import type { ProfileLibrary } from '../node/profileLibrary';
import { readLimitsFor } from '../node/readLimits';
import { COMMAND, COMPARE_VIEW_TYPE, PROFILE_VIEW_TYPE } from '../contributions';
import { aggregatesFolder } from '../host/aggregateCommand';
import { AggregateComparisons, TITLE as COMPARE_WITH_AGGREGATE, type CompareWithAggregateOutcome } from './compareWithAggregate';
import { ComparePanels, type ComparedFile, type CompareMessageEvent, type ComparePanel } from './comparePanel';
import { olderFirst, requestName } from './compareTitle';
import type { ComparePageNote, ComparePageState } from './protocol';
import { readForCompare } from './readCompared';

/** Enough to reach any request of a recent session; the filter box narrows them. */
const MAX_ITEMS = 300;

/** What the extension-host tests need to see of the diff views (RequestProfilerApi.compare). */
export interface CompareTestHooks {
  readonly onDidReceiveMessage: vscode.Event<CompareMessageEvent>;
  /** The open diff view of these two profiles (in either order). */
  panel(x: vscode.Uri, y: vscode.Uri): ComparePanel | undefined;
  /** Handles a note as if the page of that view had sent it, checks and all. */
  receive(x: vscode.Uri, y: vscode.Uri, message: ComparePageNote): Promise<void>;
  /** What VS Code calls to reopen a diff view after a reload of the window. */
  readonly serializer: vscode.WebviewPanelSerializer<ComparePageState>;
}

export function registerCompare(
  extensionUri: vscode.Uri,
  storage: vscode.Uri,
  library: ProfileLibrary,
  settings: () => Settings,
  log: vscode.LogOutputChannel,
): { disposables: vscode.Disposable[]; testHooks: CompareTestHooks } {
  const panels = new ComparePanels({ extensionUri, settings, log });
  const aggregates = new AggregateComparisons(library, aggregatesFolder(storage), settings, panels, log);

  /** A row, a Uri (the profile view's header, tests), else the active profile view's request, else one picked. */
  const compareWithAggregate = async (target?: unknown): Promise<CompareWithAggregateOutcome> => {
    const uri = profileUriOf(target) ?? activeProfileViewUri() ?? (await pickProfile(library, `${COMPARE_WITH_AGGREGATE}: pick a request`));
    return uri ? aggregates.compare(uri) : {};
  };

  /** VS Code passes the clicked row and, with several selected, all of them; tests pass Uris. */
  const compareWith = async (target?: unknown, selected?: unknown): Promise<boolean> => {
    const chosen = (Array.isArray(selected) && selected.length > 1 ? selected : [target]).map(profileUriOf).filter((u): u is vscode.Uri => !!u);
    if (chosen.length > 2) {
      void vscode.window.showInformationMessage(`Select two profiles to compare (${chosen.length} are selected).`);
      return false;
    }
    const first = chosen[0] ?? (await pickProfile(library, 'Compare: pick the first request'));
    if (!first) return false;
    const second = chosen[1] ?? (await pickProfile(library, `Compare ${labelOf(library, first)} with…`, first));
    if (!second) return false;
    if (first.toString() === second.toString()) {
      void vscode.window.showInformationMessage('Pick two different profiles to compare.');
      return false;
    }
    const limits = readLimitsFor(settings().maxProfileSizeMB);
    let files: [ComparedFile, ComparedFile];
    try {
      files = await Promise.all([readForCompare(first, limits), readForCompare(second, limits)]);
    } catch (error) {
      void vscode.window.showErrorMessage(`Cannot compare: ${(error as Error).message}`);
      return false;
    }
    const [a, b] = olderFirst(
      ...(files.map((file) => ({ ...file, start: file.document.header.start })) as [ComparedFile & { start: number }, ComparedFile & { start: number }]),
    );
    panels.show(a, b);
    return true;
  };

  const disposables: vscode.Disposable[] = [
    panels,
    vscode.commands.registerCommand(COMMAND.compareWith, compareWith),
    vscode.commands.registerCommand(COMMAND.compareWithAggregate, compareWithAggregate),
    vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, panels),
  ];
  const testHooks: CompareTestHooks = {
    onDidReceiveMessage: panels.onDidReceiveMessage,
    panel: (x, y) => panels.get(x, y),
    receive: async (x, y, message) => {
      const panel = panels.get(x, y);
      if (!panel) throw new Error(`no comparison is open for ${x.toString()} and ${y.toString()}`);
      await panel.receive(message);
    },
    serializer: panels,
  };
  return { disposables, testHooks };
}

/** The request of the active profile view, if the active tab is one. */
function activeProfileViewUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === PROFILE_VIEW_TYPE ? input.uri : undefined;
}

function labelOf(library: ProfileLibrary, uri: vscode.Uri): string {
  const entry = library.index.get(uri.fsPath);
  return entry && isReadable(entry) ? requestName(entry.header) : (uri.path.split('/').pop() ?? uri.toString());
}

function itemOf(entry: ReadableEntry, nowMs: number): vscode.QuickPickItem & { file: string } {
  const header = entry.header;
  const status = header.status === null ? (header.error ?? 'no response') : String(header.status);
  return { label: requestName(header), description: [status, formatMs(header.wallMs), formatAge(header.start, nowMs)].join(' · '), file: entry.file };
}

/** A request of the Profiles panel's library (newest first), other than `except`. */
async function pickProfile(library: ProfileLibrary, title: string, except?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const now = Date.now();
  const items = library.index
    .list()
    .filter(isReadable)
    .filter((entry) => entry.file !== except?.fsPath)
    .slice(0, MAX_ITEMS)
    .map((entry) => itemOf(entry, now));
  if (!items.length) {
    void vscode.window.showInformationMessage('There is no other profile in the watched folders to compare with.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Pick a request (newest first); type to filter by method, path or status',
    matchOnDescription: true,
  });
  return picked && vscode.Uri.file(picked.file);
}
