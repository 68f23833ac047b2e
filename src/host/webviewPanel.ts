/**
 * How our webview panels are made (the call graph, the diff view): the page may run its script
 * and load the extension's dist/ files, nothing else. A restored panel (a serializer's) gets the
 * same options again, as VS Code asks. And the HTML of a page of one bundle, for a webview.
 */
import * as vscode from 'vscode';
import { makeNonce } from './nonce';
import { bundledPageHtml } from './webviewPageHtml';

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

/**
 * The HTML of the page that loads dist/webview/<bundle>.js and the stylesheet esbuild writes
 * beside it (the page's CSS and the codicons'), with a fresh nonce.
 */
export function bundledPageFor(webview: vscode.Webview, extensionUri: vscode.Uri, page: { bundle: string; title: string; loading: string }): string {
  const folder = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
  return bundledPageHtml({
    title: page.title,
    loading: page.loading,
    cspSource: webview.cspSource,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(folder, `${page.bundle}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(folder, `${page.bundle}.css`)).toString(),
    nonce: makeNonce(),
  });
}
