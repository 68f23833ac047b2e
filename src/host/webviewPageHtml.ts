/**
 * The HTML of our webview pages: an empty document that loads one bundled module script
 * (nonce'd) under a Content-Security-Policy meta tag, with an optional stylesheet and a static
 * placeholder. Every value goes into an attribute, escaped. No profile data is ever written
 * into a page (it comes by postMessage), so nothing in a function name can become markup.
 * Pure (no vscode): the host passes its webview URIs and cspSource as strings.
 */

export interface WebviewPageInput {
  title: string;
  /** The whole policy, e.g. from callGraphContentSecurityPolicy. */
  csp: string;
  /** A fresh random value per page load (makeNonce, src/host/nonce.ts). */
  nonce: string;
  /** webview.asWebviewUri(the bundled script), as a string. */
  scriptUri: string;
  /** data-* attributes of the script element: name without "data-" -> value. */
  scriptData?: Readonly<Record<string, string>>;
  /** A stylesheet link; its id matters where a library looks for it by id. */
  stylesheet?: { id: string; href: string };
  /** Static markup of ours shown until the script takes over (never profile data). */
  placeholder?: string;
}

/** For a double-quoted attribute value. */
export function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export function webviewPageHtml(page: WebviewPageInput): string {
  const data = Object.entries(page.scriptData ?? {})
    .map(([name, value]) => ` data-${name}="${escapeAttribute(value)}"`)
    .join('');
  const stylesheet = page.stylesheet
    ? `\n<link id="${escapeAttribute(page.stylesheet.id)}" rel="stylesheet" href="${escapeAttribute(page.stylesheet.href)}">`
    : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(page.csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">${stylesheet}
<title>${escapeAttribute(page.title)}</title>
</head>
<body>${page.placeholder ? `\n${page.placeholder}` : ''}
<script type="module" nonce="${escapeAttribute(page.nonce)}" src="${escapeAttribute(page.scriptUri)}"${data}></script>
</body>
</html>`;
}

export interface BundledPageInput {
  title: string;
  /** webview.cspSource: the origin the webview serves the extension's files from. */
  cspSource: string;
  /** webview.asWebviewUri(dist/webview/<page>.js), as a string. */
  scriptUri: string;
  /** The same for <page>.css, which esbuild writes beside the script (the page's CSS and the codicon font's). */
  styleUri: string;
  /** A fresh random value per page load (makeNonce, src/host/nonce.ts). */
  nonce: string;
  /** What the page says until its script draws it (our words, never profile data). */
  loading: string;
}

/**
 * The policy of a page that needs nothing but its nonce'd script and the extension's own files:
 * its stylesheet, with the codicon font and images inline as data: URLs; no inline style, no
 * connections.
 */
export function bundledPagePolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource} data:`, `img-src ${cspSource} data:`].join(
    '; ',
  );
}

/** The profile view's, the diff view's and the Endpoints overview's page: one bundle and its stylesheet under bundledPagePolicy. */
export function bundledPageHtml({ title, cspSource, scriptUri, styleUri, nonce, loading }: BundledPageInput): string {
  return webviewPageHtml({
    title,
    csp: bundledPagePolicy(cspSource, nonce),
    nonce,
    scriptUri,
    // The link's id is where @vscode-elements' icons look for the codicon font's stylesheet.
    stylesheet: { id: 'vscode-codicon-stylesheet', href: styleUri },
    placeholder: `<main id="app" aria-busy="true"><p class="loading">${escapeAttribute(loading).replace(/>/g, '&gt;')}</p></main>`,
  });
}
