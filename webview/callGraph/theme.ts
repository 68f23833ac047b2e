/**
 * The editor's theme as the graph needs it: light or dark (which colour scale edges and the
 * caption use) and the foreground colour, read from VS Code's CSS variables. Graphviz bakes
 * colours into the SVG, so a theme change means a new layout; onThemeChange says when.
 */
import type { GraphThemeKind } from '../../src/core/graphColors';

export interface PageTheme {
  kind: GraphThemeKind;
  /** A colour Graphviz understands (#rrggbb). */
  foreground: string;
}

export function currentTheme(): PageTheme {
  const body = document.body;
  const kindAttribute = body.getAttribute('data-vscode-theme-kind') ?? '';
  const classes = body.classList;
  const dark =
    kindAttribute === 'vscode-dark' ||
    kindAttribute === 'vscode-high-contrast' ||
    classes.contains('vscode-dark') ||
    (classes.contains('vscode-high-contrast') && !classes.contains('vscode-high-contrast-light'));
  const variable = getComputedStyle(body).getPropertyValue('--vscode-editor-foreground').trim();
  const fallback = dark ? '#cccccc' : '#333333';
  return { kind: dark ? 'dark' : 'light', foreground: toHexColor(variable) ?? fallback };
}

/** "#abc", "#aabbcc", "#aabbccdd" or "rgb(a)(r, g, b[, a])" as #rrggbb; undefined otherwise. */
export function toHexColor(css: string): string | undefined {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(css);
  if (hex) {
    const digits = hex[1].length === 3 ? [...hex[1]].map((d) => d + d).join('') : hex[1].slice(0, 6);
    return `#${digits.toLowerCase()}`;
  }
  const rgb = /^rgba?\(\s*(\d+)[\s,]+(\d+)[\s,]+(\d+)/i.exec(css);
  if (rgb)
    return `#${rgb
      .slice(1, 4)
      .map((c) => Math.min(255, Number(c)).toString(16).padStart(2, '0'))
      .join('')}`;
  return undefined;
}

/** Calls back when VS Code switches theme (it changes the body's class and data attribute). */
export function onThemeChange(callback: () => void): void {
  let last = JSON.stringify(currentTheme());
  new MutationObserver(() => {
    const now = JSON.stringify(currentTheme());
    if (now !== last) {
      last = now;
      callback();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
}
