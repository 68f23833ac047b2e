/**
 * Lays out DOT text as SVG: in a Web Worker when the page may start one, else on the page's
 * own thread (slower to the eye: the page cannot respond while Graphviz works).
 *
 * Graphviz lives in its own script (worker.ts, dist/webview/callGraph.worker.js), which the
 * page's script does not contain. A worker cannot be started from the webview's resource URL
 * (another origin), so the page fetches that script and starts the worker from a blob of it;
 * the page-thread fallback imports the same script as a module. Only the newest layout
 * matters: a request made while an older one runs ends that worker and starts a fresh one,
 * so dragging a threshold never queues up stale layouts.
 */
import type { LayoutFunction, LayoutModule, LayoutReply, LayoutRequest } from './layoutMessages';
import { withTimeout } from '../../src/core/withTimeout';

export interface LayoutResult {
  svg: string;
  ms: number;
}

const WORKER_START_TIMEOUT_MS = 15_000;
/** The smallest graph: a worker that lays this out is a working worker. */
const PROBE_DOT = 'digraph { a }';

export class LayoutClient {
  private worker: Worker | undefined;
  private busy: { id: number; resolve: (result: LayoutResult | null) => void; reject: (error: Error) => void } | undefined;
  private nextId = 1;
  private pageLayout: Promise<LayoutFunction> | undefined;
  /** Told of a worker failure while no layout was waiting (else that layout is rejected). */
  onIdleError: ((error: Error) => void) | undefined;

  private constructor(
    private readonly workerUrl: string | undefined,
    /** The layout script's own URL, for the page-thread fallback. */
    private readonly scriptUrl: string | undefined,
  ) {
    if (workerUrl) this.worker = this.startWorker();
  }

  /** Where layouts run: the user is told, since on the page a big graph blocks input. */
  get where(): 'worker' | 'page' {
    return this.workerUrl ? 'worker' : 'page';
  }

  /**
   * A client using a worker built from the layout script at scriptUrl if that works, else the
   * page's thread (which loads the script as a module only when the first layout is asked for).
   */
  static async create(scriptUrl: string | undefined): Promise<LayoutClient> {
    if (scriptUrl && typeof Worker !== 'undefined') {
      let blobUrl: string | undefined;
      try {
        const response = await fetch(scriptUrl);
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        blobUrl = URL.createObjectURL(new Blob([await response.text()], { type: 'text/javascript' }));
        const client = new LayoutClient(blobUrl, scriptUrl);
        await withTimeout(client.layout(PROBE_DOT), WORKER_START_TIMEOUT_MS);
        return client;
      } catch (error) {
        console.warn('call graph: laying out on the page, the layout worker could not start:', error);
        if (blobUrl) URL.revokeObjectURL(blobUrl);
      }
    }
    return new LayoutClient(undefined, scriptUrl);
  }

  /** The SVG of dot, or null when a newer layout was asked for before this one finished. */
  layout(dot: string): Promise<LayoutResult | null> {
    if (!this.workerUrl) return this.layoutOnPage(dot);
    if (this.busy) {
      // Graphviz cannot be interrupted: end the worker that runs the stale layout.
      this.worker?.terminate();
      this.worker = this.startWorker();
      this.busy.resolve(null);
      this.busy = undefined;
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.busy = { id, resolve, reject };
      this.worker!.postMessage({ id, dot } satisfies LayoutRequest);
    });
  }

  private startWorker(): Worker {
    const worker = new Worker(this.workerUrl!, { type: 'module' });
    worker.onmessage = (event: MessageEvent<LayoutReply>) => {
      const reply = event.data;
      if (!this.busy || reply.id !== this.busy.id) return;
      const { resolve, reject } = this.busy;
      this.busy = undefined;
      if ('error' in reply) reject(new Error(reply.error));
      else resolve({ svg: reply.svg, ms: reply.ms });
    };
    const fail = (error: Error) => {
      const pending = this.busy;
      this.busy = undefined;
      if (pending) pending.reject(error);
      else this.onIdleError?.(error);
    };
    worker.onerror = (event) => {
      // The worker's own uncaught error: not the page's to handle again.
      event.preventDefault();
      fail(new Error(event.message || 'the layout worker failed'));
    };
    worker.onmessageerror = () => fail(new Error('the layout worker sent a message that could not be read'));
    return worker;
  }

  private async layoutOnPage(dot: string): Promise<LayoutResult> {
    this.pageLayout ??= this.importLayout();
    return (await this.pageLayout)(dot);
  }

  private async importLayout(): Promise<LayoutFunction> {
    if (!this.scriptUrl) throw new Error('the page was not told where its layout script is');
    // A URL known only at run time: the bundler leaves this import to the browser (script-src).
    const module = (await import(this.scriptUrl)) as LayoutModule;
    return module.loadLayout();
  }
}
