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
 * exponential there); that order is worked out once per profile (foldingOrder.ts), so a
 * split reads each call below F once. Calls that close a cycle among hidden frames are
 * recursion: their time is already inside the outer call's cumulative time, so they pass
 * nothing on. Which calls close it is decided from where F's time came into the cycle (the
 * member most of it came into), as a walk down from F would meet them.
 *
 * A function's own time when folding is its cumulative time minus what reaches app code,
 * from one fraction per hidden function computed once per profile: it costs a pass over
 * the function's callees, so drawing a row never needs the walk, only expanding it does.
 */
import type { CallAdjacency } from './callAdjacency';
import { foldingOrder, type FoldingOrder } from './foldingOrder';
import type { ProfileModel } from './profileModel';
import { sortCallees, type SplitCallee, type TimeSplit } from './timeSplit';

/** Which calls passing time on skips (LibraryFolder.passOn): none, calls to itself, calls that close a cycle. */
type Skip = 0 | 1 | 2;
const PASS_ALL: Skip = 0;
const SKIP_SELF_CALLS: Skip = 1;
const SKIP_CYCLE_CALLS: Skip = 2;

/** What folding keeps on screen: the user's own code. */
export function isShownWhenFolding(model: ProfileModel, fn: number): boolean {
  return model.functions[fn].kind === 'app';
}

/**
 * Computes folded splits for one profile. It reads the model's flat call graph (callees of f
 * are positions calleeStart[f] .. calleeStart[f + 1] - 1, see callAdjacency.ts) without
 * copying it, and the folding order worked out once (foldingOrder.ts); scratch arrays are
 * "cleared" by bumping a generation number, so a split costs only the hidden code it passes
 * time through, each call read once. Hidden functions that cannot lead back to app code are
 * not walked at all: all of their time is hidden, so it goes straight to the shown
 * ancestor's own time.
 */
export class LibraryFolder {
  private readonly graph: CallAdjacency;
  private readonly ct: Float64Array;
  private readonly shown: Uint8Array;
  /** 1 for hidden functions from which some chain of hidden calls reaches app code. */
  private readonly leadsToShown: Uint8Array;
  private readonly folding: FoldingOrder;
  /** For hidden functions: the fraction of their time that ends up in app code (foldingOrder.ts). */
  private readonly shownFraction: Float64Array;

  private generation = 0;
  /** Hidden functions the split being made has reached and not yet passed time on from: the walk ends at 0. */
  private waiting = 0;
  /** The generation in which a hidden function was reached by the split being made. */
  private readonly seen: Int32Array;
  private readonly inflow: Float64Array;
  private readonly onlyRoute: Uint8Array;
  /** The generation in which a shown function became a callee of the split being made, and its place in it. */
  private readonly calleeSeen: Int32Array;
  private readonly calleeAt: Int32Array;
  /** The scratch space of walking a component (passOnComponent), made when first needed. */
  private components?: ComponentScratch;

  constructor(private readonly model: ProfileModel) {
    const n = model.functions.length;
    this.graph = model.adjacency;
    const ct = (this.ct = new Float64Array(n));
    const shown = (this.shown = new Uint8Array(n));
    // The rule of isShownWhenFolding, with no call per function: this runs before the page's code is optimised.
    const functions = model.functions;
    for (let f = 0; f < n; f++) {
      const info = functions[f];
      ct[f] = info.ct;
      shown[f] = info.kind === 'app' ? 1 : 0;
    }
    this.leadsToShown = hiddenCallersOfShown(this.graph, this.shown);
    this.folding = foldingOrder(this.graph, this.shown, this.leadsToShown, this.ct);
    this.shownFraction = this.folding.shownFraction;
    this.seen = new Int32Array(n);
    this.inflow = new Float64Array(n);
    this.onlyRoute = new Uint8Array(n);
    this.calleeSeen = new Int32Array(n);
    this.calleeAt = new Int32Array(n);
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
    const { calleeStart, callee } = this.graph;
    const { order, rank, component, componentSize } = this.folding;
    const { seen, leadsToShown } = this;
    const generation = ++this.generation;
    const callees: SplitCallee[] = [];
    this.waiting = 0;
    this.passOn(fn, callees, generation, fn, 1, true, PASS_ALL);
    // The hidden code below fn is visited in the folding order, from the first function fn calls.
    let first = order.length;
    for (let k = calleeStart[fn]; k < calleeStart[fn + 1]; k++) {
      const to = callee[k];
      if (to !== fn && leadsToShown[to] && rank[to] < first) first = rank[to];
    }
    while (first > 0 && first < order.length && component[order[first - 1]] === component[order[first]]) first--;
    // Callers before callees: every route into a hidden function is added before it passes time on.
    for (let at = first; at < order.length && this.waiting > 0; at++) {
      const hidden = order[at];
      const size = componentSize[hidden];
      if (size > 1) {
        this.passOnComponent(fn, callees, generation, at, size);
        at += size - 1;
      } else if (hidden !== fn && seen[hidden] === generation) {
        this.waiting--;
        this.passOnFrom(fn, callees, generation, hidden, SKIP_SELF_CALLS);
      }
    }
    // Own time comes from foldedOwn, so a row shows the same number before and after it is
    // expanded; the walk above only finds the shown callees and their times.
    return { own: this.foldedOwn(fn), callees: sortCallees(callees) };
  }

