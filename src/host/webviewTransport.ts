/**
 * The host's side of a view's channel (src/core/webviewChannel.ts) over a VS Code webview: what
 * the channel posts goes to the page, and what the page posts comes to the channel.
 */
import type * as vscode from 'vscode';
import type { ChannelMessage, ChannelTransport } from '../core/webviewChannel';

export class WebviewTransport implements ChannelTransport {
  private readonly receivers = new Set<(message: unknown) => void>();

  constructor(private readonly webview: vscode.Webview) {}

  post(message: ChannelMessage): void {
    // A webview that has gone (its tab closed meanwhile) refuses messages: nobody is left to read them.
    this.webview.postMessage(message).then(undefined, () => undefined);
  }

  listen(receive: (message: unknown) => void): () => void {
    this.receivers.add(receive);
    const subscription = this.webview.onDidReceiveMessage(receive);
    return () => {
      this.receivers.delete(receive);
      subscription.dispose();
    };
  }

  /** Hands the channel a message as if the page had posted it (integration tests act as the page). */
  receiveAsFromPage(message: unknown): void {
    for (const receive of [...this.receivers]) receive(message);
  }
}
