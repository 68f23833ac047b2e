/**
 * Comparing two requests' call trees node by node: the diff view's Call tree and Flame tabs.
 *
 * Each request's paths are its flame graph (src/core/flameGraph.ts): a sampled profile's
 * measured stacks, or a cProfile profile's call tree with its estimates. Two nodes match when
 * their paths from the root are the same functions, a function being its (file, line, name) as
 * compareProfiles.ts pairs functions across profiles (indices differ between two profiles). A
 * path only in B is new, one only in A vanished; below a new or vanished node everything is.
 *
 * A cProfile profile's flame graph leaves out paths under CALL_TREE_MIN_SHARE of the request,
 * so a path that small on one side would read as new or vanished. Where the other side's call
 * tree has that path (its parent calls the function), the node takes that side's time from the
 * call tree instead: it is in both.
 *
 * Linear in the two trees' sizes: each matched pair indexes its B children by identity once and
 * looks each A child up; a call tree node is found from its parent's, once. Iterative, like the
 * trees themselves (paths can be 100,000 calls deep).
 *
 * The result is flat (nodes by index, children and parent as indices): plain data that goes to
 * the page as it is, and from which the page builds B's flame graph (differentialFlame).
 */
import { CallTree } from './callTree';
import type { CompareMode, ComparedProfile } from './compareProfiles';
import { flameFromCallTree } from './flameFromCallTree';
import { flameFromStacks, type FlameGraph, type FlameNode } from './flameGraph';
import { isSampled } from './profileFormat';
import { buildProfileModel, type FunctionInfo, type ProfileModel } from './profileModel';

export interface NodeTimes {
  /** Seconds in the frame and below it, and in its own code. */
  total: number;
  self: number;
}

export interface TreeDifference {
  /** Where it is in TreeComparison.nodes; nodes[0] is the root (the whole request). */
  readonly index: number;
  /** -1 for the root. */
  readonly parent: number;
  readonly children: number[];
  readonly depth: number;
  readonly kind: FlameNode['kind'];
  /** The function's index in A and in B (null where the node is absent, or not a function). */
  readonly fnA: number | null;
  readonly fnB: number | null;
  readonly name: string;
  readonly file: string;
  readonly line: number;
  readonly a: NodeTimes | null;
  readonly b: NodeTimes | null;
  readonly status: 'both' | 'new' | 'vanished';
  /** B − A in seconds, and in shares (fractions) of each request's total. */
  readonly totalChange: number;
  readonly selfChange: number;
  readonly totalShareChange: number;
  readonly selfShareChange: number;
  /** Either side's time was apportioned from cProfile's caller→callee pairs (not measured paths). */
  readonly estimated: boolean;
}

export interface TreeComparison {
  readonly nodes: TreeDifference[];
  readonly totalA: number;
  readonly totalB: number;
  /** True when both sides are measured stacks (no node is an estimate). */
  readonly exact: boolean;
}

export interface ComparedTree {
  model: ProfileModel;
  graph: FlameGraph;
  /** The call tree the graph was read from (cProfile), for the paths its graph left out. */
  tree?: CallTree;
}

/** A request's paths: its sampled stacks, else its call tree (every node: threshold 0). */
export function flameOfProfile(side: ComparedProfile): ComparedTree {
  const model = buildProfileModel(side.profile, side.paths);
  const profile = side.profile;
  if (isSampled(profile)) return { model, graph: flameFromStacks(model, profile.stacks) };
  const tree = new CallTree(model, { threshold: 0 });
  return { model, graph: flameFromCallTree(tree), tree };
}

export function compareProfileTrees(a: ComparedProfile, b: ComparedProfile): TreeComparison {
  return compareTrees(flameOfProfile(a), flameOfProfile(b));
}

const NO_TIMES: NodeTimes = { total: 0, self: 0 };

/** A function across profiles: its (file, line, name), as compareProfiles pairs them. */
function functionKey(fn: FunctionInfo): string {
  return `${fn.file}\0${fn.line}\0${fn.name}`;
}

/** A frame's identity among its siblings: its function's key, or its kind. */
function identity(model: ProfileModel, node: FlameNode): string {
  return node.kind === 'function' ? functionKey(model.functions[node.fn]) : node.kind;
}

