/**
 * "Open Aggregate Profile": merges the profiles of an endpoint, a burst or a selection of rows
 * (or of an endpoint picked from the palette) into one profile, writes it as a profile file in
 * the extension's storage and opens it in the profile view, where the call tree, the call graph
 * and every other view work on it as on a request's profile.
 *
 * The extension host must not freeze: the files are read asynchronously a few at a time, and
 * each is parsed and added to the merge (src/core/mergeProfiles.ts's ProfileMerger) on its own,
 * so no slice of work on the main thread is larger than one profile's, and only a few profiles
 * are in memory at once. A large selection shows a cancellable progress notification.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND, PROFILE_VIEW_TYPE } from '../contributions';
import { aggregateFileName, aggregatesToPrune, profileFileText } from '../core/aggregateFile';
import { aggregateSelection, chosenSources, type AggregateSelection } from '../core/aggregateSelection';
import { formatMs } from '../core/format';
import { ProfileMerger } from '../core/mergeProfiles';
import type { ProfileDocument } from '../core/profileFormat';
import { groupByEndpoint } from '../core/profileGroups';
import { loadProfile } from '../node/loadProfile';
import { readLimitsFor } from '../node/readLimits';
import type { ProfilesTreeNode, ProfilesTreeProvider } from './profilesTreeProvider';
import type { Settings } from './settings';

/** Files read at once: enough to keep a disk busy, few enough that little is held in memory. */
const READS_IN_FLIGHT = 4;
/** From this many profiles on, a cancellable notification shows the progress (below, the status bar). */
const NOTIFY_FROM = 50;

const TITLE = 'Open Aggregate Profile';

export interface AggregateOutcome {
  /** The aggregate written and opened; undefined when refused, cancelled or nothing was chosen. */
  file?: string;
  /** Files that could not be read, with the reason, left out of the aggregate. */
  unreadable: { file: string; reason: string }[];
}

/** The command's argument: a panel row (context menu), a profile file's Uri, or nothing (the palette). */
type Target = ProfilesTreeNode | vscode.Uri;

export function registerAggregateCommand(storage: vscode.Uri, tree: ProfilesTreeProvider, settings: () => Settings): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND.openAggregate, async (clicked?: Target, selected?: Target[]): Promise<AggregateOutcome> => {
    const chosen = chosenSources(clicked, selected);
    const selection = chosen.length ? selectionOf(chosen) : await pickEndpoint(tree);
    if (!selection) return { unreadable: [] };
    if (!selection.files.length) {
      void vscode.window.showErrorMessage(`${TITLE}: no profiles to merge.`);
      return { unreadable: [] };
    }
    return openAggregate(selection, path.join(storage.fsPath, 'aggregates'), settings());
  });
}

function selectionOf(targets: readonly Target[]): AggregateSelection {
  const rows = targets.filter((t): t is ProfilesTreeNode => !(t instanceof vscode.Uri));
  const selection = aggregateSelection(rows);
  // Uris (the tests, a keybinding) add their files after the rows'.
  for (const target of targets) if (target instanceof vscode.Uri && !selection.files.includes(target.fsPath)) selection.files.push(target.fsPath);
  return selection;
}

/** From the palette: one of the panel's endpoints (as filtered), slowest median first. */
async function pickEndpoint(tree: ProfilesTreeProvider): Promise<AggregateSelection | undefined> {
  const groups = groupByEndpoint(tree.visibleProfiles());
  if (!groups.length) {
    void vscode.window.showInformationMessage('There are no request profiles to aggregate.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    groups.map((group) => ({
      label: group.key,
      description: `${group.stats.count}× · median ${formatMs(group.stats.medianMs)} · p95 ${formatMs(group.stats.p95Ms)}`,
      group,
    })),
    { title: TITLE, placeHolder: 'The endpoint whose profiles to merge' },
  );
  return picked && aggregateSelection([{ kind: 'endpoint', group: picked.group }]);
}

async function openAggregate(selection: AggregateSelection, folder: string, settings: Settings): Promise<AggregateOutcome> {
  const { files } = selection;
  const location = files.length >= NOTIFY_FROM ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  const merged = await vscode.window.withProgress(
    { location, title: `Merging ${files.length} profiles`, cancellable: location === vscode.ProgressLocation.Notification },
    (progress, token) => mergeFiles(selection, settings, progress, token),
  );
  if (!merged) return { unreadable: [] };
  const { merger, unreadable } = merged;
  const result = merger.result();
  if (!result.ok) {
    const left = unreadable.length ? ` (${unreadable.length} of ${files.length} could not be read: ${unreadable[0].reason})` : '';
    void vscode.window.showErrorMessage(`${TITLE}: ${result.reason}${left}`);
    return { unreadable };
  }
  const file = path.join(folder, aggregateFileName(result.document, new Date()));
  try {
    await writeAggregate(folder, file, profileFileText(result.document));
  } catch (error) {
    void vscode.window.showErrorMessage(`${TITLE}: could not write ${file}: ${(error as Error).message}`);
    return { unreadable };
  }
  if (unreadable.length) {
    const first = unreadable[0];
    void vscode.window.showWarningMessage(
      `${TITLE}: ${unreadable.length} of ${files.length} profiles could not be read and were left out (${first.reason}${unreadable.length > 1 ? ', …' : ''}).`,
    );
  }
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(file), PROFILE_VIEW_TYPE);
  return { file, unreadable };
}

/** Reads the files a few at a time, in order, adding each to the merge as it comes; undefined when cancelled. */
async function mergeFiles(
  selection: AggregateSelection,
  settings: Settings,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<{ merger: ProfileMerger; unreadable: AggregateOutcome['unreadable'] } | undefined> {
  const { files } = selection;
  const limits = readLimitsFor(settings.maxProfileSizeMB);
  const merger = new ProfileMerger(selection.endpointPath === undefined ? {} : { path: selection.endpointPath });
  const unreadable: AggregateOutcome['unreadable'] = [];
  // Never rejects: a read still in flight when the user cancels must not become an unhandled rejection.
  const read = (file: string): Promise<ProfileDocument | Error> =>
    loadProfile(file, limits).then(
      (loaded) => loaded.document,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  const reads: (Promise<ProfileDocument | Error> | undefined)[] = files.slice(0, READS_IN_FLIGHT).map(read);
  for (let i = 0; i < files.length; i++) {
    if (token.isCancellationRequested) return undefined;
    if (i + READS_IN_FLIGHT < files.length) reads.push(read(files[i + READS_IN_FLIGHT]));
    const document = await reads[i]!;
    // Let go of it once added: only the reads in flight are held.
    reads[i] = undefined;
    if (document instanceof Error) unreadable.push({ file: files[i], reason: document.message });
    else merger.add(document);
    progress.report({ message: `${i + 1} of ${files.length}`, increment: 100 / files.length });
  }
  return token.isCancellationRequested ? undefined : { merger, unreadable };
}

/** Written under a temporary name and renamed, as the middleware does; then the oldest aggregates beyond the kept number deleted. */
async function writeAggregate(folder: string, file: string, text: string): Promise<void> {
  await mkdir(folder, { recursive: true });
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.tmp`);
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, file);
  const names = await readdir(folder);
  await Promise.all(aggregatesToPrune(names).map((name) => rm(path.join(folder, name), { force: true })));
}
