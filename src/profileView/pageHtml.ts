/**
 * The profile view's HTML: an empty page that loads the bundled app and its stylesheet. No
 * profile data goes in here (it arrives by message), so nothing from a profile can end up
 * parsed as HTML. The CSP allows only the nonce'd script and files under dist/.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../host/nonce';
import { webviewPageHtml } from '../host/webviewPageHtml';

/** The folder the page may load files from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist');
}

export function profileViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const root = vscode.Uri.joinPath(webviewRoot(extensionUri), 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'profileView.js'));
  // esbuild writes the CSS the app imports (its own and the codicons') beside the script.
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(root, 'profileView.css'));
  const nonce = makeNonce();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource} data:`,
    `img-src ${webview.cspSource} data:`,
  ].join('; ');
  return webviewPageHtml({
    title: 'Request Profile',
    csp,
    nonce,
    scriptUri: script.toString(),
    // The link's id is where @vscode-elements' icons look for the codicon font's stylesheet.
    stylesheet: { id: 'vscode-codicon-stylesheet', href: styles.toString() },
    placeholder: '<main id="app" aria-busy="true"><p class="loading">Loading profile…</p></main>',
  });
}
