/**
 * What the page and its layout worker (worker.ts) say to each other. Types only, so the page
 * can import them without pulling Graphviz into its own script.
 */

export interface LayoutRequest {
  id: number;
  dot: string;
}

export type LayoutReply = { id: number; svg: string; ms: number } | { id: number; error: string };

/** Lays out DOT text as SVG on the calling thread (Graphviz is loaded by the time it exists). */
export type LayoutFunction = (dot: string) => { svg: string; ms: number };

/** What the layout script exports, for a page that has to run it on its own thread. */
export interface LayoutModule {
  loadLayout(): Promise<LayoutFunction>;
}
