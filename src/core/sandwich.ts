/**
 * The sandwich of one function F: what F costs and who makes it cost that, in two flame graphs
 * that both have F at their root (depth 0):
 *
 * - callers: an inverted flame, F at the base and its callers above it up to the entry points,
 *   merged over every path that reaches F. A frame's width is the part of F's time that came
 *   through that chain of callers; a frame's own part (self) is where the chain starts (an entry
 *   point) or where smaller callers were left out;
 * - callees: everything F calls, merged over all of F's calls, with F's own time as a frame of
 *   its own (kind 'own') beside its callees, so it reads as part of the picture, not as a gap.
 *
 * Recursion is counted once: only F's outermost call on each path counts (a call of F inside F
 * is part of the outer call's callees), so the root's width is F's total time.
 *
 * Two sources, as for the flame graph (flameGraph.ts):
 * - a sampled profile's stacks (sandwichFromStacks): each stack through F is measured whole, so
 *   both halves are exact: the frames above F's outermost call are its callers, those below its
 *   callees (an asyncio wait at the end is an `awaiting` frame, never F's own time);
 * - cProfile's caller→callee pairs (sandwichFromPairs): the callers are the Callers tab's tree
 *   (callers.ts: the first level is the edge's own record, further up apportioned), the callees
 *   the call tree started at F (callTree.ts with `roots`: the first level is again the edge's
 *   record, deeper down apportioned). Apportioned frames are marked `estimated` (hatched).
 *
 * Callers are never folded (as in the Callers tab: an entry point is a caller like any other);
 * callees fold library frames into their callers when asked, as the Flame tab does.
 *
 * Linear in the total length of the stacks (sampled), or in the frames drawn (cProfile):
 * everything is iterative, a chain 100,000 calls deep included.
 */
import { CallersTree, type CallerNode } from './callers';
import { CallTree } from './callTree';
import { ChildrenByFunction } from './childrenByFunction';
import { addCallTreeFrames, sumTotals } from './flameFromCallTree';
import { CALL_TREE_MIN_SHARE, newNode, sortChildren, type FlameGraph, type FlameNode } from './flameGraph';
import { isShownWhenFolding } from './libraryFolding';
import type { SampledStack } from './profileFormat';
import type { ProfileModel } from './profileModel';

export interface Sandwich {
  /** The chosen function. */
  readonly fn: number;
  /** F at the root, its callers as children, up to the entry points (drawn growing up). */
  readonly callers: FlameGraph;
  /** F at the root, what it calls as children, its own time as an 'own' frame (drawn growing down). */
  readonly callees: FlameGraph;
  /** Seconds with F on the stack (each path once): both roots' width. */
  readonly total: number;
  /** Seconds running F's own code (library frames it calls folded in when folding). */
  readonly own: number;
  /** Sampled: samples with F on the stack; cProfile: F's total calls. */
  readonly count: number;
  /** True when built from stacks: nothing in either half is an estimate. */
  readonly exact: boolean;
}

export interface SandwichOptions {
  /** Fold library frames among the callees into the app frames above them (as the Flame tab). */
  foldLibraries: boolean;
}

/** The sandwich of fn from a sampled profile's stacks: both halves exact. */
export function sandwichFromStacks(model: ProfileModel, stacks: readonly SampledStack[], fn: number, options: Partial<SandwichOptions> = {}): Sandwich {
  const fold = options.foldLibraries === true;
  const callers = newNode(fn, 'function', null, false);
  const callees = newNode(fn, 'function', null, false);
  const callerChildren = new ChildrenByFunction<FlameNode>();
  const calleeChildren = new ChildrenByFunction<FlameNode>();
  const childOf = (children: ChildrenByFunction<FlameNode>, parent: FlameNode, child: number, kind: FlameNode['kind']): FlameNode =>
    children.find(parent, child) ?? children.add(parent, newNode(child, kind, parent, false));
  let callersHeight = 0;
  let calleesHeight = 0;
  let ownSamples = 0;
  for (const [frames, , awaiting, wall, , samples] of stacks) {
    const outermost = frames.indexOf(fn);
    if (outermost < 0) continue;
    let node = callers;
    addTime(node, wall, samples);
    for (let at = outermost - 1; at >= 0; at--) addTime((node = childOf(callerChildren, node, frames[at], 'function')), wall, samples);
    node.self += wall;
    if (node.depth > callersHeight) callersHeight = node.depth;
    node = callees;
    addTime(node, wall, samples);
    for (let at = outermost + 1; at < frames.length; at++) {
      if (fold && !isShownWhenFolding(model, frames[at])) continue;
      addTime((node = childOf(calleeChildren, node, frames[at], 'function')), wall, samples);
    }
    if (awaiting) addTime((node = childOf(calleeChildren, node, -1, 'awaiting')), wall, samples);
    node.self += wall;
    if (node === callees) ownSamples += samples;
    if (node.depth > calleesHeight) calleesHeight = node.depth;
  }
  addOwnFrame(callees, ownSamples, false);
  if (callees.children.length > 0 && calleesHeight === 0) calleesHeight = 1;
  sortChildren(callers);
  sortChildren(callees);
  return {
    fn,
    callers: { root: callers, exact: true, height: callersHeight },
    callees: { root: callees, exact: true, height: calleesHeight },
    total: callers.total,
    own: callees.self,
    count: callers.samples,
    exact: true,
  };
}

