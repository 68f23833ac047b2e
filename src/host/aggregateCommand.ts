/**
 * "Open Aggregate Profile": merges the profiles of an endpoint, a burst or a selection of rows
 * (or of an endpoint picked from the palette) into one profile, writes it as a profile file in
 * the extension's storage and opens it in the profile view, where the call tree, the call graph
 * and every other view work on it as on a request's profile.
 *
 * The extension host must not freeze: src/node/aggregateFiles.ts has worker threads read and
 * parse the files (dist/aggregateWorker.js, next to this bundle) and only adds what they send,
 * never holding the event loop for more than one profile. A large selection shows a
 * cancellable progress notification.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND, PROFILE_VIEW_TYPE } from '../contributions';
import { aggregateSelection, chosenSources, type AggregateSelection } from '../core/aggregateSelection';
import { formatMs } from '../core/format';
import { groupByEndpoint } from '../core/profileGroups';
import type { ProfileDocument } from '../core/profileFormat';
import { mergeProfileFiles, writeAggregateFile } from '../node/aggregateFiles';
import { readLimitsFor } from '../node/readLimits';
import type { ProfilesTreeNode, ProfilesTreeProvider } from './profilesTreeProvider';
import type { Settings } from './settings';

/** The worker threads' script: esbuild.mjs bundles it next to dist/extension.js, this code's bundle. */
const WORKER_FILE = path.join(__dirname, 'aggregateWorker.js');

/** From this many profiles on, a cancellable notification shows the progress (below, the status bar). */
const NOTIFY_FROM = 50;

const TITLE = 'Open Aggregate Profile';

export interface AggregateOutcome {
  /** The aggregate written and opened; undefined when refused, cancelled or nothing was chosen. */
  file?: string;
  /** Files that could not be read, with the reason, left out of the aggregate. */
  unreadable: { file: string; reason: string }[];
  /** How many worker threads read the files (0: the extension host read them all). */
  workers?: number;
}

/** The command's argument: a panel row (context menu), a profile file's Uri, or nothing (the palette). */
type Target = ProfilesTreeNode | vscode.Uri;

export function registerAggregateCommand(
  storage: vscode.Uri,
  tree: ProfilesTreeProvider,
  settings: () => Settings,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  return vscode.commands.registerCommand(COMMAND.openAggregate, async (clicked?: Target, selected?: Target[]): Promise<AggregateOutcome> => {
    const chosen = chosenSources(clicked, selected);
    const selection = chosen.length ? selectionOf(chosen) : await pickEndpoint(tree);
    if (!selection) return { unreadable: [] };
    if (!selection.files.length) {
      void vscode.window.showErrorMessage(`${TITLE}: no profiles to merge.`);
      return { unreadable: [] };
    }
    return openAggregate(selection, aggregatesFolder(storage), settings(), log);
  });
}

/** Where aggregates are written: the extension's own storage, never a profile folder. */
export function aggregatesFolder(storage: vscode.Uri): string {
  return path.join(storage.fsPath, 'aggregates');
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

async function openAggregate(selection: AggregateSelection, folder: string, settings: Settings, log: vscode.LogOutputChannel): Promise<AggregateOutcome> {
  const built = await buildAggregate(selection, folder, settings, TITLE, log);
  if (!built.file) return built;
  await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(built.file), PROFILE_VIEW_TYPE);
  return { file: built.file, unreadable: built.unreadable, workers: built.workers };
}

/** An aggregate written into its folder: its file and its document (the caller uses it without reading the file back). */
export interface BuiltAggregate extends AggregateOutcome {
  document?: ProfileDocument;
}

/**
 * Merges the selection's files (with progress, cancellable when many) and writes the aggregate
 * into the folder; refusals, unreadable files and write errors are shown to the user, prefixed
 * with `title` (the command's name); worker failures are logged. Returns the file and document
 * written, or no file.
 */
export async function buildAggregate(
  selection: AggregateSelection,
  folder: string,
  settings: Settings,
  title: string,
  log: vscode.LogOutputChannel,
): Promise<BuiltAggregate> {
  const { files } = selection;
  const location = files.length >= NOTIFY_FROM ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window;
  const merged = await vscode.window.withProgress(
    { location, title: `Merging ${files.length} profiles`, cancellable: location === vscode.ProgressLocation.Notification },
    (progress, token) =>
      mergeProfileFiles(files, readLimitsFor(settings.maxProfileSizeMB), selection.endpointPath === undefined ? {} : { path: selection.endpointPath }, {
        onProgress: (done, total) => progress.report({ message: `${done} of ${total}`, increment: 100 / total }),
        isCancelled: () => token.isCancellationRequested,
        workerFile: WORKER_FILE,
        log: (message) => log.warn(message),
      }),
  );
  if (!merged) return { unreadable: [] };
  const { result, unreadable, workers } = merged;
  if (!result.ok) {
    const left = unreadable.length ? ` (${unreadable.length} of ${files.length} could not be read: ${unreadable[0].reason})` : '';
    void vscode.window.showErrorMessage(`${title}: ${result.reason}${left}`);
    return { unreadable };
  }
  let file: string;
  try {
    file = await writeAggregateFile(folder, result.document);
  } catch (error) {
    void vscode.window.showErrorMessage(`${title}: could not write the aggregate into ${folder}: ${(error as Error).message}`);
    return { unreadable };
  }
  if (unreadable.length) {
    const first = unreadable[0];
    void vscode.window.showWarningMessage(
      `${title}: ${unreadable.length} of ${files.length} profiles could not be read and were left out (${first.reason}${unreadable.length > 1 ? ', …' : ''}).`,
    );
  }
  return { file, document: result.document, unreadable, workers };
}
