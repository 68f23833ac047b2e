/**
 * The Graphviz layout (@viz-js/viz, WebAssembly), for the layout script worker.ts. It runs in a
 * Web Worker so that a large graph never freezes the page, or, when no worker may start, on the
 * page's thread through loadLayout.
 */
import { instance } from '@viz-js/viz';
import type { LayoutFunction, LayoutReply, LayoutRequest } from './layoutMessages';

/** What a dedicated worker's global scope offers us (tsconfig's lib is the DOM's, not WebWorker's). */
export interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutReply): void;
}

/** Compiles Graphviz (once per call) and returns a function that lays out with it. */
export async function loadLayout(): Promise<LayoutFunction> {
  const viz = await instance();
  return (dot) => {
    const start = performance.now();
    const svg = viz.renderString(dot, { format: 'svg' });
    return { svg, ms: performance.now() - start };
  };
}

export function runLayoutWorker(scope: WorkerScope): void {
  // Compiling the WebAssembly starts now, while the page waits for its profile.
  const layout = loadLayout();
  scope.onmessage = async (event) => {
    const { id, dot } = event.data;
    try {
      scope.postMessage({ id, ...(await layout)(dot) });
    } catch (error) {
      scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };
}
