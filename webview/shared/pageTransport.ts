/**
 * The page's side of a view's channel (src/core/webviewChannel.ts): it posts through the
 * webview API and hears the host's messages as the window's message events.
 */
import type { ChannelMessage, ChannelTransport } from '../../src/core/webviewChannel';
import type { WebviewApi } from './webviewApi';

export function pageTransport(api: WebviewApi<ChannelMessage>, target: Window = window): ChannelTransport {
  return {
    post: (message) => api.postMessage(message),
    listen(receive) {
      const onMessage = (event: MessageEvent) => receive(event.data);
      target.addEventListener('message', onMessage);
      return () => target.removeEventListener('message', onMessage);
    },
  };
}
