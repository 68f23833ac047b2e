/**
 * The profile view's HTML: an empty page that loads the bundled app and its stylesheet. No
 * profile data goes in here (it arrives by message), so nothing from a profile can end up
 * parsed as HTML. The CSP (bundledPagePolicy) allows only the nonce'd script and files under dist/.
 */
import * as vscode from 'vscode';
import { makeNonce } from '../host/nonce';
import { bundledPageHtml } from '../host/webviewPageHtml';

/** The folder the page may load files from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist');
}

export function profileViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const root = vscode.Uri.joinPath(webviewRoot(extensionUri), 'webview');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, 'profileView.js'));
  // esbuild writes the CSS the app imports (its own and the codicons') beside the script.
  const styles = webview.asWebviewUri(vscode.Uri.joinPath(root, 'profileView.css'));
  return bundledPageHtml({
    title: 'Request Profile',
    cspSource: webview.cspSource,
    scriptUri: script.toString(),
    styleUri: styles.toString(),
    nonce: makeNonce(),
    loading: 'Loading profile…',
  });
}
