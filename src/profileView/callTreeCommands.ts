/**
 * Commands of the profile view: reveal a function in a profile's call tree (used by the call
 * graph's "Show in Call Tree") and expand the hot path from the selected node of the active
 * view (also the H key and a toolbar button in the page).
 */
import * as vscode from 'vscode';
import type { ProfileEditorProvider } from './profileEditorProvider';
import { COMMAND, PROFILE_VIEW_TYPE } from '../contributions';

export function registerCallTreeCommands(provider: ProfileEditorProvider): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMAND.revealInCallTree, async (uri: vscode.Uri, fn: number) => {
      if (!(uri instanceof vscode.Uri) || typeof fn !== 'number') return;
      await vscode.commands.executeCommand('vscode.openWith', uri, PROFILE_VIEW_TYPE);
      const view = provider.viewsOf(uri).find((v) => v.panel.active) ?? provider.viewsOf(uri).pop();
      // The channel holds the note until the view's page is ready (a hidden tab's page loads
      // again), and the page reveals the function once it has drawn the profile.
      view?.note('revealFunction', { function: fn });
    }),
    vscode.commands.registerCommand(COMMAND.expandHotPath, () => {
      const view = provider.allViews().find((v) => v.panel.active);
      view?.note('command', { command: 'expandHotPathFromSelection' });
    }),
  ];
}
