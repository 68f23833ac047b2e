/**
 * The Graphviz layout, run inside a Web Worker so that a large graph never freezes the page.
 * The worker is started from the page's own bundle (see layoutClient.ts), so this module is
 * in the same file as the page and only runs when main.ts finds itself in a worker.
 */
import { instance } from '@viz-js/viz';

export interface LayoutRequest {
  id: number;
  dot: string;
}

export type LayoutReply = { id: number; svg: string; ms: number } | { id: number; error: string };

/** What a dedicated worker's global scope offers us (tsconfig's lib is the DOM's, not WebWorker's). */
interface WorkerScope {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutReply): void;
}

export function runLayoutWorker(scope: WorkerScope): void {
  const viz = instance();
  scope.onmessage = async (event) => {
    const { id, dot } = event.data;
    try {
      const renderer = await viz;
      const start = performance.now();
      const svg = renderer.renderString(dot, { format: 'svg' });
      scope.postMessage({ id, svg, ms: performance.now() - start });
    } catch (error) {
      scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
    }
  };
}
