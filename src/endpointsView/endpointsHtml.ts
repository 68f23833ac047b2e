/**
 * The Endpoints overview's HTML: an empty page that loads dist/webview/endpointsView.js and its
 * stylesheet (its own CSS and the codicon font's, bundled by esbuild beside the script) under a
 * strict Content Security Policy. No profile data is written into it (it comes by message), so
 * nothing in a path can become markup. Pure: the host passes its webview URIs as strings.
 */
import { webviewPageHtml } from '../host/webviewPageHtml';

export interface EndpointsHtmlInput {
  /** webview.cspSource: the origin the webview serves the extension's files from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh random value per page load (makeNonce, src/host/nonce.ts). */
  nonce: string;
}

/** Only the nonce'd script and the extension's own files; no inline style, no connections. */
export function endpointsContentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource} data:`, `img-src ${cspSource} data:`].join(
    '; ',
  );
}

export function endpointsHtml({ cspSource, scriptUri, styleUri, nonce }: EndpointsHtmlInput): string {
  return webviewPageHtml({
    title: 'Endpoints',
    csp: endpointsContentSecurityPolicy(cspSource, nonce),
    nonce,
    scriptUri,
    // The link's id is where @vscode-elements' icons look for the codicon font's stylesheet.
    stylesheet: { id: 'vscode-codicon-stylesheet', href: styleUri },
    placeholder: '<main id="app" aria-busy="true"><p class="loading">Reading the endpoints…</p></main>',
  });
}
