/**
 * A page's end of its view's channel (src/core/webviewChannel.ts): what the page sends goes to
 * the host through VS Code's API, and what the host posts arrives as the window's message events.
 */
import type { ChannelTransport } from '../../src/core/webviewChannel';
import type { WebviewApi } from './vscodeApi';

export function pageTransport(api: WebviewApi<unknown>, target: Window): ChannelTransport {
  return {
    post: (message) => api.postMessage(message),
    listen(receive) {
      const listener = (event: MessageEvent) => receive(event.data);
      target.addEventListener('message', listener);
      return () => target.removeEventListener('message', listener);
    },
  };
}
