/**
 * Search in a profile: the functions whose name, qualified name, module or file contains
 * the query (case-insensitive), and for each the call-tree node that reveals it: the node
 * on its hottest path (hottestPaths.ts), so the view opens the path where the match costs
 * most. Bounded work: one pass over precomputed lower-case text and one shortest-path search
 * per profile (cached). A match's path is worked out only when it is revealed: paths can be
 * 100,000 calls long, and a search can match every function.
 */
import { hottestPathTo, hottestPaths } from './hottestPaths';
import { isShownWhenFolding } from './libraryFolding';
import type { ProfileModel } from './profileModel';

export interface SearchOptions {
  /** Matches given a node id; the rest are only counted. */
  limit: number;
  /** Whether the tree hides library frames, which changes the ids (see libraryFolding.ts). */
  foldLibraries: boolean;
}

export interface SearchMatch {
  fn: number;
  /** Whether a root reaches the function, so that the tree has a node to reveal (revealPath). */
  reachable: boolean;
  /**
   * True when the function itself is hidden by library folding: the node revealed is then its
   * nearest shown ancestor, whose own time includes the match.
   */
  folded: boolean;
}

export interface SearchResult {
  /** Matches, costliest (cumulative time) first, at most `limit`. */
  matches: SearchMatch[];
  /** Every matching function, for highlighting rows in any view. */
  functions: Set<number>;
  /** How many functions matched. */
  total: number;
}

const DEFAULT_OPTIONS: SearchOptions = { limit: 200, foldLibraries: false };

const searchText = new WeakMap<ProfileModel, string[]>();

function textsOf(model: ProfileModel): string[] {
  let texts = searchText.get(model);
  if (!texts) {
    // One string per function; the separator cannot occur in a query (queries are trimmed).
    texts = model.functions.map((f) => [f.displayName, f.name, f.qualname ?? '', f.module, f.file].join('\n').toLowerCase());
    searchText.set(model, texts);
  }
  return texts;
}

export function searchFunctions(model: ProfileModel, query: string, options: Partial<SearchOptions> = {}): SearchResult {
  const { limit, foldLibraries } = { ...DEFAULT_OPTIONS, ...options };
  const needle = query.trim().toLowerCase();
  const functions = new Set<number>();
  if (!needle) return { matches: [], functions, total: 0 };
  const texts = textsOf(model);
  for (let fn = 0; fn < texts.length; fn++) if (texts[fn].includes(needle)) functions.add(fn);
  const ranked = [...functions].sort((a, b) => model.functions[b].ct - model.functions[a].ct || a - b);
  const matches = ranked.slice(0, limit).map((fn) => matchOf(model, fn, foldLibraries));
  return { matches, functions, total: functions.size };
}

/** A match, without its path (see revealPath). */
export function matchOf(model: ProfileModel, fn: number, foldLibraries: boolean): SearchMatch {
  const { via, estimate } = hottestPaths(model);
  const reachable = estimate[fn] >= 0;
  // Folding keeps the root of a path (the request's entry point) and the app's own functions.
  const folded = foldLibraries && reachable && via[fn] >= 0 && !isShownWhenFolding(model, fn);
  return { fn, reachable, folded };
}

/**
 * The path (function indices from a root) of the node that reveals fn in a tree with or
 * without library folding; null when no root reaches fn. CallTree.nodeAt finds the node.
 */
export function revealPath(model: ProfileModel, fn: number, foldLibraries: boolean): number[] | null {
  const path = hottestPathTo(model, fn);
  if (!path.length) return null;
  if (!foldLibraries) return path;
  return path.filter((f, i) => i === 0 || isShownWhenFolding(model, f));
}
