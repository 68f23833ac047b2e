/**
 * How our webview panels are made (the call graph, the diff view): the page may run its script
 * and load the extension's dist/ files, nothing else. A restored panel (a serializer's) gets the
 * same options again, as VS Code asks.
 */
import * as vscode from 'vscode';

export function pageWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist')] };
}

export function createPagePanel(
  extensionUri: vscode.Uri,
  viewType: string,
  title: string,
  viewColumn: vscode.ViewColumn,
  options: Pick<vscode.WebviewPanelOptions, 'enableFindWidget' | 'retainContextWhenHidden'>,
): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, viewColumn, { ...pageWebviewOptions(extensionUri), ...options });
}
