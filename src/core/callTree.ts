/**
 * The top-down call tree of a request, built lazily from cProfile's caller→callee pairs.
 *
 * A node is a function reached along a path from a root; its id is that path of function
 * indices ("3/17/42"), so expansion state survives rebuilding the tree (after a reload, or
 * when the threshold changes). Children are computed only when asked for, so a profile of
 * 20,000 functions costs only what the user opens. There is no depth limit: a function
 * already on its path is shown as a recursive leaf that never expands, which is what ends
 * every branch.
 *
 * Times are estimates wherever a function has several callers, because cProfile keeps no
 * call paths. A node standing for total T of function F (cumulative time F.ct) runs at
 * share s = T / F.ct; its own time is F.tt × s and each child gets edge.ct × s. A node is
 * exact when every function on its path had a single caller.
 *
 * Recursion makes the raw numbers overlap: F.tt and F→G add up over every level of F's
 * recursion, and the recursive child (F→F) holds the deeper levels again. So a node's
 * recursive children keep their edge time (capped at the node's total), and its own time
 * and other children are scaled down together to fit what is left. With a uniform
 * recursion this gives exactly one level's worth (see callTreeRecursion.test.ts). In the
 * end own time plus children never exceed the node's total.
 */
import { foldedSplit } from './libraryFolding';
import type { ProfileModel } from './profileModel';
import { directSplit, type TimeSplit } from './timeSplit';

export interface CallTreeOptions {
  /** Hide standard-library, site-packages and built-in frames (see libraryFolding.ts). */
  foldLibraries: boolean;
  /** Siblings under this fraction of the request are grouped into one "other" node; 0 turns it off. */
  threshold: number;
}

export const DEFAULT_CALL_TREE_OPTIONS: CallTreeOptions = { foldLibraries: false, threshold: 0.005 };

interface NodeBase {
  id: string;
  parentId: string | null;
  /** 0 for roots. */
  depth: number;
  /** Estimated seconds in this node and below it. */
  total: number;
  /** Estimated seconds in the function's own code at this node (0 for recursive leaves). */
  own: number;
  /** Primitive and total calls on the caller→callee edge (the function's own counts for roots). */
  cc: number;
  nc: number;
  /** total / the request's profiled time. */
  fraction: number;
}

export interface FunctionNode extends NodeBase {
  kind: 'function';
  fn: number;
  /** True when every function on the path had one caller, so no time had to be apportioned. */
  exact: boolean;
  /** The function is already on its path: a recursive call, shown but never expanded. */
  recursive: boolean;
  hasChildren: boolean;
}

/** Siblings under the threshold, grouped: "other (N functions)". */
export interface OtherNode extends NodeBase {
  kind: 'other';
  functions: number[];
}

export type CallTreeNode = FunctionNode | OtherNode;

export interface VisibleRow {
  node: CallTreeNode;
  expanded: boolean;
}

/** Relative slack before numbers count as overlapping: float sums of exact data differ by ~1e-16. */
const OVERLAP_TOLERANCE = 1e-9;

interface Entry {
  node: FunctionNode;
  parent: Entry | null;
  /** The share of the function's recorded time this node stands for. */
  share: number;
  /** Scales applied to the raw split of recursive callees and of everything else. */
  recursiveScale: number;
  restScale: number;
  children?: FunctionNode[];
}

export function otherNodeId(parentId: string | null): string {
  return parentId === null ? 'other' : `${parentId}/other`;
}

/** The function indices of a function node's id, root first. */
export function functionPath(id: string): number[] {
  return id === '' ? [] : id.split('/').map(Number);
}

export class CallTree {
  readonly options: CallTreeOptions;
  private readonly splits = new Map<number, TimeSplit>();
  private readonly entries = new Map<string, Entry>();
  private rootNodes?: FunctionNode[];

  constructor(
    readonly model: ProfileModel,
    options: Partial<CallTreeOptions> = {},
  ) {
    this.options = { ...DEFAULT_CALL_TREE_OPTIONS, ...options };
  }

  /** Every root, costliest first (not grouped by the threshold). */
  roots(): FunctionNode[] {
    if (!this.rootNodes) {
      const none = new Set<number>();
      this.rootNodes = this.model.roots.map((fn) => {
        const info = this.model.functions[fn];
        return this.addEntry(null, none, fn, info.ct, info.cc, info.nc, true).node;
      });
      sortNodes(this.rootNodes);
    }
    return this.rootNodes;
  }

  /** Every child of a function node, costliest first (not grouped); [] for leaves and unknown ids. */
  children(id: string): FunctionNode[] {
    const entry = this.entry(id);
    if (!entry) return [];
    if (!entry.children) entry.children = this.computeChildren(entry);
    return entry.children;
  }

  /** A node by id, computing the nodes on its path if needed; undefined if no such path exists. */
  node(id: string): CallTreeNode | undefined {
    if (id === 'other' || id.endsWith('/other')) {
      const parentId = id === 'other' ? null : id.slice(0, -'/other'.length);
      return this.shownChildren(parentId).find((n) => n.id === id);
    }
    return this.entry(id)?.node;
  }

  /** The ids of a node's ancestors, root first: what to expand to reveal it. */
  ancestorIds(id: string): string[] {
    const parts = id.split('/');
    return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
  }

