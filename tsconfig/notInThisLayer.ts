/**
 * What `vscode` resolves to in the layers that must not use it (src/core/tsconfig.json,
 * webview/tsconfig.json map it here): the type error below fails their typecheck. Without the
 * mapping TypeScript would find node_modules/@types/vscode from any folder.
 */
export const layering: 'vscode is for the extension host (src/), not for src/core or webview/' = 'imported from a layer that must not';
