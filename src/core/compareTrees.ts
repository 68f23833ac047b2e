/**
 * Comparing two requests' call trees node by node: the diff view's Call tree and Flame tabs.
 *
 * Each request's paths are its flame graph (src/core/flameGraph.ts): a sampled profile's
 * measured stacks, or a cProfile profile's call tree with its estimates. Two nodes match when
 * their paths from the root are the same functions, a function being its (file, line, name) as
 * compareProfiles.ts pairs functions across profiles (indices differ between two profiles). A
 * path only in B is new, one only in A vanished; below a new or vanished node everything is.
 *
 * Linear in the two trees' sizes: each matched pair indexes its B children by identity once and
 * looks each A child up. Iterative, like the trees themselves (paths can be 100,000 calls deep).
 *
 * The result is flat (nodes by index, children and parent as indices): plain data that goes to
 * the page as it is, and from which the page builds B's flame graph (differentialFlame).
 */
import { CallTree } from './callTree';
import type { CompareMode, ComparedProfile } from './compareProfiles';
import { flameFromCallTree, flameFromStacks, type FlameGraph, type FlameNode } from './flameGraph';
import { isSampled } from './profileFormat';
import { buildProfileModel, type ProfileModel } from './profileModel';

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
}

/** A request's paths: its sampled stacks, else its call tree (every node: threshold 0). */
export function flameOfProfile(side: ComparedProfile): ComparedTree {
  const model = buildProfileModel(side.profile, side.paths);
  const profile = side.profile;
  const graph = isSampled(profile) ? flameFromStacks(model, profile.stacks) : flameFromCallTree(new CallTree(model, { threshold: 0 }));
  return { model, graph };
}

export function compareProfileTrees(a: ComparedProfile, b: ComparedProfile): TreeComparison {
  return compareTrees(flameOfProfile(a), flameOfProfile(b));
}

const NO_TIMES: NodeTimes = { total: 0, self: 0 };

/** A frame's identity among its siblings: its function's (file, line, name), or its kind. */
function identity(model: ProfileModel, node: FlameNode): string {
  if (node.kind !== 'function') return node.kind;
  const fn = model.functions[node.fn];
  return `${fn.file}\0${fn.line}\0${fn.name}`;
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
      pairs.push([same, child]);
    }
    for (const child of x?.children ?? []) if (!matched.has(child)) pairs.push([child, null]);
    // Indices are given in this order, so each node's children list is in it too.
    for (const [cx, cy] of pairs) pending.push([cx, cy, add(cx, cy, index)]);
  }
  return { nodes, totalA, totalB, exact: a.graph.exact && b.graph.exact };
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
