/**
 * The diff view's page when it has no comparison to show. (Its page with one is
 * bundledPageHtml, src/host/webviewPageHtml.ts.)
 */
import { escapeAttribute } from '../host/webviewPageHtml';

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
