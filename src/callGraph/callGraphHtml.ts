/**
 * The call graph webview's HTML: an empty page that loads dist/webview/callGraph.js under a
 * strict Content Security Policy, and tells it where its layout script (Graphviz,
 * dist/webview/callGraph.worker.js) is. No profile data is ever written into it (the data comes by
 * postMessage, see protocol.ts), so nothing in a function name can become markup here.
 * Pure: the host passes the webview's cspSource and the script's webview URI as strings.
 */
import { webviewPageHtml } from '../host/webviewPageHtml';

export interface CallGraphHtmlInput {
  /** webview.cspSource: the origin the webview serves the extension's files from. */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview/callGraph.js), as a string. */
  scriptUri: string;
  /** webview.asWebviewUri(dist/webview/callGraph.worker.js), as a string. */
  layoutScriptUri: string;
  /** A fresh random value per page load (makeNonce, src/host/nonce.ts). */
  nonce: string;
}

/**
 * The policy, directive by directive, and why each source is there:
 * - script-src: only our nonce'd module and the extension's own files; 'wasm-unsafe-eval'
 *   because Graphviz is WebAssembly (it allows compiling wasm, not eval of strings).
 * - style-src: the page's CSS is a constructed style sheet and VS Code injects its theme
 *   variables itself; the nonce admits nothing inline of ours but keeps the door shut to others.
 * - connect-src: the page fetches the layout script to start the layout worker from a blob of
 *   it (a worker cannot be started from the webview's resource origin); worker-src blob: for that.
 *   Without them the page imports the layout script as a module (script-src) and lays out itself.
 * - img-src data: for Graphviz's SVG, which may reference nothing else.
 */
export function callGraphContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'wasm-unsafe-eval' ${cspSource}`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource} data:`,
    `connect-src ${cspSource}`,
    'worker-src blob:',
  ].join('; ');
}

export function callGraphHtml({ cspSource, scriptUri, layoutScriptUri, nonce }: CallGraphHtmlInput): string {
  return webviewPageHtml({
    title: 'Call graph',
    csp: callGraphContentSecurityPolicy(cspSource, nonce),
    nonce,
    scriptUri,
    scriptData: { 'layout-script': layoutScriptUri },
  });
}
