/**
 * The call graph's layout script, bundled on its own to dist/webview/callGraph.worker.js so
 * that the page's script (main.ts) holds no Graphviz: VS Code serves a webview's files slowly,
 * and the page can build its graph while this larger file still loads.
 *
 * The page starts it as a Web Worker from a blob of its text (layoutClient.ts); there is no
 * document in a worker, and the layout loop starts. A page that may not start workers imports
 * it as a module instead and calls loadLayout on its own thread.
 */
import { loadLayout, runLayoutWorker, type WorkerScope } from './layoutWorker';

export { loadLayout };

if (typeof document === 'undefined') runLayoutWorker(self as unknown as WorkerScope);
