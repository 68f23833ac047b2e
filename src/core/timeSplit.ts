/**
 * How one function's cumulative time splits between its own code and the callees shown
 * under it in the call tree. cProfile records only caller→callee pairs, so the split is per
 * function, not per call path: the call tree scales it by the share of the function's time
 * that a tree node stands for. Computed once per function and cached, because the same
 * function appears under many tree nodes.
 */
import type { ProfileModel } from './profileModel';

export interface SplitCallee {
  fn: number;
  /** Seconds of the callee's time spent under the function, over all of the function's calls. */
  time: number;
  /** Calls (primitive, total) recorded on the caller→callee edges that lead to the callee. */
  cc: number;
  nc: number;
  /** True when the callee, and every hidden frame between, had this one caller and no other. */
  singleCaller: boolean;
}

export interface TimeSplit {
  /** Seconds spent in the function's own code (and, when folding, in the library code it hides). */
  own: number;
  /** Costliest first; ties in function order, so trees are the same on every run. */
  callees: SplitCallee[];
}

export function sortCallees(callees: SplitCallee[]): SplitCallee[] {
  return callees.sort((a, b) => b.time - a.time || a.fn - b.fn);
}

/** The split as recorded: the function's own time and its direct callees. */
export function directSplit(model: ProfileModel, fn: number): TimeSplit {
  const edgeIds = model.calleesOf[fn];
  const callees: SplitCallee[] = [];
  // A Map only for many callees: one per function of a deep chain is most of its memory.
  const byCallee = edgeIds.length > SCAN_LIMIT ? new Map<number, SplitCallee>() : undefined;
  for (const e of edgeIds) {
    const edge = model.edges[e];
    const known = byCallee ? byCallee.get(edge.callee) : callees.find((c) => c.fn === edge.callee);
    if (known) {
      // The format has one edge per pair; merging keeps a hand-made profile with duplicates sane.
      known.time += edge.ct;
      known.cc += edge.cc;
      known.nc += edge.nc;
      continue;
    }
    const callee: SplitCallee = {
      fn: edge.callee,
      time: edge.ct,
      cc: edge.cc,
      nc: edge.nc,
      singleCaller: model.callersOf[edge.callee].length === 1,
    };
    callees.push(callee);
    byCallee?.set(edge.callee, callee);
  }
  // slice(): an array grown by push keeps spare room (17 slots for one callee), kept as long as the split is cached.
  return { own: model.functions[fn].tt, callees: sortCallees(callees.slice()) };
}

/** Up to this many callees, duplicates are found by looking through the list. */
const SCAN_LIMIT = 8;
