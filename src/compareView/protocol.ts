/**
 * The diff view's protocol (src/core/webviewChannel.ts): what the extension host
 * (comparePanel.ts) and the diff page (webview/compareView/page.ts) send each other, declared
 * once and imported by both; nothing here imports vscode or the DOM.
 *
 * Sequence: the page's channel says `ready` once its script runs (again whenever it is
 * reloaded), then the page notes `setMode` with the mode it saved (absolute unless the user chose
 * otherwise); the host answers every `setMode` with `show`: the comparison in that mode, computed
 * by the host (src/core/compareProfiles.ts) from its own copies of the two profiles. The page
 * sorts the table itself (column headers) and notes `rendered` after each drawing. Enter or a
 * double-click on a row notes `openFunction`, naming the function by its index in profile A or B
 * (the profile it is in), never by a file or line: the host looks it up in its own copy
 * (comparePageChecks refuses anything else). The Call tree and Flame tabs draw `tree`, the two
 * call trees matched node by node (src/core/compareTrees.ts), and name a node to open the same
 * way, by its function's index in B (or in A when it vanished).
 *
 * The page saves the two profiles' URIs (ComparedSide.source) in its state: after a reload of
 * the window VS Code hands that state to the host's serializer, which reads both files again.
 */
import type { CompareMode, FunctionDifference } from '../core/compareProfiles';
import type { TreeComparison, TreeDifference } from '../core/compareTrees';
import type { PageNoteOf } from '../core/webviewChannel';

export type { CompareMode };

/** A function's row as the page gets it (FunctionDifference with what the page shows). */
export type CompareRow = FunctionDifference;

/** A node of the compared call trees, as the page gets it. */
export type CompareTreeNode = TreeDifference;

/** One of the two compared requests, as the page names it. */
export interface ComparedSide {
  /** "GET /slow", the request as the Profiles panel names it. */
  name: string;
  /** When it started (unix seconds) and its wall time, for the header. */
  start: number;
  wallMs: number;
  /** The profile file's URI (uri.toString()): what the page saves for the serializer. */
  source: string;
}

export interface CompareShow {
  /** This comparison's id: every message about it carries it back. */
  comparisonId: string;
  mode: CompareMode;
  a: ComparedSide;
  b: ComparedSide;
  /** The two profiles' totals (seconds) and B − A. */
  totalA: number;
  totalB: number;
  difference: number;
  summary: string;
  /** Every function of either profile, what explains the difference most first. */
  rows: CompareRow[];
  /** The two call trees node by node (the same in both modes). */
  tree: TreeComparison;
}

/** The diff view's tabs. */
export type CompareTab = 'functions' | 'tree' | 'flame';

/** What the page saves with setState: the mode and tab the user chose, and the two files compared. */
export interface ComparePageState {
  mode?: CompareMode;
  tab?: CompareTab;
  /** ComparedSide.source of A and B: the serializer reopens the comparison from them. */
  a?: string;
  b?: string;
}

/** How the page sorts the table: by what explains the difference (the host's order), or a column. */
export type CompareSortKey = 'explains' | 'function' | 'a' | 'b' | 'change';

/** What the page drew, after each drawing (tests read it). */
export interface CompareRendered {
  comparisonId: string;
  mode: CompareMode;
  sort: CompareSortKey;
  /** Rows drawn, and rows in the comparison. */
  drawn: number;
  rows: number;
  /** The first drawn row's function name, as shown. */
  firstFunction: string | null;
  /** The tab shown. */
  tab: CompareTab;
  /** Rows the Call tree tab shows (expanded nodes' children), and its selected node's name. */
  treeRows: number;
  treeSelected: string | null;
}

/** A function by its index in profile A or B (the side it is in), never by its file or line. */
export interface CompareFunctionRef {
  comparisonId: string;
  side: 'a' | 'b';
  function: number;
}

export interface ComparePageFailure {
  message: string;
  detail?: string;
}

export const COMPARE_MODES: readonly CompareMode[] = ['absolute', 'normalised'];
export const COMPARE_SORT_KEYS: readonly CompareSortKey[] = ['explains', 'function', 'a', 'b', 'change'];
export const COMPARE_TABS: readonly CompareTab[] = ['functions', 'tree', 'flame'];

export interface CompareProtocol {
  host: {
    notes: {
      show: CompareShow;
    };
    asks: Record<never, never>;
  };
  page: {
    notes: {
      /** The mode the page shows (its saved one after each load, then each toggle): answered by `show`. */
      setMode: { mode: CompareMode };
      rendered: CompareRendered;
      /** A row was activated (Enter, double-click): open the function's source. */
      openFunction: CompareFunctionRef;
      error: ComparePageFailure;
    };
    asks: Record<never, never>;
  };
}

/** A note of the page with its type, as the host's test hooks see it (and tests send it). */
export type ComparePageNote = PageNoteOf<CompareProtocol>;
