/**
 * Library folding: the call tree without standard-library, site-packages and built-in
 * frames. A hidden frame's time goes to the nearest shown ancestor (as that node's own
 * time), except the time of the app functions it calls, which stay visible as children of
 * that ancestor: a Django view called through django's request handling appears directly
 * under the request's entry point.
 *
 * For one function F this walks the hidden functions reachable from F through hidden
 * functions only, and pushes F's time down that subgraph the way the tree apportions time:
 * a hidden function receiving `inflow` seconds runs at share inflow/ct of its recorded
 * calls, and passes edge.ct × share to each callee. Visiting the subgraph in topological
 * order adds up every route into a function before passing its time on, so the work is
 * linear in the subgraph's size even where routes branch and merge (a path-by-path walk is
 * exponential there). Calls that close a cycle among hidden frames are recursion: their
 * time is already inside the outer call's cumulative time, so they pass nothing on.
 *
 * A function's own time when folding is its cumulative time minus what reaches app code,
 * from one fraction per hidden function computed once per profile: it costs a pass over
 * the function's callees, so drawing a row never needs the walk, only expanding it does.
 */
import type { CallAdjacency } from './callAdjacency';
import type { ProfileModel } from './profileModel';
import { sortCallees, type SplitCallee, type TimeSplit } from './timeSplit';

/** What folding keeps on screen: the user's own code. */
export function isShownWhenFolding(model: ProfileModel, fn: number): boolean {
  return model.functions[fn].kind === 'app';
}

/**
 * Computes folded splits for one profile. It reads the model's flat call graph (callees of f
 * are positions calleeStart[f] .. calleeStart[f + 1] - 1, see callAdjacency.ts) without
 * copying it, and scratch arrays are "cleared" by bumping a generation number, so a split
 * costs only the hidden subgraph it walks. Hidden functions that cannot lead back to app code
 * are not walked at all: all of their time is hidden, so it goes straight to the shown
 * ancestor's own time.
 */
export class LibraryFolder {
  private readonly graph: CallAdjacency;
  private readonly ct: Float64Array;
  private readonly shown: Uint8Array;
  /** 1 for hidden functions from which some chain of hidden calls reaches app code. */
  private readonly leadsToShown: Uint8Array;
  /** For hidden functions: the fraction of their time that ends up in app code (see shownFractions). */
  private readonly shownFraction: Float64Array;

  private generation = 0;
  private readonly seen: Int32Array;
  private readonly done: Int32Array;
  /** The generation in which an edge (by flat position) was found to close a cycle. */
  private readonly cycleEdge: Int32Array;
  private readonly inflow: Float64Array;
  private readonly onlyRoute: Uint8Array;
  private readonly order: Int32Array;
  private readonly stackNode: Int32Array;
  private readonly stackEdge: Int32Array;
  /** The generation in which a shown function became a callee of the split being made, and its place in it. */
  private readonly calleeSeen: Int32Array;
  private readonly calleeAt: Int32Array;

  constructor(private readonly model: ProfileModel) {
    const n = model.functions.length;
    this.graph = model.adjacency;
    this.ct = new Float64Array(n);
    this.shown = new Uint8Array(n);
    for (let f = 0; f < n; f++) {
      this.ct[f] = model.functions[f].ct;
      this.shown[f] = isShownWhenFolding(model, f) ? 1 : 0;
    }
    this.leadsToShown = hiddenCallersOfShown(this.graph, this.shown);
    this.seen = new Int32Array(n);
    this.done = new Int32Array(n);
    this.cycleEdge = new Int32Array(this.graph.callee.length);
    this.inflow = new Float64Array(n);
    this.onlyRoute = new Uint8Array(n);
    this.order = new Int32Array(n);
    this.stackNode = new Int32Array(n);
    this.stackEdge = new Int32Array(n);
    this.calleeSeen = new Int32Array(n);
    this.calleeAt = new Int32Array(n);
    this.shownFraction = this.shownFractions();
  }

