/**
 * A webview as the host's end of a view's channel (src/core/webviewChannel.ts): what the host
 * sends is posted to the page, and what the page posts is handed to the channel, which checks it.
 */
import type * as vscode from 'vscode';
import type { ChannelTransport } from '../core/webviewChannel';

export function webviewTransport(webview: vscode.Webview): ChannelTransport {
  return {
    post: (message) => void webview.postMessage(message),
    listen(receive) {
      const listening = webview.onDidReceiveMessage(receive);
      return () => listening.dispose();
    },
  };
}
