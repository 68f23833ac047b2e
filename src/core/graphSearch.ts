/**
 * Search-to-focus in the call graph: which functions match what the user typed, split into
 * those drawn (to step through, costliest first) and those the thresholds hid (to say how
 * many, and how big the largest is, so the user knows lowering the threshold would help).
 */
import type { CallGraph } from './callGraph';
import type { ProfileModel } from './profileModel';

export interface GraphSearchResult {
  /** Function indices of drawn matches, costliest first. */
  drawn: number[];
  /** Function indices of matches not drawn, costliest first. */
  hidden: number[];
}

/**
 * Case-insensitive substring match on the display name, the raw name, the module and
 * "module:line"; an empty query matches nothing.
 */
export function searchGraph(model: ProfileModel, graph: CallGraph, query: string): GraphSearchResult {
  const needle = query.trim().toLowerCase();
  const result: GraphSearchResult = { drawn: [], hidden: [] };
  if (!needle) return result;
  const drawn = new Set(graph.nodes.map((n) => n.function));
  const matches = model.functions.filter((f) => [f.displayName, f.name, f.module, `${f.module}:${f.line}`].some((text) => text.toLowerCase().includes(needle)));
  matches.sort((a, b) => b.ct - a.ct || a.index - b.index);
  for (const f of matches) (drawn.has(f.index) ? result.drawn : result.hidden).push(f.index);
  return result;
}