  /**
   * The time fn keeps as its own when folding (its code and the hidden code it runs that
   * does not lead back to app code), at its full recorded time. Cheap (one pass over fn's
   * callees), so a drawn row needs no walk of the hidden code below it.
   */
  foldedOwn(fn: number): number {
    const { calleeStart, callee, calleeCt } = this.graph;
    let shownTime = 0;
    for (let k = calleeStart[fn]; k < calleeStart[fn + 1]; k++) {
      const to = callee[k];
      if (to === fn || this.shown[to]) shownTime += calleeCt[k];
      else if (this.leadsToShown[to]) shownTime += calleeCt[k] * this.shownFraction[to];
    }
    return Math.max(0, this.ct[fn] - shownTime);
  }

  /** Whether fn has children when folding, without computing them. */
  hasShownCallees(fn: number): boolean {
    const { calleeStart, callee } = this.graph;
    for (let k = calleeStart[fn]; k < calleeStart[fn + 1]; k++) {
      const to = callee[k];
      if (to === fn || this.shown[to] || this.leadsToShown[to]) return true;
    }
    return false;
  }

  /** The split of fn's time between its own (and hidden) code and the app functions it leads to. */
  split(fn: number): TimeSplit {
    const { calleeStart, calleeCt } = this.graph;
    const { inflow, order, cycleEdge } = this;
    const generation = ++this.generation;
    const count = this.walkHidden(fn, generation);
    const callees: SplitCallee[] = [];
    for (let k = calleeStart[fn]; k < calleeStart[fn + 1]; k++) this.pass(fn, callees, generation, true, k, calleeCt[k]);
    // Reverse postorder: every route into a hidden function is added before it passes time on.
    for (let i = count - 1; i >= 0; i--) {
      const hidden = order[i];
      const ct = this.ct[hidden];
      const share = ct > 0 ? Math.min(1, inflow[hidden] / ct) : 0;
      const single = this.onlyRoute[hidden] === 1;
      for (let k = calleeStart[hidden]; k < calleeStart[hidden + 1]; k++) {
        if (cycleEdge[k] !== generation) this.pass(fn, callees, generation, single, k, calleeCt[k] * share);
      }
    }
    // Own time comes from foldedOwn, so a row shows the same number before and after it is
    // expanded; the walk above only finds the shown callees and their times.
    return { own: this.foldedOwn(fn), callees: sortCallees(callees) };
  }

  /**
   * Passes time along the call at flat position k, made while splitting fn: to a shown callee
   * (added to callees, or to its entry there), or on to a hidden function that leads to app
   * code (its inflow). Any other time stays hidden: it is part of foldedOwn(fn).
   */
  private pass(fn: number, callees: SplitCallee[], generation: number, fromOnlyRoute: boolean, k: number, time: number): void {
    const { callee, callerStart, calleeEdge } = this.graph;
    const to = callee[k];
    if (to === fn || this.shown[to]) {
      const edge = this.model.edges[calleeEdge[k]];
      if (this.calleeSeen[to] === generation) {
        const known = callees[this.calleeAt[to]];
        known.time += time;
        known.cc += edge.cc;
        known.nc += edge.nc;
        known.singleCaller = false;
      } else {
        this.calleeSeen[to] = generation;
        this.calleeAt[to] = callees.length;
        const single = fromOnlyRoute && callerStart[to + 1] - callerStart[to] === 1;
        callees.push({ fn: to, time, cc: edge.cc, nc: edge.nc, singleCaller: single });
      }
    } else if (this.leadsToShown[to]) {
      this.inflow[to] += time;
      // Reached by its only recorded caller, along a single route: still one route.
      this.onlyRoute[to] = fromOnlyRoute && callerStart[to + 1] - callerStart[to] === 1 ? 1 : 0;
    }
  }

