/** The part of VS Code's webview API (acquireVsCodeApi()) a page uses; State is what it saves. */
export interface WebviewApi<State> {
  postMessage(message: unknown): void;
  getState(): State | undefined;
  setState(state: State): void;
}
