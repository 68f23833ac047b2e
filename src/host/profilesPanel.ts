/**
 * The Profiles panel and what shows the same profiles elsewhere (the Explorer's badges, the
 * status bar): one ProfileLibrary watching the folders the settings name, the panel's message
 * (where profiles are expected while there are none, a folder's watch problem, the filter), and
 * the commands that open profiles.
 */
import * as vscode from 'vscode';
import { COMMAND, PROFILES_VIEW, PROFILE_VIEW_TYPE } from '../contributions';
import { filterMessage, isFilterActive } from '../core/profileFilter';
import { ProfileLibrary } from '../node/profileLibrary';
import { readLimitsFor } from '../node/readLimits';
import type { LiveSettings } from './liveSettings';
import { registerProfileCommands } from './profileCommands';
import { ProfileDecorationProvider } from './profileDecorations';
import { ProfilesStatusBar } from './profilesStatusBar';
import { ProfilesTreeProvider, type ProfilesTreeNode } from './profilesTreeProvider';

/** Ages in descriptions ("2 min ago") go stale: refresh them this often while the view is visible. */
const AGE_REFRESH_MS = 30_000;

export interface ProfilesPanel {
  library: ProfileLibrary;
  tree: ProfilesTreeProvider;
  view: vscode.TreeView<ProfilesTreeNode>;
  /** Resolves when the directories from the settings at activation are indexed. */
  ready: Promise<void>;
  disposables: vscode.Disposable[];
}

export function registerProfilesPanel(settings: LiveSettings, output: vscode.LogOutputChannel): ProfilesPanel {
  const library = new ProfileLibrary({}, readLimitsFor(settings.current.maxProfileSizeMB));
  const tree = new ProfilesTreeProvider(library, settings.current);
  const view = vscode.window.createTreeView<ProfilesTreeNode>(PROFILES_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
  });
  const decorations = new ProfileDecorationProvider(library, settings.current.slowRequestMs);
  const statusBar = new ProfilesStatusBar(library);

  /** The view's message says where profiles are expected while there are none (or a watch problem). */
  const updateViewState = () => {
    const count = library.index.size;
    void vscode.commands.executeCommand('setContext', 'requestProfiler.hasProfiles', count > 0);
    const notes = library.directories.map((d) => library.status(d)).filter((s) => s && (s.message || s.state === 'waiting-for-directory'));
    const parts: string[] = [];
    if (count > 0 && isFilterActive(tree.filter)) parts.push(filterMessage(tree.filter, tree.visibleProfiles().length, tree.readableCount()));
    for (const status of notes) {
      if (status!.message) parts.push(status!.message);
      else if (count > 0) parts.push(`Waiting for ${status!.directory} to be created.`);
    }
    view.message = parts.join(' ') || undefined;
  };

  library.onDidChange(() => {
    tree.refresh();
    decorations.refresh();
    statusBar.update();
    updateViewState();
  });
  library.onDidChangeStatus((status) => {
    if (status.message) output.info(status.message);
    if (status.state === 'polling' && status.message) void vscode.window.showWarningMessage(status.message);
    updateViewState();
  });

  const ready = library.setDirectories(settings.current.profileDirectories).then(() => {
    output.info(`Watching ${library.directories.join(', ') || 'no directory'}`);
    updateViewState();
  });

  const ageTimer = setInterval(() => {
    if (view.visible && library.index.size) tree.refresh();
  }, AGE_REFRESH_MS);

  const disposables = [
    view,
    tree,
    decorations,
    statusBar,
    vscode.window.registerFileDecorationProvider(decorations),
    { dispose: () => clearInterval(ageTimer) },
    { dispose: () => void library.dispose() },
    ...registerProfileCommands(library, tree, view, updateViewState),
    vscode.commands.registerCommand(COMMAND.openProfile, async (target?: vscode.Uri | ProfilesTreeNode) => {
      const uri = target instanceof vscode.Uri ? target : target && 'entry' in target ? vscode.Uri.file(target.entry.file) : undefined;
      if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, PROFILE_VIEW_TYPE);
    }),
    vscode.commands.registerCommand(COMMAND.openNewestProfile, async () => {
      const newest = library.index.newest();
      if (!newest) {
        void vscode.window.showInformationMessage('There is no request profile yet.');
        return;
      }
      await vscode.commands.executeCommand(COMMAND.openProfile, vscode.Uri.file(newest.file));
    }),
    settings.onDidChange((current) => {
      tree.updateSettings(current);
      decorations.setSlowRequestMs(current.slowRequestMs);
      void library
        .setReadLimits(readLimitsFor(current.maxProfileSizeMB))
        .then(() => library.setDirectories(current.profileDirectories))
        .then(updateViewState);
    }),
  ];
  return { library, tree, view, ready, disposables };
}