  /**
   * For every hidden function, the fraction of its time that ends in app code: the time of
   * its calls to app code, plus its calls to hidden functions scaled by theirs, over its
   * cumulative time. One depth-first pass, each function finished after its callees;
   * calls that close a cycle are recursion (already inside the outer call's time) and
   * count for nothing. Whatever does not reach app code is the shown ancestor's own time,
   * so none of the hidden time is lost, cycles included.
   */
  private shownFractions(): Float64Array {
    const { calleeStart, callee: calleeOf, calleeCt: edgeCt } = this.graph;
    const { ct, shown, leadsToShown, stackNode, stackEdge } = this;
    const n = ct.length;
    const fraction = new Float64Array(n);
    const state = new Uint8Array(n); // 1 on the stack, 2 finished
    let depth = 0;
    for (let start = 0; start < n; start++) {
      if (shown[start] || !leadsToShown[start] || state[start]) continue;
      state[start] = 1;
      stackNode[0] = start;
      stackEdge[0] = calleeStart[start];
      depth = 1;
      while (depth) {
        const f = stackNode[depth - 1];
        const k = stackEdge[depth - 1];
        if (k < calleeStart[f + 1]) {
          stackEdge[depth - 1] = k + 1;
          const to = calleeOf[k];
          if (!shown[to] && leadsToShown[to] && !state[to]) {
            state[to] = 1;
            stackNode[depth] = to;
            stackEdge[depth] = calleeStart[to];
            depth++;
          }
          continue;
        }
        let reaching = 0;
        for (let j = calleeStart[f]; j < calleeStart[f + 1]; j++) {
          const to = calleeOf[j];
          if (shown[to]) reaching += edgeCt[j];
          else if (leadsToShown[to] && state[to] === 2) reaching += edgeCt[j] * fraction[to];
        }
        fraction[f] = ct[f] > 0 ? Math.min(1, reaching / ct[f]) : 0;
        state[f] = 2;
        depth--;
      }
    }
    return fraction;
  }

  /**
   * Depth-first walk of the hidden functions that lead to app code, reachable from fn through
   * hidden functions only. Leaves them in this.order in postorder (returning how many),
   * zeroes their inflow, and marks the edges that close cycles. An explicit stack: hidden
   * chains can be very deep.
   */
  private walkHidden(fn: number, generation: number): number {
    const { calleeStart, callee: calleeOf } = this.graph;
    const { seen, done, stackNode, stackEdge, shown, leadsToShown } = this;
    let count = 0;
    let depth = 0;
    const enter = (f: number) => {
      seen[f] = generation;
      this.inflow[f] = 0;
      this.onlyRoute[f] = 0;
      stackNode[depth] = f;
      stackEdge[depth] = calleeStart[f];
      depth++;
    };
    const walked = (f: number) => f !== fn && !shown[f] && leadsToShown[f] === 1;
    for (let j = calleeStart[fn]; j < calleeStart[fn + 1]; j++) {
      const start = calleeOf[j];
      if (!walked(start) || seen[start] === generation) continue;
      enter(start);
      while (depth) {
        const top = depth - 1;
        const f = stackNode[top];
        const k = stackEdge[top];
        if (k === calleeStart[f + 1]) {
          done[f] = generation;
          this.order[count++] = f;
          depth--;
          continue;
        }
        stackEdge[top] = k + 1;
        const callee = calleeOf[k];
        if (!walked(callee)) continue;
        if (seen[callee] !== generation) enter(callee);
        else if (done[callee] !== generation) this.cycleEdge[k] = generation;
      }
    }
    return count;
  }
}

/** Marks the hidden functions from which a chain of hidden calls reaches a shown function. */
function hiddenCallersOfShown({ callerStart, caller }: CallAdjacency, shown: Uint8Array): Uint8Array {
  const leads = new Uint8Array(shown.length);
  const queue = new Int32Array(shown.length);
  let queued = 0;
  for (let f = 0; f < shown.length; f++) if (shown[f]) queue[queued++] = f;
  while (queued) {
    const target = queue[--queued];
    for (let k = callerStart[target]; k < callerStart[target + 1]; k++) {
      const from = caller[k];
      if (!shown[from] && !leads[from]) {
        leads[from] = 1;
        queue[queued++] = from;
      }
    }
  }
  return leads;
}

/** One folded split, without keeping scratch space (tests, one-off use). */
export function foldedSplit(model: ProfileModel, fn: number): TimeSplit {
  return new LibraryFolder(model).split(fn);
}
