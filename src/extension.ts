/**
 * Wires the extension's parts to VS Code: each part registers its own views and commands, and
 * this only hands them what they share (the output channel, the settings, the profile library).
 * Nothing here computes anything about profiles.
 */
import * as vscode from 'vscode';
import type { ProfileLibrary } from './node/profileLibrary';
import { LiveSettings } from './host/liveSettings';
import { registerAggregateCommand } from './host/aggregateCommand';
import { registerProfilesPanel } from './host/profilesPanel';
import type { ProfilesTreeNode, ProfilesTreeProvider } from './host/profilesTreeProvider';
import type { Settings } from './host/settings';
import { SourceHints } from './host/sourceHints';
import { registerSetUpCommands } from './setup/setUpCommand';
import { ProfileEditorProvider } from './profileView/profileEditorProvider';
import { registerCallTreeCommands } from './profileView/callTreeCommands';
import { registerCallGraph, type CallGraphTestHooks } from './callGraph/callGraphCommands';
import { registerCompare, type CompareTestHooks } from './compareView/compareCommands';
import { registerEndpoints, type EndpointsTestHooks } from './endpointsView/endpointsCommands';
import { endpointContextOf } from './host/endpointContext';

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
  compare: CompareTestHooks;
  endpoints: EndpointsTestHooks;
}

export function activate(context: vscode.ExtensionContext): RequestProfilerApi {
  const output = vscode.window.createOutputChannel('Request Profiler', { log: true });
  const liveSettings = new LiveSettings(output);
  const settings = () => liveSettings.current;
  const profiles = registerProfilesPanel(liveSettings, output);
  const sourceHints = new SourceHints(settings, output);
  const profileViews = ProfileEditorProvider.register(context.extensionUri, settings, sourceHints, context.workspaceState, output, {
    contextOf: (file) => endpointContextOf(profiles.library, file),
    onDidChange: (listener) => profiles.library.onDidChange(listener),
  });
  const callGraph = registerCallGraph(context.extensionUri, context.globalState, profiles.library, profiles.ready, settings, output);
  const compare = registerCompare(context.extensionUri, context.globalStorageUri, profiles.library, settings, output);
  const endpoints = registerEndpoints(context.extensionUri, profiles.library, output);

  context.subscriptions.push(
    output,
    liveSettings,
    ...profiles.disposables,
    registerAggregateCommand(context.globalStorageUri, profiles.tree, settings, output),
    sourceHints,
    profileViews.registration,
    ...registerCallTreeCommands(profileViews.provider),
    ...callGraph.disposables,
    ...compare.disposables,
    ...endpoints.disposables,
    ...registerSetUpCommands(context),
  );

  const { library, tree, view, ready } = profiles;
  return {
    library,
    tree,
    profilesView: view,
    settings,
    ready,
    profileViews: profileViews.provider,
    sourceHints,
    callGraph: callGraph.testHooks,
    compare: compare.testHooks,
    endpoints: endpoints.testHooks,
  };
}

export function deactivate(): void {}
