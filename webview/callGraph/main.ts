/**
 * The call graph webview's script (bundled to dist/webview/callGraph.js). It holds no
 * Graphviz: the layout script (worker.ts, dist/webview/callGraph.worker.js) is named by the
 * host in the script tag's data-layout-script attribute, and layoutClient.ts starts it.
 */
import { LayoutClient } from './layoutClient';
import { CallGraphPage, type WebviewApi } from './page';
import { markStartup } from './startupTimings';

markStartup('scriptStarted');

declare function acquireVsCodeApi(): WebviewApi;

/** Where the host says the layout script is (see src/callGraph/callGraphHtml.ts). */
function layoutScriptUrl(): string | undefined {
  const script = document.querySelector<HTMLScriptElement>('script[data-layout-script]');
  const value = script?.dataset.layoutScript;
  return value ? new URL(value, document.baseURI).href : undefined;
}

const layoutReady = LayoutClient.create(layoutScriptUrl());
void layoutReady.then(() => markStartup('layoutReady'));
new CallGraphPage(acquireVsCodeApi(), layoutReady);
