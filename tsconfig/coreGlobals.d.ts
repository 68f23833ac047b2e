/**
 * The few globals src/core uses that are not ECMAScript but that both of its hosts provide, the
 * extension host (Node) and the webview pages (browsers). Only src/core/tsconfig.json reads this
 * file; the other layers get the full declarations from @types/node or the DOM library.
 */
declare function setTimeout(handler: () => void, ms?: number): unknown;
declare function clearTimeout(handle: unknown): void;
