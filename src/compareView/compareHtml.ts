/**
 * The diff view's HTML: an empty page that loads dist/webview/compareView.js and its stylesheet
 * (its own CSS and the codicon font's, bundled by esbuild beside the script) under a strict
 * Content Security Policy. No profile data is written into it (it comes by message), so nothing
 * in a function name can become markup. Pure: the host passes its webview URIs as strings.
 */
import { escapeAttribute, webviewPageHtml } from '../host/webviewPageHtml';

export interface CompareHtmlInput {
  /** webview.cspSource: the origin the webview serves the extension's files from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** A fresh random value per page load (makeNonce, src/host/nonce.ts). */
  nonce: string;
}

/** Only the nonce'd script and the extension's own files; no inline style, no connections. */
export function compareContentSecurityPolicy(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${cspSource}`, `font-src ${cspSource} data:`, `img-src ${cspSource} data:`].join(
    '; ',
  );
}

export function compareHtml({ cspSource, scriptUri, styleUri, nonce }: CompareHtmlInput): string {
  return webviewPageHtml({
    title: 'Compare profiles',
    csp: compareContentSecurityPolicy(cspSource, nonce),
    nonce,
    scriptUri,
    // The link's id is where @vscode-elements' icons look for the codicon font's stylesheet.
    stylesheet: { id: 'vscode-codicon-stylesheet', href: styleUri },
    placeholder: '<main id="app" aria-busy="true"><p class="loading">Comparing…</p></main>',
  });
}

/**
 * What a diff view says when it cannot show its comparison (a reopened view whose file is gone
 * or unreadable): a static page, no script, every piece of text escaped.
 */
export function compareUnavailableHtml(heading: string, reasons: readonly string[], hint: string): string {
  const text = (value: string) => escapeAttribute(value).replace(/>/g, '&gt;');
  const items = reasons.map((reason) => `<li>${text(reason)}</li>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'">
<title>${text(heading)}</title>
</head>
<body>
<main role="alert">
<h1>${text(heading)}</h1>
<ul>
${items}
</ul>
<p>${text(hint)}</p>
</main>
</body>
</html>`;
}
