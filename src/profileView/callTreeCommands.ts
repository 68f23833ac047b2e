/**
 * Commands of the profile view: reveal a function in a profile's call tree (used by the call
 * graph's "Show in Call Tree") and expand the hot path from the selected node of the active
 * view (also the H key and a toolbar button in the page).
 */
import * as vscode from 'vscode';
import type { ProfileEditorProvider } from './profileEditorProvider';
import { COMMAND, PROFILE_VIEW_TYPE } from '../contributions';

/** Long enough for a large profile to open; the reveal is dropped after that. */
const VIEW_READY_TIMEOUT_MS = 15_000;

export function registerCallTreeCommands(provider: ProfileEditorProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMAND.revealInCallTree, async (uri: vscode.Uri, fn: number) => {
      if (!(uri instanceof vscode.Uri) || typeof fn !== 'number') return;
      await vscode.commands.executeCommand('vscode.openWith', uri, PROFILE_VIEW_TYPE);
      const view = provider.viewsOf(uri).find((v) => v.panel.active) ?? provider.viewsOf(uri).pop();
      if (!view) return;
      const shown = await Promise.race([view.nextState(), new Promise<undefined>((r) => setTimeout(() => r(undefined), VIEW_READY_TIMEOUT_MS))]);
      if (shown) view.note('revealFunction', { function: fn });
    }),
    vscode.commands.registerCommand(COMMAND.expandHotPath, () => {
      const view = provider.allViews().find((v) => v.panel.active);
      view?.note('command', { command: 'expandHotPathFromSelection' });
    }),
  ];
}
