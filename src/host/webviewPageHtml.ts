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