export function compareTrees(a: ComparedTree, b: ComparedTree): TreeComparison {
  const totalA = a.graph.root.total;
  const totalB = b.graph.root.total;
  const shareA = (seconds: number) => (totalA > 0 ? seconds / totalA : 0);
  const shareB = (seconds: number) => (totalB > 0 ? seconds / totalB : 0);
  const nodes: TreeDifference[] = [];
  const add = (x: FlameNode | null, y: FlameNode | null, parent: number): number => {
    const shown = (y ?? x)!;
    const info = shown.kind === 'function' ? (y ? b.model : a.model).functions[shown.fn] : undefined;
    const ta = x ? { total: x.total, self: x.self } : null;
    const tb = y ? { total: y.total, self: y.self } : null;
    const p = ta ?? NO_TIMES;
    const q = tb ?? NO_TIMES;
    const index = nodes.length;
    nodes.push({
      index,
      parent,
      children: [],
      depth: parent < 0 ? 0 : nodes[parent].depth + 1,
      kind: shown.kind,
      fnA: x && x.kind === 'function' ? x.fn : null,
      fnB: y && y.kind === 'function' ? y.fn : null,
      name: info ? info.displayName : shown.kind === 'root' ? 'all' : 'awaiting',
      file: info?.file ?? '',
      line: info?.line ?? 0,
      a: ta,
      b: tb,
      status: x && y ? 'both' : y ? 'new' : 'vanished',
      totalChange: q.total - p.total,
      selfChange: q.self - p.self,
      totalShareChange: (tb ? shareB(tb.total) : 0) - (ta ? shareA(ta.total) : 0),
      selfShareChange: (tb ? shareB(tb.self) : 0) - (ta ? shareA(ta.self) : 0),
      estimated: (x?.estimated ?? false) || (y?.estimated ?? false),
    });
    if (parent >= 0) nodes[parent].children.push(index);
    return index;
  };
  const leftOutOfA = leftOutFinder(a, b);
  const leftOutOfB = leftOutFinder(b, a);
  // Pairs to match the children of, with the index of their node; one side may be absent.
  const pending: [FlameNode | null, FlameNode | null, number][] = [[a.graph.root, b.graph.root, add(a.graph.root, b.graph.root, -1)]];
  while (pending.length > 0) {
    const [x, y, index] = pending.pop()!;
    // B's children in B's order (heaviest first), then the vanished ones in A's order.
    const unmatched = new Map<string, FlameNode[]>();
    for (const child of x?.children ?? []) {
      const key = identity(a.model, child);
      const same = unmatched.get(key);
      if (same) same.push(child);
      else unmatched.set(key, [child]);
    }
    const matched = new Set<FlameNode>();
    const pairs: [FlameNode | null, FlameNode | null][] = [];
    for (const child of y?.children ?? []) {
      const same = unmatched.get(identity(b.model, child))?.shift() ?? null;
      if (same) matched.add(same);
      pairs.push([same ?? (x && leftOutOfA(x, child)), child]);
    }
    for (const child of x?.children ?? []) if (!matched.has(child)) pairs.push([child, y && leftOutOfB(y, child)]);
    // Indices are given in this order, so each node's children list is in it too.
    for (const [cx, cy] of pairs) pending.push([cx, cy, add(cx, cy, index)]);
  }
  return { nodes, totalA, totalB, exact: a.graph.exact && b.graph.exact };
}

/**
 * Finds, for a frame of the other side with no match under `parent` (a frame of this side), the
 * node of this side's call tree on the same path, which its flame graph left out as too small:
 * a frame made from it (no children: they are looked up in turn), or null when this side has no
 * such path (it is new or vanished) or no call tree (sampled stacks leave nothing out).
 */
function leftOutFinder(side: ComparedTree, other: ComparedTree): (parent: FlameNode, child: FlameNode) => FlameNode | null {
  const tree = side.tree;
  if (!tree) return () => null;
  let indexOf: Map<string, number> | undefined;
  // Each frame's call tree node id (null for the root), found from its parent's once; '' for none.
  const ids = new Map<FlameNode, string | null>();
  const idOf = (frame: FlameNode): string | null => {
    const chain: FlameNode[] = [];
    let at: FlameNode | null = frame;
    while (at && at.kind === 'function' && !ids.has(at)) {
      chain.push(at);
      at = at.parent;
    }
    let id: string | null = at && at.kind === 'function' ? ids.get(at)! : null;
    for (let i = chain.length - 1; i >= 0; i--) {
      id = id === '' ? '' : (tree.child(id, chain[i].fn)?.id ?? '');
      ids.set(chain[i], id);
    }
    return id;
  };
  return (parent, child) => {
    if (child.kind !== 'function' || parent.kind === 'awaiting') return null;
    if (!indexOf) indexOf = new Map(side.model.functions.map((fn) => [functionKey(fn), fn.index]));
    const fn = indexOf.get(identity(other.model, child));
    const parentId = idOf(parent);
    if (fn === undefined || parentId === '') return null;
    const node = tree.child(parentId, fn);
    if (!node) return null;
    const frame: FlameNode = {
      fn,
      kind: 'function',
      total: node.total,
      self: node.own,
      samples: 0,
      estimated: !node.exact,
      parent,
      depth: parent.depth + 1,
      children: [],
    };
    ids.set(frame, node.id);
    return frame;
  };
}

