/**
 * The profile view's HTML: an empty page that loads the bundled app and its stylesheet. No
 * profile data goes in here (it arrives by message), so nothing from a profile can end up
 * parsed as HTML. The CSP (bundledPagePolicy) allows only the nonce'd script and files under dist/.
 */
import * as vscode from 'vscode';
import { bundledPageFor } from '../host/webviewPanel';

/** The folder the page may load files from. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist');
}

export function profileViewHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  return bundledPageFor(webview, extensionUri, { bundle: 'profileView', title: 'Request Profile', loading: 'Loading profile…' });
}
