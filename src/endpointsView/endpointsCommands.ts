/**
 * "Request Profiler: Open Endpoints Overview" (requestProfiler.openEndpoints): from the palette
 * or the Profiles panel's title bar it opens (or reveals) the overview; on an endpoint row of
 * the panel (grouped by endpoint) it also selects that endpoint, showing its durations over time.
 */
import * as vscode from 'vscode';
import type { ProfilesTreeNode } from '../host/profilesTreeProvider';
import type { ProfileLibrary } from '../node/profileLibrary';
import { COMMAND } from '../contributions';
import { EndpointsPanel, showEndpointsPanel, type EndpointsServices } from './endpointsPanel';
import type { EndpointsPageNote } from './protocol';

export interface EndpointsMessageEvent {
  panel: EndpointsPanel;
  message: EndpointsPageNote;
}

/** What the extension-host tests need to see of the overview (RequestProfilerApi.endpoints). */
export interface EndpointsTestHooks {
  readonly onDidReceiveMessage: vscode.Event<EndpointsMessageEvent>;
  /** The open overview, if any. */
  panel(): EndpointsPanel | undefined;
  /** Handles a note as if the overview's page had sent it, checks and all. */
  receive(message: EndpointsPageNote): Promise<void>;
}

export function registerEndpoints(
  extensionUri: vscode.Uri,
  library: ProfileLibrary,
  log: vscode.LogOutputChannel,
): { disposables: vscode.Disposable[]; testHooks: EndpointsTestHooks } {
  const messages = new vscode.EventEmitter<EndpointsMessageEvent>();
  const services: EndpointsServices = { extensionUri, library, log, heard: (panel, message) => messages.fire({ panel, message }) };
  let open: EndpointsPanel | undefined;

  /** VS Code passes the clicked row of the Profiles panel; the palette and the title bar pass nothing. */
  const openEndpoints = (target?: unknown): EndpointsPanel => {
    const node = target as ProfilesTreeNode | undefined;
    const select = node && typeof node === 'object' && node.kind === 'endpoint' ? node.group.id : null;
    const panel = showEndpointsPanel(open, services, select);
    if (panel !== open) {
      open = panel;
      panel.onDidDispose(() => {
        if (open === panel) open = undefined;
      });
    }
    return panel;
  };

  const disposables: vscode.Disposable[] = [
    messages,
    { dispose: () => open?.dispose() },
    vscode.commands.registerCommand(COMMAND.openEndpoints, (target?: unknown) => void openEndpoints(target)),
  ];
  const testHooks: EndpointsTestHooks = {
    onDidReceiveMessage: messages.event,
    panel: () => open,
    receive: async (message) => {
      if (!open) throw new Error('the endpoints overview is not open');
      await open.receive(message);
    },
  };
  return { disposables, testHooks };
}