/**
 * The sandwich of fn from cProfile's caller→callee pairs (see the top of this file). Frames under
 * minShare of F's total are left out, their time a gap in their parent's width (at 1e-4 that is
 * under a pixel of any view).
 */
export function sandwichFromPairs(model: ProfileModel, fn: number, options: Partial<SandwichOptions> = {}, minShare = CALL_TREE_MIN_SHARE): Sandwich {
  const info = model.functions[fn];
  const cut = info.ct * minShare;
  const callers = callersFromPairs(new CallersTree(model, fn), cut);
  const tree = new CallTree(model, { foldLibraries: options.foldLibraries === true, threshold: 0, roots: [fn] });
  const [top] = tree.roots();
  const callees = newNode(fn, 'function', null, false);
  callees.total = top.total;
  callees.self = top.own;
  // F's first callees are the edges' own records when nothing was folded or scaled on the way.
  const edgeTime = new Map<number, number>();
  for (const e of model.calleesOf[fn]) edgeTime.set(model.edges[e].callee, model.edges[e].ct);
  const recorded = (node: { fn: number; total: number; recursive: boolean }) => !node.recursive && sameTime(edgeTime.get(node.fn), node.total);
  const below = top.hasChildren ? tree.children(top.id) : [];
  let calleesHeight = addCallTreeFrames(tree, below, callees, cut, recorded);
  // Own time is F's recorded tt unless recursion had it scaled or folding added library time.
  addOwnFrame(callees, 0, !sameTime(info.tt, top.own));
  if (callees.children.length > 0 && calleesHeight === 0) calleesHeight = 1;
  sortChildren(callees);
  return {
    fn,
    callers,
    callees: { root: callees, exact: false, height: calleesHeight },
    total: info.ct,
    own: callees.self,
    count: info.nc,
    exact: false,
  };
}

/** The Callers tab's tree as frames, down to cut seconds, depth first without recursion. */
function callersFromPairs(tree: CallersTree, cut: number): FlameGraph {
  const top = tree.root();
  const root = newNode(top.fn, 'function', null, false);
  root.total = top.time;
  let height = 0;
  const pending: [CallerNode, FlameNode][] = [[top, root]];
  while (pending.length > 0) {
    const [node, frame] = pending.pop()!;
    if (node.hasCallers) {
      for (const caller of tree.callers(node.id)) {
        if (caller.time < cut) continue;
        const above = newNode(caller.fn, 'function', frame, !caller.exact);
        above.total = caller.time;
        frame.children.push(above);
        if (above.depth > height) height = above.depth;
        pending.push([caller, above]);
      }
    }
    // Where the chain starts (an entry point, a recursive caller) or callers were too small to draw.
    frame.self = Math.max(0, frame.total - sumTotals(frame.children));
  }
  // CallersTree gives each node's callers heaviest first already.
  return { root, exact: false, height };
}

/** Equal but for float rounding (sums of the same records differ by ~1e-16). */
function sameTime(recorded: number | undefined, time: number): boolean {
  return recorded !== undefined && Math.abs(recorded - time) <= 1e-9 * Math.max(Math.abs(time), 1e-9);
}

function addTime(node: FlameNode, seconds: number, samples: number): void {
  node.total += seconds;
  node.samples += samples;
}

/** F's own time as a frame beside its callees (the root keeps it as its self too, for the header). */
function addOwnFrame(root: FlameNode, samples: number, estimated: boolean): void {
  if (root.self <= 0) return;
  const own = newNode(root.fn, 'own', root, estimated);
  own.total = own.self = root.self;
  own.samples = samples;
  root.children.push(own);
}
