/**
 * The call graph webview's script (bundled to dist/webview/callGraph.js). The same file
 * also runs as the page's layout worker (started from a blob of this script by
 * layoutClient.ts): in a worker there is no document, and only the layout part starts.
 */
import { runLayoutWorker } from './layoutWorker';
import { LayoutClient } from './layoutClient';
import { CallGraphPage, type WebviewApi } from './page';

declare function acquireVsCodeApi(): WebviewApi;

/** The URL this script was loaded from, to start the worker from the same code. */
function ownScriptUrl(): string | undefined {
  const script = [...document.querySelectorAll('script[src]')].find((s) => /callGraph\.js(\?|$)/.test(s.getAttribute('src') ?? ''));
  return script ? (script as HTMLScriptElement).src : undefined;
}

function startPage(): void {
  new CallGraphPage(acquireVsCodeApi(), LayoutClient.create(ownScriptUrl()));
}

if (typeof document === 'undefined') {
  runLayoutWorker(self as unknown as Parameters<typeof runLayoutWorker>[0]);
} else {
  startPage();
}