  /**
   * The children as the view shows them (the roots when parentId is null): siblings under the
   * threshold grouped into one "other" node, except those in keep (a revealed search match,
   * the hot path). A single small sibling stays as it is: "other (1 function)" hides nothing.
   */
  shownChildren(parentId: string | null, keep: ReadonlySet<string> = new Set()): CallTreeNode[] {
    const all = parentId === null ? this.roots() : this.children(parentId);
    const limit = this.options.threshold * this.model.totalTime;
    if (!(limit > 0)) return all;
    const small = all.filter((n) => n.total < limit && !keep.has(n.id));
    if (small.length < 2) return all;
    const other: OtherNode = {
      kind: 'other',
      id: otherNodeId(parentId),
      parentId,
      depth: parentId === null ? 0 : functionPath(parentId).length,
      functions: small.map((n) => n.fn),
      total: sum(small, (n) => n.total),
      own: sum(small, (n) => n.own),
      cc: sum(small, (n) => n.cc),
      nc: sum(small, (n) => n.nc),
      fraction: sum(small, (n) => n.fraction),
    };
    const smallIds = new Set(small.map((n) => n.id));
    return [...all.filter((n) => !smallIds.has(n.id)), other];
  }

  /** The rows on screen, in order: roots, and the children of every expanded node, depth first. */
  visibleRows(expanded: ReadonlySet<string>, keep: ReadonlySet<string> = new Set()): VisibleRow[] {
    const rows: VisibleRow[] = [];
    // An explicit stack: with no depth limit a tree can be deeper than the JS call stack.
    const stack: CallTreeNode[] = this.shownChildren(null, keep).slice().reverse();
    while (stack.length) {
      const node = stack.pop()!;
      const open = node.kind === 'function' && node.hasChildren && expanded.has(node.id);
      rows.push({ node, expanded: open });
      if (open) {
        const children = this.shownChildren(node.id, keep);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      }
    }
    return rows;
  }

  private entry(id: string): Entry | undefined {
    const known = this.entries.get(id);
    if (known) return known;
    // Not computed yet: compute the path down to it (restoring a saved expansion state).
    this.roots();
    const parts = id.split('/');
    let entry = this.entries.get(parts[0]);
    for (let i = 1; entry && i < parts.length; i++) {
      this.children(entry.node.id);
      entry = this.entries.get(`${entry.node.id}/${parts[i]}`);
    }
    return entry;
  }

  private split(fn: number): TimeSplit {
    let split = this.splits.get(fn);
    if (!split) {
      split = this.options.foldLibraries ? foldedSplit(this.model, fn) : directSplit(this.model, fn);
      this.splits.set(fn, split);
    }
    return split;
  }

  private computeChildren(parent: Entry): FunctionNode[] {
    if (parent.node.recursive) return [];
    const onPath = new Set<number>();
    for (let e: Entry | null = parent; e; e = e.parent) onPath.add(e.node.fn);
    const children = this.split(parent.node.fn).callees.map((callee) => {
      const recursive = onPath.has(callee.fn);
      const scale = recursive ? parent.recursiveScale : parent.restScale;
      const exact = parent.node.exact && callee.singleCaller && !recursive && scale >= 1 - OVERLAP_TOLERANCE;
      const total = callee.time * parent.share * scale;
      return this.addEntry(parent, onPath, callee.fn, total, callee.cc, callee.nc, exact).node;
    });
    return sortNodes(children);
  }

  /** Creates a node and works out how its own time and children fit in its total. */
  private addEntry(parent: Entry | null, parentPath: ReadonlySet<number>, fn: number, total: number, cc: number, nc: number, exact: boolean): Entry {
    const id = parent ? `${parent.node.id}/${fn}` : String(fn);
    const recursive = parentPath.has(fn);
    const info = this.model.functions[fn];
    const share = info.ct > 0 ? Math.min(1, total / info.ct) : 0;
    let recursiveScale = 1;
    let restScale = 1;
    let own = 0;
    let hasChildren = false;
    if (!recursive) {
      const split = this.split(fn);
      hasChildren = split.callees.length > 0;
      let recursiveRaw = 0;
      let restRaw = split.own * share;
      for (const callee of split.callees) {
        if (callee.fn === fn || parentPath.has(callee.fn)) recursiveRaw += callee.time * share;
        else restRaw += callee.time * share;
      }
      if (recursiveRaw > total * (1 + OVERLAP_TOLERANCE)) recursiveScale = total / recursiveRaw;
      const budget = Math.max(0, total - recursiveRaw * recursiveScale);
      if (restRaw > budget * (1 + OVERLAP_TOLERANCE)) restScale = budget / restRaw;
      own = split.own * share * restScale;
    }
    const totalTime = this.model.totalTime;
    const node: FunctionNode = {
      kind: 'function',
      id,
      parentId: parent ? parent.node.id : null,
      depth: parent ? parent.node.depth + 1 : 0,
      fn,
      total,
      own,
      cc,
      nc,
      fraction: totalTime > 0 ? total / totalTime : 0,
      exact,
      recursive,
      hasChildren,
    };
    const entry: Entry = { node, parent, share, recursiveScale, restScale };
    this.entries.set(id, entry);
    return entry;
  }
}

function sortNodes(nodes: FunctionNode[]): FunctionNode[] {
  return nodes.sort((a, b) => b.total - a.total || a.fn - b.fn);
}

function sum<T>(items: T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