/** Below this a change is float noise (a nanosecond, or a millionth of a share). */
export const CHANGE_NOISE = 1e-9;

/** The change the mode looks at: seconds of total time, or points of share of the request. */
export function totalChangeIn(node: TreeDifference, mode: CompareMode): number {
  return mode === 'absolute' ? node.totalChange : node.totalShareChange;
}

export function selfChangeIn(node: TreeDifference, mode: CompareMode): number {
  return mode === 'absolute' ? node.selfChange : node.selfShareChange;
}

/**
 * The path that explains most of the difference, root first (the root included): from the
 * root, down to the child whose change is largest, as long as that child holds at least half
 * of its parent's change (in the same direction), or is its parent's only child (a lone entry
 * point carries all of a request: in shares its change is always 0). Where the change spreads
 * over many children, the path stops there: no single child explains it.
 */
export function explainingPath(comparison: TreeComparison, mode: CompareMode): number[] {
  const { nodes } = comparison;
  const path = [0];
  for (let node = nodes[0]; node.children.length > 0;) {
    let best = nodes[node.children[0]];
    for (const i of node.children) if (Math.abs(totalChangeIn(nodes[i], mode)) > Math.abs(totalChangeIn(best, mode))) best = nodes[i];
    if (node.children.length > 1) {
      const change = totalChangeIn(node, mode);
      const part = totalChangeIn(best, mode);
      if (Math.abs(part) <= CHANGE_NOISE || Math.abs(part) < Math.abs(change) / 2) break;
      if (Math.abs(change) > CHANGE_NOISE && Math.sign(part) !== Math.sign(change)) break;
    }
    path.push(best.index);
    node = best;
  }
  return path;
}

/** B's flame graph rebuilt from a comparison (vanished nodes left out), with each frame's node. */
export interface DifferentialFlame {
  readonly graph: FlameGraph;
  differenceOf(frame: FlameNode): TreeDifference;
  /** Nodes of A with no frame in B, each the top of what vanished (not their descendants). */
  readonly vanished: TreeDifference[];
}

/** The frames of B (width by B's time), each tied to its node of the comparison for colour and tooltip. */
export function differentialFlame(comparison: TreeComparison): DifferentialFlame {
  const { nodes } = comparison;
  const byFrame = new Map<FlameNode, TreeDifference>();
  const vanished: TreeDifference[] = [];
  const frame = (node: TreeDifference, parent: FlameNode | null): FlameNode => {
    const made: FlameNode = {
      fn: node.fnB ?? -1,
      kind: node.kind,
      total: node.b?.total ?? 0,
      self: node.b?.self ?? 0,
      samples: 0,
      estimated: node.estimated,
      parent,
      depth: node.depth,
      children: [],
    };
    byFrame.set(made, node);
    return made;
  };
  const root = frame(nodes[0], null);
  let height = 0;
  const pending: [TreeDifference, FlameNode][] = [[nodes[0], root]];
  while (pending.length > 0) {
    const [node, made] = pending.pop()!;
    for (const i of node.children) {
      const child = nodes[i];
      if (!child.b) {
        vanished.push(child);
        continue;
      }
      const childFrame = frame(child, made);
      made.children.push(childFrame);
      if (childFrame.depth > height) height = childFrame.depth;
      pending.push([child, childFrame]);
    }
  }
  vanished.sort((x, y) => (y.a?.total ?? 0) - (x.a?.total ?? 0));
  return {
    graph: { root, exact: comparison.exact, height },
    differenceOf: (f) => byFrame.get(f) ?? nodes[0],
    vanished,
  };
}

/**
 * A frame's colour in the differential flame graph: hue red for slower, blue-green for faster,
 * saturation by how much its own time changed next to the largest change of any frame. Returns
 * [hue, saturation, lightness] in 0..1; grey when unchanged.
 */
export function changeColour(node: TreeDifference, largest: number, mode: CompareMode): [number, number, number] {
  const change = selfChangeIn(node, mode);
  if (Math.abs(change) <= CHANGE_NOISE || !(largest > 0)) return [0, 0, 0.62];
  const strength = Math.min(1, Math.abs(change) / largest);
  return change > 0 ? [0, 0.25 + 0.6 * strength, 0.7 - 0.2 * strength] : [0.48, 0.25 + 0.6 * strength, 0.7 - 0.2 * strength];
}

/** The largest own-time change of any node in B (what the strongest colour stands for). */
export function largestSelfChange(comparison: TreeComparison, mode: CompareMode): number {
  let most = 0;
  for (const node of comparison.nodes) if (node.b && node.kind !== 'root') most = Math.max(most, Math.abs(selfChangeIn(node, mode)));
  return most;
}
