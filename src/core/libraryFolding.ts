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
 */
import type { ProfileModel } from './profileModel';
import { sortCallees, type SplitCallee, type TimeSplit } from './timeSplit';

/** What folding keeps on screen: the user's own code. */
export function isShownWhenFolding(model: ProfileModel, fn: number): boolean {
  return model.functions[fn].kind === 'app';
}

const ON_STACK = 1;
const DONE = 2;

/** Hidden functions reachable from fn, in topological order, and the calls that close cycles. */
function hiddenSubgraph(model: ProfileModel, fn: number): { order: number[]; cycleEdges: Set<number> } {
  const state = new Map<number, number>();
  const postorder: number[] = [];
  const cycleEdges = new Set<number>();
  const isHidden = (f: number) => f !== fn && !isShownWhenFolding(model, f);
  // An explicit stack: hidden call chains can be thousands of frames deep.
  const stack: [number, number][] = [];
  const enter = (f: number) => {
    state.set(f, ON_STACK);
    stack.push([f, 0]);
  };
  for (const e of model.calleesOf[fn]) {
    const start = model.edges[e].callee;
    if (!isHidden(start) || state.has(start)) continue;
    enter(start);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const out = model.calleesOf[top[0]];
      if (top[1] === out.length) {
        state.set(top[0], DONE);
        postorder.push(top[0]);
        stack.pop();
        continue;
      }
      const edge = out[top[1]++];
      const callee = model.edges[edge].callee;
      if (!isHidden(callee)) continue;
      const seen = state.get(callee);
      if (seen === undefined) enter(callee);
      else if (seen === ON_STACK) cycleEdges.add(edge);
    }
  }
  return { order: postorder.reverse(), cycleEdges };
}

/** The split of fn's time between its own (and hidden) code and the app functions it leads to. */
export function foldedSplit(model: ProfileModel, fn: number): TimeSplit {
  const { order, cycleEdges } = hiddenSubgraph(model, fn);
  const inflow = new Map<number, number>();
  const onlyRoute = new Map<number, boolean>();
  const shown = new Map<number, SplitCallee>();

  const pass = (from: number, fromOnlyRoute: boolean, edgeIndex: number, time: number) => {
    const edge = model.edges[edgeIndex];
    const to = edge.callee;
    const single = fromOnlyRoute && model.callersOf[to].length === 1;
    if (to === fn || isShownWhenFolding(model, to)) {
      const known = shown.get(to);
      if (known) {
        known.time += time;
        known.cc += edge.cc;
        known.nc += edge.nc;
        known.singleCaller = false;
      } else {
        shown.set(to, { fn: to, time, cc: edge.cc, nc: edge.nc, singleCaller: single });
      }
      return;
    }
    inflow.set(to, (inflow.get(to) ?? 0) + time);
    // A hidden function is on a single route only if its one recorded caller is on one.
    onlyRoute.set(to, single && from === model.edges[model.callersOf[to][0]].caller);
  };

  for (const e of model.calleesOf[fn]) pass(fn, true, e, model.edges[e].ct);
  let own = model.functions[fn].tt;
  for (const hidden of order) {
    const info = model.functions[hidden];
    const received = inflow.get(hidden) ?? 0;
    const share = info.ct > 0 ? Math.min(1, received / info.ct) : 0;
    own += info.tt * share;
    const single = onlyRoute.get(hidden) === true;
    for (const e of model.calleesOf[hidden]) {
      if (cycleEdges.has(e)) continue;
      pass(hidden, single, e, model.edges[e].ct * share);
    }
  }
  const callees = sortCallees([...shown.values()]);
  // Calls closing a hidden cycle carry time nobody else shows: it stays with fn, so that
  // folding moves hidden time to the nearest shown ancestor and loses none of it.
  const unshown = model.functions[fn].ct - callees.reduce((sum, c) => sum + c.time, 0);
  return { own: Math.max(own, unshown), callees };
}
