/**
 * Wires the pure core and the Node-side profile library to VS Code's views and commands.
 * Nothing here computes anything about profiles.
 */
import * as vscode from 'vscode';
import { filterMessage, isFilterActive } from './core/profileFilter';
import { ProfileLibrary } from './node/profileLibrary';
import { readLimitsFor } from './node/readLimits';
import { registerProfileCommands } from './host/profileCommands';
import { ProfileDecorationProvider } from './host/profileDecorations';
import { ProfilesTreeProvider, type ProfilesTreeNode } from './host/profilesTreeProvider';
import { ProfilesStatusBar } from './host/profilesStatusBar';
import { readSettings, SECTION, type Settings } from './host/settings';
import { registerSetUpCommands } from './setup/setUpCommand';
import { ProfileEditorProvider } from './callTree/profileEditorProvider';
import { registerCallTreeCommands } from './callTree/callTreeCommands';
import { COMMAND, PROFILES_VIEW, PROFILE_VIEW_TYPE } from './contributions';
import { SourceHints } from './host/sourceHints';
import { registerCallGraph, type CallGraphTestHooks } from './callGraph/callGraphCommands';

/** What the extension exposes to its own integration tests (and nothing else relies on). */
export interface RequestProfilerApi {
  library: ProfileLibrary;
  tree: ProfilesTreeProvider;
  /** The Profiles view itself (its description and message say what the filter is). */
  profilesView: vscode.TreeView<ProfilesTreeNode>;
  settings(): Settings;
  /** Resolves when the directories from the current settings are indexed. */
  ready: Promise<void>;
  /** The open profile views (custom editors) and the source hints they drive. */
  profileViews: ProfileEditorProvider;
  sourceHints: SourceHints;
  callGraph: CallGraphTestHooks;
}

/** Ages in descriptions ("2 min ago") go stale: refresh them this often while the view is visible. */
const AGE_REFRESH_MS = 30_000;

export function activate(context: vscode.ExtensionContext): RequestProfilerApi {
  const output = vscode.window.createOutputChannel('Request Profiler', { log: true });
  let { settings, problems } = readSettings();
  const library = new ProfileLibrary({}, readLimitsFor(settings.maxProfileSizeMB));
  const tree = new ProfilesTreeProvider(library, settings);
  const view = vscode.window.createTreeView<ProfilesTreeNode>(PROFILES_VIEW, {
    treeDataProvider: tree,
    showCollapseAll: true,
    canSelectMany: true,
  });
  const decorations = new ProfileDecorationProvider(library, settings.slowRequestMs);
  const statusBar = new ProfilesStatusBar(library);
  const sourceHints = new SourceHints(() => settings, output);
  const profileViews = ProfileEditorProvider.register(context.extensionUri, () => settings, sourceHints, context.workspaceState, output);

  const reportProblems = (list: string[]) => {
    for (const problem of list) output.warn(problem);
    if (list.length) void vscode.window.showWarningMessage(`Request Profiler settings: ${list.join(' ')}`, 'Open Settings').then((choice) => {
      if (choice) void vscode.commands.executeCommand('workbench.action.openSettings', SECTION);
    });
  };

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

  const ready = library.setDirectories(settings.profileDirectories).then(() => {
    output.info(`Watching ${library.directories.join(', ') || 'no directory'}`);
    updateViewState();
  });
  reportProblems(problems);

  const ageTimer = setInterval(() => {
    if (view.visible && library.index.size) tree.refresh();
  }, AGE_REFRESH_MS);

  const callGraph = registerCallGraph(context.extensionUri, context.globalState, library, ready, () => settings, output);
  context.subscriptions.push(...callGraph.disposables);
  context.subscriptions.push(
    output,
    view,
    sourceHints,
    profileViews.registration,
    ...registerCallTreeCommands(profileViews.provider),
    tree,
    decorations,
    statusBar,
    vscode.window.registerFileDecorationProvider(decorations),
    { dispose: () => clearInterval(ageTimer) },
    { dispose: () => void library.dispose() },
    ...registerProfileCommands(library, tree, view, updateViewState),
    ...registerSetUpCommands(context),
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
    vscode.commands.registerCommand(COMMAND.openReadme, async () => {
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(context.extensionUri, 'README.md'));
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      ({ settings, problems } = readSettings());
      reportProblems(problems);
      tree.updateSettings(settings);
      decorations.setSlowRequestMs(settings.slowRequestMs);
      void library.setReadLimits(readLimitsFor(settings.maxProfileSizeMB)).then(() => library.setDirectories(settings.profileDirectories)).then(updateViewState);
    }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => {
      ({ settings, problems } = readSettings());
      void library.setDirectories(settings.profileDirectories).then(updateViewState);
    }),
  );

  return { library, tree, profilesView: view, settings: () => settings, ready, profileViews: profileViews.provider, sourceHints, callGraph: callGraph.testHooks };
}

export function deactivate(): void {}
