/**
 * The call graph's commands and the serializer that restores its panels after a reload:
 * - requestProfiler.openCallGraph (palette, Profiles panel row, the call tree's toolbar):
 *   a Uri or a Profiles panel row says which profile; with neither, the profile in the
 *   active editor, else a quick pick of recent requests;
 * - requestProfiler.exportCallGraph: the active graph as DOT or SVG;
 * - the graph's node context menu: open source, show in the call tree.
 */
import * as vscode from 'vscode';
import { PROFILE_SUFFIX } from '../core/profileFormat';
import type { DefinitionLines } from '../core/definitionLine';
import { profileUriOf, type ProfilesTreeNode } from '../host/profilesTreeProvider';
import type { Settings } from '../host/settings';
import type { ProfileLibrary } from '../node/profileLibrary';
import { CallGraphPanels, type CallGraphMessageEvent, type RenderedMessage } from './callGraphPanel';
import { CALL_GRAPH_VIEW_TYPE, COMMAND, PROFILE_VIEW_TYPE } from '../contributions';
import { pickRecentProfile } from './pickProfile';
import type { CallGraphPageNote, ExportFormat } from './protocol';

/** What the extension-host tests need to see of the call graph (RequestProfilerApi.callGraph). */
export interface CallGraphTestHooks {
  /** Every message a call graph page posted, after the host handled it. */
  readonly onDidReceiveMessage: vscode.Event<CallGraphMessageEvent>;
  /** The last `rendered` the page of this profile posted, if its panel is open. */
  rendered(profile: vscode.Uri): RenderedMessage | undefined;
  isOpen(profile: vscode.Uri): boolean;
  /** The `def` lines of decorated functions the host found for this profile's open graph. */
  definitionLines(profile: vscode.Uri): DefinitionLines | undefined;
  /** Handles a note as if the page of this profile had sent it, checks and all (clicks without a browser). */
  receive(profile: vscode.Uri, message: CallGraphPageNote): Promise<void>;
}

/** The argument of exportCallGraph; `target` skips the save dialog (tests, scripts). */
export interface ExportCallGraphArgs {
  format?: ExportFormat;
  target?: vscode.Uri;
  profile?: vscode.Uri;
}

/** What VS Code passes to webview/context commands: the node's data-vscode-context. */
interface NodeContext {
  webview?: string;
  webviewSection?: string;
  function?: number;
}

export function registerCallGraph(
  extensionUri: vscode.Uri,
  memento: vscode.Memento,
  library: ProfileLibrary,
  /** Resolves once the library has read the watched folders (the quick pick waits for it). */
  indexed: Promise<void>,
  settings: () => Settings,
  log: vscode.LogOutputChannel,
): { disposables: vscode.Disposable[]; testHooks: CallGraphTestHooks } {
  const panels = new CallGraphPanels({ extensionUri, memento, settings, log });

  const openCallGraph = async (target?: vscode.Uri | ProfilesTreeNode, focusFunction?: number): Promise<boolean> => {
    const fromArgument = profileUriOf(target);
    const inView = fromArgument ? undefined : activeProfileUri(panels);
    const uri = fromArgument ?? inView ?? (await pickRecentProfile(library, indexed, 'Open Call Graph'));
    if (!uri) return false;
    // From the call tree (its toolbar, or the palette over it): beside it, so both stay visible.
    const besideProfileView = isProfileViewActive(uri);
    const panel = await panels.createOrShow(uri, {
      focusFunction: typeof focusFunction === 'number' ? focusFunction : undefined,
      viewColumn: besideProfileView ? vscode.ViewColumn.Beside : undefined,
    });
    return panel !== undefined;
  };

  const exportCallGraph = async (args?: ExportCallGraphArgs): Promise<vscode.Uri | undefined> => {
    const options = isExportArgs(args) ? args : {};
    const panel = options.profile ? panels.get(options.profile) : panels.active;
    if (!panel) {
      void vscode.window.showInformationMessage('Open a call graph first (Request Profiler: Open Call Graph).');
      return undefined;
    }
    const format = options.format ?? (await pickFormat());
    if (!format) return undefined;
    try {
      return await panel.export(format, options.target);
    } catch (error) {
      log.error(`call graph: exporting ${panel.uri.fsPath} as ${format} failed: ${(error as Error).stack ?? error}`);
      void vscode.window.showErrorMessage(`Could not export the call graph as ${format.toUpperCase()}: ${(error as Error).message}`);
      return undefined;
    }
  };

  const nodeOfContextMenu = (context: NodeContext | undefined) => {
    const panel = panels.active;
    return panel && typeof context?.function === 'number' ? { panel, fn: context.function } : undefined;
  };

  const disposables: vscode.Disposable[] = [
    panels,
    vscode.window.registerWebviewPanelSerializer(CALL_GRAPH_VIEW_TYPE, panels),
    vscode.commands.registerCommand(COMMAND.openCallGraph, openCallGraph),
    vscode.commands.registerCommand(COMMAND.exportCallGraph, exportCallGraph),
    vscode.commands.registerCommand(COMMAND.openCallGraphNodeSource, async (context?: NodeContext) => {
      const node = nodeOfContextMenu(context);
      if (node) await node.panel.openSource(node.fn);
    }),
    vscode.commands.registerCommand(COMMAND.showCallGraphNodeInCallTree, async (context?: NodeContext) => {
      const node = nodeOfContextMenu(context);
      if (node) await node.panel.showInCallTree(node.fn);
    }),
  ];

  const testHooks: CallGraphTestHooks = {
    onDidReceiveMessage: panels.onDidReceiveMessage,
    rendered: (profile) => panels.get(profile)?.lastRendered,
    isOpen: (profile) => panels.get(profile) !== undefined,
    definitionLines: (profile) => panels.get(profile)?.definitionLines,
    receive: async (profile, message) => {
      const panel = panels.get(profile);
      if (!panel) throw new Error(`no call graph is open for ${profile.toString()}`);
      await panel.receive(message);
    },
  };
  return { disposables, testHooks };
}

/** The profile in the active editor: the call tree view, the file as text, or a call graph. */
function activeProfileUri(panels: CallGraphPanels): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputCustom && input.viewType === PROFILE_VIEW_TYPE) return input.uri;
  if (input instanceof vscode.TabInputText && input.uri.path.endsWith(PROFILE_SUFFIX)) return input.uri;
  return panels.active?.uri;
}

function isProfileViewActive(uri: vscode.Uri): boolean {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && input.viewType === PROFILE_VIEW_TYPE && input.uri.toString() === uri.toString();
}

function isExportArgs(value: unknown): value is ExportCallGraphArgs {
  if (!value || typeof value !== 'object' || value instanceof vscode.Uri) return false;
  const args = value as ExportCallGraphArgs;
  return (
    (args.format === undefined || args.format === 'dot' || args.format === 'svg') &&
    (args.target === undefined || args.target instanceof vscode.Uri) &&
    (args.profile === undefined || args.profile instanceof vscode.Uri)
  );
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'SVG', description: 'an image, for documents and browsers', format: 'svg' as const },
      { label: 'DOT', description: 'Graphviz source, for xdot, dot -Tpng and other Graphviz tools', format: 'dot' as const },
    ],
    { title: 'Export Call Graph', placeHolder: 'Save the call graph as…' },
  );
  return picked?.format;
}