  /** Passes on the time that came into a hidden function (its inflow), at its share of its recorded calls. */
  private passOnFrom(fn: number, callees: SplitCallee[], generation: number, hidden: number, skip: Skip): void {
    const ct = this.ct[hidden];
    const share = ct > 0 ? Math.min(1, this.inflow[hidden] / ct) : 0;
    this.passOn(fn, callees, generation, hidden, share, this.onlyRoute[hidden] === 1, skip);
  }

  /**
   * Passes time along the calls of `from` (fn itself, or hidden code below it) while splitting
   * fn, at share of each call's time: to a shown callee (added to callees, or to its entry
   * there), or on to a hidden function that leads to app code (its inflow). Any other time
   * stays hidden: it is part of foldedOwn(fn). One loop with no call per edge but for shown
   * callees: it runs once per call below fn, mostly before the page's code is optimised.
   */
  private passOn(fn: number, callees: SplitCallee[], generation: number, from: number, share: number, fromOnlyRoute: boolean, skip: Skip): void {
    const { calleeStart, callee, calleeCt, callerStart } = this.graph;
    const { shown, leadsToShown, seen, inflow, onlyRoute } = this;
    const cycleEdge = this.components?.cycleEdge;
    for (let k = calleeStart[from]; k < calleeStart[from + 1]; k++) {
      const to = callee[k];
      // A hidden function's call to itself is recursion, as is one that closes a cycle of its component.
      if (skip === SKIP_SELF_CALLS ? to === from : skip === SKIP_CYCLE_CALLS && cycleEdge![k] === generation) continue;
      const time = calleeCt[k] * share;
      if (to === fn || shown[to]) {
        this.addShownCallee(callees, generation, fromOnlyRoute, k, time);
      } else if (leadsToShown[to]) {
        if (seen[to] !== generation) {
          seen[to] = generation;
          inflow[to] = 0;
          this.waiting++;
        }
        inflow[to] += time;
        // Reached by its only recorded caller, along a single route: still one route.
        onlyRoute[to] = fromOnlyRoute && callerStart[to + 1] - callerStart[to] === 1 ? 1 : 0;
      }
    }
  }

  /** A call at flat position k brings time to a shown callee of the split being made. */
  private addShownCallee(callees: SplitCallee[], generation: number, fromOnlyRoute: boolean, k: number, time: number): void {
    const { callee, callerStart, calleeEdge } = this.graph;
    const to = callee[k];
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
  }

  /**
   * Passes on the time that came into a component (hidden functions that call each other
   * round a cycle) at order[first] .. order[first + size - 1]. Within it, the walk goes
   * depth first from the member most time came into, as the outer call came in, and the
   * calls back to a member still on that walk's path close cycles: they are recursion and
   * pass nothing on. The members then pass their time on callers first, as elsewhere.
   */
  private passOnComponent(fn: number, callees: SplitCallee[], generation: number, first: number, size: number): void {
    const { calleeStart, callee } = this.graph;
    const { order, component } = this.folding;
    const { seen, inflow, onlyRoute } = this;
    const scratch = (this.components ??= componentScratch(this.ct.length, callee.length));
    const { visited, done, cycleEdge, componentOrder, stackNode, stackEdge } = scratch;
    const group = component[order[first]];
    let entry = -1;
    for (let at = first; at < first + size; at++) {
      const member = order[at];
      if (member !== fn && seen[member] === generation && (entry < 0 || inflow[member] > inflow[entry])) entry = member;
    }
    if (entry < 0) return;
    let count = 0;
    let depth = 0;
    for (let at = first - 1; at < first + size; at++) {
      const start = at < first ? entry : order[at];
      if (start === fn || seen[start] !== generation || visited[start] === generation) continue;
      visited[start] = generation;
      stackNode[0] = start;
      stackEdge[0] = calleeStart[start];
      depth = 1;
      while (depth) {
        const f = stackNode[depth - 1];
        const k = stackEdge[depth - 1];
        if (k === calleeStart[f + 1]) {
          done[f] = generation;
          componentOrder[count++] = f;
          depth--;
          continue;
        }
        stackEdge[depth - 1] = k + 1;
        const to = callee[k];
        if (to === fn || component[to] !== group) continue;
        if (visited[to] !== generation) {
          if (seen[to] !== generation) {
            seen[to] = generation;
            inflow[to] = 0;
            onlyRoute[to] = 0;
            this.waiting++;
          }
          visited[to] = generation;
          stackNode[depth] = to;
          stackEdge[depth] = calleeStart[to];
          depth++;
        } else if (done[to] !== generation) {
          cycleEdge[k] = generation;
        }
      }
    }
    this.waiting -= count;
    for (let i = count - 1; i >= 0; i--) this.passOnFrom(fn, callees, generation, componentOrder[i], SKIP_CYCLE_CALLS);
  }
}

/** What walking a component needs, by function and by call (flat position). */
interface ComponentScratch {
  readonly visited: Int32Array;
  readonly done: Int32Array;
  /** The generation in which a call was found to close a cycle. */
  readonly cycleEdge: Int32Array;
  readonly componentOrder: Int32Array;
  readonly stackNode: Int32Array;
  readonly stackEdge: Int32Array;
}

function componentScratch(functionCount: number, callCount: number): ComponentScratch {
  const byFunction = () => new Int32Array(functionCount);
  return {
    visited: byFunction(),
    done: byFunction(),
    cycleEdge: new Int32Array(callCount),
    componentOrder: byFunction(),
    stackNode: byFunction(),
    stackEdge: byFunction(),
  };
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
