/** The Profiles panel's commands: filter, grouping, refresh, delete, reveal, copy, choose a directory. */
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeFilter, isFilterActive, parseFilterQuery } from '../core/profileFilter';
import { PROFILE_SUFFIX } from '../core/profileFormat';
import type { ProfileLibrary } from '../node/profileLibrary';
import type { ProfilesTreeNode, ProfilesTreeProvider } from './profilesTreeProvider';
import { SECTION } from './settings';
import { COMMAND } from '../contributions';

/** The files a profile consists of: the JSON and the .dot / .prof written beside it. */
export function profileFileSet(file: string): string[] {
  if (!file.endsWith(PROFILE_SUFFIX)) return [file];
  const stem = file.slice(0, -PROFILE_SUFFIX.length);
  return [file, `${stem}.dot`, `${stem}.prof`];
}

async function deleteProfileFiles(file: string): Promise<void> {
  await Promise.all(profileFileSet(file).map((f) => rm(f, { force: true })));
}

/** A command argument may be a tree node (context menu), a Uri, or nothing (palette). */
function fileOf(target: ProfilesTreeNode | vscode.Uri | undefined): string | undefined {
  if (!target) return undefined;
  if (target instanceof vscode.Uri) return target.fsPath;
  if (target.kind === 'profile' || target.kind === 'unreadable') return target.entry.file;
  return undefined;
}

export function registerProfileCommands(
  library: ProfileLibrary,
  tree: ProfilesTreeProvider,
  view: vscode.TreeView<ProfilesTreeNode>,
  updateViewState: () => void,
): vscode.Disposable[] {
  let filterQuery = '';
  const setGroupBy = (groupBy: 'time' | 'endpoint') => {
    tree.groupBy = groupBy;
    void vscode.commands.executeCommand('setContext', 'requestProfiler.groupBy', groupBy);
  };
  void vscode.commands.executeCommand('setContext', 'requestProfiler.groupBy', tree.groupBy);

  return [
    vscode.commands.registerCommand(COMMAND.refresh, async () => {
      await library.rescan();
    }),
    // A query given as the argument (a keybinding's args, the tests) is applied without asking.
    vscode.commands.registerCommand(COMMAND.filter, async (given?: unknown) => {
      const query =
        typeof given === 'string'
          ? given
          : await vscode.window.showInputBox({
              title: 'Filter Request Profiles',
              prompt: 'Path text, a status (500, 4xx, error, 5xx,404) and >200ms (or min:1.5s), in any order. Empty clears the filter.',
              placeHolder: '/api 5xx >200ms',
              value: filterQuery,
              validateInput: (value) => {
                try {
                  parseFilterQuery(value);
                  return undefined;
                } catch (error) {
                  return (error as Error).message;
                }
              },
            });
      if (query === undefined) return;
      let filter;
      try {
        filter = parseFilterQuery(query);
      } catch (error) {
        void vscode.window.showErrorMessage(`Filter Request Profiles: ${(error as Error).message}`);
        return;
      }
      filterQuery = query;
      tree.filter = filter;
      view.description = isFilterActive(filter) ? `Filter: ${describeFilter(filter)}` : undefined;
      await vscode.commands.executeCommand('setContext', 'requestProfiler.filtered', isFilterActive(filter));
      updateViewState();
    }),
    vscode.commands.registerCommand(COMMAND.clearFilter, async () => {
      filterQuery = '';
      tree.filter = {};
      view.description = undefined;
      await vscode.commands.executeCommand('setContext', 'requestProfiler.filtered', false);
      updateViewState();
    }),
    vscode.commands.registerCommand(COMMAND.groupByEndpoint, () => setGroupBy('endpoint')),
    vscode.commands.registerCommand(COMMAND.groupByTime, () => setGroupBy('time')),
    vscode.commands.registerCommand(COMMAND.deleteProfile, async (target?: ProfilesTreeNode | vscode.Uri, selected?: ProfilesTreeNode[]) => {
      const files = (selected?.length ? selected : [target]).map((t) => fileOf(t as ProfilesTreeNode)).filter((f): f is string => Boolean(f));
      if (!files.length) return;
      try {
        await Promise.all(files.map(deleteProfileFiles));
      } catch (error) {
        void vscode.window.showErrorMessage(`Could not delete the profile: ${(error as Error).message}`);
      }
    }),
    vscode.commands.registerCommand(COMMAND.deleteAllProfiles, async () => {
      const files = library.index.list().map((e) => e.file);
      if (!files.length) {
        void vscode.window.showInformationMessage('There are no request profiles to delete.');
        return;
      }
      const directories = library.directories.join(', ');
      const answer = await vscode.window.showWarningMessage(
        `Delete all ${files.length} request profiles?`,
        { modal: true, detail: `Their .rprof.json, .dot and .prof files are removed from ${directories}. This cannot be undone.` },
        'Delete All',
      );
      if (answer !== 'Delete All') return;
      const failures = (await Promise.allSettled(files.map(deleteProfileFiles))).filter((r) => r.status === 'rejected');
      if (failures.length)
        void vscode.window.showErrorMessage(`${failures.length} profiles could not be deleted: ${(failures[0] as PromiseRejectedResult).reason}`);
    }),
    vscode.commands.registerCommand(COMMAND.revealProfile, async (target?: ProfilesTreeNode | vscode.Uri) => {
      const file = fileOf(target);
      if (file) await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(file));
    }),
    vscode.commands.registerCommand(COMMAND.copyProfilePath, async (target?: ProfilesTreeNode | vscode.Uri) => {
      const file = fileOf(target);
      if (file) await vscode.env.clipboard.writeText(file);
    }),
    vscode.commands.registerCommand(COMMAND.chooseProfileDirectory, async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Watch This Folder',
        title: 'Choose the folder your app writes request profiles into',
      });
      if (!picked?.length) return;
      const folder = picked[0].fsPath;
      const workspaceFolder = vscode.workspace.getWorkspaceFolder(picked[0]);
      const value = workspaceFolder ? path.relative(workspaceFolder.uri.fsPath, folder) || '.' : folder;
      const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
      await vscode.workspace.getConfiguration(SECTION).update('profileDirectories', [value], target);
    }),
  ];
}
