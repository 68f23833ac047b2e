/**
 * What the pages use of VS Code's webview API (acquireVsCodeApi(), which a page may call once),
 * typed by what the page posts.
 */
export interface WebviewApi<Posted = unknown> {
  postMessage(message: Posted): void;
  getState(): unknown;
  setState(state: unknown): void;
}
