/**
 * The page's CSS, adopted as a constructed style sheet (no inline <style>, so the host's
 * CSP needs nothing for it). Colours come from VS Code's theme variables; the graph's own
 * colours come from Graphviz and are chosen per theme in dot.ts.
 */
const CSS = `
html, body { height: 100%; }
body {
  margin: 0; padding: 0; overflow: hidden; display: flex; flex-direction: column;
  color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family); font-size: var(--vscode-font-size, 13px);
}
.toolbar {
  display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; padding: 4px 8px;
  border-bottom: 1px solid var(--vscode-panel-border, transparent);
}
.toolbar label { display: inline-flex; gap: 4px; align-items: center; white-space: nowrap; }
.toolbar .group { display: inline-flex; gap: 4px; align-items: center; }
input {
  background: var(--vscode-input-background); color: var(--vscode-input-foreground);
  border: 1px solid var(--vscode-input-border, transparent); padding: 2px 4px; font: inherit;
}
input[type=number] { width: 5em; }
input[type=search] { width: 16em; }
input:focus, button:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
button {
  background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground);
  border: none; padding: 3px 8px; font: inherit; cursor: pointer;
}
button:hover { background: var(--vscode-button-secondaryHoverBackground); }
.status { padding: 2px 8px; color: var(--vscode-descriptionForeground); min-height: 1.4em; }
.status .warning { color: var(--vscode-editorWarning-foreground); }
.viewport { flex: 1; overflow: hidden; position: relative; cursor: grab; outline: none; touch-action: none; }
.viewport:focus-visible { box-shadow: inset 0 0 0 1px var(--vscode-focusBorder); }
.viewport.dragging { cursor: grabbing; }
.viewport > svg { position: absolute; left: 0; top: 0; transform-origin: 0 0; user-select: none; }
.viewport svg text { font-family: Arial, Helvetica, "Liberation Sans", sans-serif; }
.viewport .placeholder { padding: 2em; color: var(--vscode-descriptionForeground); }
g.node { cursor: pointer; }
g.node:focus { outline: none; }
g.node:focus polygon { stroke: var(--vscode-focusBorder); stroke-width: 4px; }
g.node.match polygon { stroke: var(--vscode-editor-findMatchHighlightBorder, #ea5c00); stroke-width: 3px; stroke-dasharray: 6 3; }
g.node.current polygon { stroke: var(--vscode-editor-findMatchBorder, #f5a623); stroke-width: 5px; stroke-dasharray: none; }
`;

export function adoptStyles(doc: Document): void {
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
}
