/**
 * The top-down call tree of a request, built lazily from cProfile's caller→callee pairs.
 *
 * A node is a function reached along a path from a root; its id is that path of function
 * indices ("3/17/42"), or deeper down a short id naming its parent (treePaths.ts), so that
 * nothing costs more than linear time in the depth. Children are computed only when asked
 * for, so a profile of 20,000 functions costs only what the user opens. There is no depth
 * limit: a function already on its path is shown as a recursive leaf that never expands,
 * which is what ends every branch. Everything here works without recursion: a chain of
 * 100,000 calls is deeper than the JavaScript call stack.
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
 *
 * With library folding the same rules apply to the split computed in libraryFolding.ts:
 * a node's children are the app functions it reaches through hidden frames, and its own
 * time includes the hidden frames' time that leads to no app code.
 *
 * A sampled profile's tree is built from its stacks instead (pass them to the constructor),
 * and nothing in it is an estimate: a node is a path of functions from a root as the samples
 * recorded it, its total the wall time of the stacks through that path, its own time that of
 * the running stacks ending there, cc = nc its number of samples. It is the flame graph's
 * trie (flameFromStacks, with the same folding rule), so the two views always agree: a
 * function that recurs is a node again at each level (a path, not a recursive leaf), and an
 * asyncio request's time waiting at an await is an "awaiting" row under the frame that waited,
 * never that function's own time. Building it is linear in the total length of the stacks.
 */
import { flameFromStacks, functionPath, sharedFlameFromStacks, type FlameGraph, type FlameNode } from './flameGraph';
import { LibraryFolder, isShownWhenFolding } from './libraryFolding';
import type { SampledStack } from './profileFormat';
import type { ProfileModel } from './profileModel';
import { directSplit, type TimeSplit } from './timeSplit';
import { PathMarks, childNodeId, type PathNode } from './treePaths';

export interface CallTreeOptions {
  /** Hide standard-library, site-packages and built-in frames (see libraryFolding.ts). */
  foldLibraries: boolean;
  /** Siblings under this fraction of the request are grouped into one "other" node; 0 turns it off. */
  threshold: number;
  /**
   * cProfile pairs only: start the tree at these functions, each with its whole cumulative time,
   * instead of the request's entry points (a sandwich's callees: everything one function calls).
   */
  roots?: readonly number[];
}

export const DEFAULT_CALL_TREE_OPTIONS: CallTreeOptions = { foldLibraries: false, threshold: 0.005 };

/** For the view's legend or a tooltip on nodes that are not exact. */
export const ESTIMATE_NOTE =
  'cProfile records how long each function spent when called from each caller, not whole call paths. ' +
  'Where a function has several callers, its time below each one is split in proportion to those records: an estimate.';

interface NodeBase {
  readonly id: string;
  readonly parentId: string | null;
  /** 0 for roots. */
  readonly depth: number;
  /** Estimated seconds in this node and below it. */
  readonly total: number;
  /** Estimated seconds in the function's own code at this node (0 for recursive leaves). */
  readonly own: number;
  /** Primitive and total calls on the caller→callee edge (the function's own counts for roots). */
  readonly cc: number;
  readonly nc: number;
  /** total / the request's profiled time. */
  readonly fraction: number;
}

export interface FunctionNode extends NodeBase {
  readonly kind: 'function';
  readonly fn: number;
  /** True when every function on the path had one caller, so no time had to be apportioned. */
  readonly exact: boolean;
  /** The function is already on its path: a recursive call, shown but never expanded. */
  readonly recursive: boolean;
  readonly hasChildren: boolean;
  /**
   * The node as plain data. own and hasChildren are computed when first read, so copying
   * a node with {...node} or structuredClone leaves them out: copy with this instead
   * (JSON.stringify and postMessage of JSON use it).
   */
  toJSON(): PlainFunctionNode;
}

export type PlainFunctionNode = Omit<FunctionNode, 'toJSON'>;

/** Siblings under the threshold, grouped: "other (N functions)". */
export interface OtherNode extends NodeBase {
  readonly kind: 'other';
  readonly functions: number[];
}

/**
 * Sampled profiles only: the time an asyncio request spent suspended at an await of its
 * parent's frame (at the roots: awaiting outside any frame of its own). Its total is all own
 * time; it has no children.
 */
export interface AwaitingNode extends NodeBase {
  readonly kind: 'awaiting';
}

export type CallTreeNode = FunctionNode | OtherNode | AwaitingNode;

/** For the view's legend and the awaiting rows' tooltip. */
export const AWAITING_NOTE =
  'The request was suspended at an await of the frame above (asyncio): waiting, not running its own code. ' +
  'Work handed to other threads shows here too, at the await that waits for it.';

export interface VisibleRow {
  node: CallTreeNode;
  expanded: boolean;
}

/** Relative slack before numbers count as overlapping: float sums of exact data differ by ~1e-16. */
const OVERLAP_TOLERANCE = 1e-9;

/**
 * How a node's own time and children fit in its total: worked out when first needed (reading
 * own time, hasChildren, or expanding), kept in the node itself.
 */
interface Layout {
  readonly ownTime: number;
  readonly childrenExist: boolean;
  /** Scales applied to the raw split of recursive callees and of everything else. */
  readonly scales: Scales;
  /**
   * Worked out without the function's folded callees (costly to find): own time and
   * hasChildren are final, the scales assume no recursion. Replaced when the node is
   * expanded; only recursion through hidden frames then changes the own time shown.
   */
  readonly provisional: boolean;
}

interface Scales {
  readonly recursive: number;
  readonly rest: number;
}

/** The scales of every node whose recursive callees and own time fit as recorded. */
const UNSCALED: Scales = { recursive: 1, rest: 1 };

export function otherNodeId(parentId: string | null): string {
  return parentId === null ? 'other' : `${parentId}/other`;
}

export function awaitingNodeId(parentId: string | null): string {
  return parentId === null ? 'awaiting' : `${parentId}/awaiting`;
}

export class CallTree {
  readonly options: CallTreeOptions;
  /** By function: a function's split is the same under every node of it. */
  private readonly splits: (TimeSplit | undefined)[] = [];
  private folder?: LibraryFolder;
  private readonly entries = new Map<string, TreeNode>();
  private rootNodes?: FunctionNode[];
  /** Which functions are on the path of the node being expanded or laid out. */
  private readonly marks: PathMarks;
  /** What every node reads its lazy fields from: one object, rather than closures per node. */
  private readonly nodeContext: NodeContext;
  /** A sampled profile's paths (see the top of this file); undefined for cProfile's pairs. */
  private readonly stackPaths?: FlameGraph;
  private readonly stacks?: readonly SampledStack[];
  /** Awaiting rows made so far, by id. */
  private readonly awaitingNodes = new Map<string, AwaitingNode>();
  /** Sampled profiles: each function's heaviest frame in the paths without folding (heaviestPathTo). */
  private heaviestFrames?: (FlameNode | undefined)[];
  /** Seconds the fractions are of: the profiled time, or for stacks all their sampled time. */
  readonly totalTime: number;

  /**
   * stacks: a sampled profile's stacks (ProfileData.stacks), to build the exact tree of the
   * paths they recorded rather than the apportioned one of the model's caller→callee pairs.
   */
  constructor(
    readonly model: ProfileModel,
    options: Partial<CallTreeOptions> = {},
    stacks?: readonly SampledStack[],
  ) {
    this.options = { ...DEFAULT_CALL_TREE_OPTIONS, ...options };
    this.marks = new PathMarks(model.functions.length);
    if (stacks) {
      this.stacks = stacks;
      this.stackPaths = sharedFlameFromStacks(model, stacks, this.options.foldLibraries);
    }
    // The flame graph's whole: each row's share reads the same in both views.
    this.totalTime = this.stackPaths ? this.stackPaths.root.total : model.totalTime;
    this.nodeContext = { layout: (entry) => this.layout(entry), totalTime: this.totalTime };
  }

  /** True when built from a sampled profile's stacks: every node is measured, cc and nc are samples. */
  get sampled(): boolean {
    return this.stackPaths !== undefined;
  }

  /** Every root, costliest first (not grouped by the threshold). */
  roots(): FunctionNode[] {
    if (!this.rootNodes) {
      if (this.stackPaths) {
        this.rootNodes = this.stackPaths.root.children.filter(isFunctionFrame).map((frame) => this.addFrameEntry(null, frame));
        return this.rootNodes;
      }
      this.rootNodes = (this.options.roots ?? this.model.roots).map((fn) => {
        const info = this.model.functions[fn];
        return this.addEntry(null, fn, info.ct, info.cc, info.nc, true, false);
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

  /**
   * A node by id, computing the nodes on its path if needed; undefined if no such node exists.
   * Also takes a path of any depth spelt out ("3/17/42/..."), e.g. from a saved state.
   */
  node(id: string): CallTreeNode | undefined {
    if (id === 'other' || id.endsWith('/other')) {
      const parentId = id === 'other' ? null : id.slice(0, -'/other'.length);
      return this.shownChildren(parentId).find((n) => n.id === id);
    }
    if (id === 'awaiting' || id.endsWith('/awaiting')) return this.awaitingChild(id === 'awaiting' ? null : id.slice(0, -'/awaiting'.length));
    return this.entry(id);
  }

  /**
   * Sampled profiles: the path (function indices from a root) of the node where fn costs most,
   * what search reveals; with folding, where fn is hidden, the path of the nodes its time went
   * to. null when no stack has fn, and for cProfile trees (search.ts revealPath: there the
   * best path is worked out from the pairs). Every such path exists in the tree, which a path
   * chained from the pairs need not: handler→a→query and b→query→execute make no a→query→execute.
   */
  heaviestPathTo(fn: number): number[] | null {
    if (!this.stacks || !this.stackPaths) return null;
    if (!this.heaviestFrames) {
      const graph = this.options.foldLibraries ? flameFromStacks(this.model, this.stacks) : this.stackPaths;
      const best: (FlameNode | undefined)[] = new Array(this.model.functions.length);
      // Heaviest children first, so that on a tie the path drawn first (leftmost) wins.
      const pending = [graph.root];
      while (pending.length) {
        const frame = pending.pop()!;
        if (frame.kind === 'function' && !(frame.total <= (best[frame.fn]?.total ?? -1))) best[frame.fn] = frame;
        for (let i = frame.children.length - 1; i >= 0; i--) pending.push(frame.children[i]);
      }
      this.heaviestFrames = best;
    }
    const frame = this.heaviestFrames[fn];
    if (!frame) return null;
    const path = functionPath(frame);
    return this.options.foldLibraries ? path.filter((f, i) => i === 0 || isShownWhenFolding(this.model, f)) : path;
  }

  /**
   * Sampled profiles: the samples of a node's path that ended there, running (its own time's
   * samples; an awaiting row's are all its own); 0 for cProfile trees and unknown ids.
   */
  ownSamples(id: string): number {
    const node = this.node(id);
    if (node?.kind === 'awaiting') return node.nc;
    const frame = node?.kind === 'function' ? this.entries.get(node.id)?.frame : undefined;
    if (!frame) return 0;
    let below = 0;
    for (const child of frame.children) below += child.samples;
    return frame.samples - below;
  }

  /**
   * Sampled profiles: the awaiting row under a node (under the roots when parentId is null),
   * if the request ever waited right there; undefined otherwise and for cProfile trees.
   */
  awaitingChild(parentId: string | null): AwaitingNode | undefined {
    if (!this.stackPaths) return undefined;
    const id = awaitingNodeId(parentId);
    const known = this.awaitingNodes.get(id);
    if (known) return known;
    const parent = parentId === null ? undefined : this.entry(parentId);
    if (parentId !== null && !parent) return undefined;
    const frame = (parent ? parent.frame : this.stackPaths.root)?.children.find((c) => c.kind === 'awaiting');
    if (!frame) return undefined;
    const { totalTime } = this;
    const node: AwaitingNode = {
      kind: 'awaiting',
      id,
      parentId,
      depth: parent ? parent.depth + 1 : 0,
      total: frame.total,
      own: frame.total,
      cc: frame.samples,
      nc: frame.samples,
      fraction: totalTime > 0 ? frame.total / totalTime : 0,
    };
    this.awaitingNodes.set(id, node);
    return node;
  }

  /** The node at this path of function indices from a root; undefined if there is none. */
  nodeAt(path: readonly number[]): FunctionNode | undefined {
    this.roots();
    let entry: TreeNode | undefined;
    for (const fn of path) {
      if (entry) this.children(entry.id);
      entry = this.entries.get(childNodeId(entry ?? null, fn));
      if (!entry) return undefined;
    }
    return entry;
  }

  /** The child of a node (a root when parentId is null) for function fn, if it has one. */
  child(parentId: string | null, fn: number): FunctionNode | undefined {
    if (parentId === null) {
      this.roots();
      return this.entries.get(String(fn));
    }
    const parent = this.entry(parentId);
    if (!parent) return undefined;
    this.children(parent.id);
    return this.entries.get(childNodeId(parent, fn));
  }

  /** The function indices from a root down to a function node, [] for unknown ids. */
  functionPath(id: string): number[] {
    const path: number[] = [];
    for (let e = this.entry(id); e; e = e.parent ?? undefined) path.push(e.fn);
    return path.reverse();
  }

  /** The ids of a node's ancestors, root first: what to expand to reveal it; [] for unknown ids. */
  ancestorIds(id: string): string[] {
    const node = this.node(id);
    if (!node) return [];
    const ids: string[] = [];
    for (let e = node.parentId === null ? undefined : this.entry(node.parentId); e; e = e.parent ?? undefined) ids.push(e.id);
    return ids.reverse();
  }

  /**
   * The children as the view shows them (the roots when parentId is null): siblings under the
   * threshold grouped into one "other" node, except those in keep (a revealed search match,
   * the hot path). A single small sibling stays as it is: "other (1 function)" hides nothing.
   */
  shownChildren(parentId: string | null, keep: ReadonlySet<string> = new Set()): CallTreeNode[] {
    const functions = this.groupedChildren(parentId, keep);
    // Awaiting is never grouped into "other": it is not a function, and there is one at most.
    const awaiting = this.awaitingChild(parentId);
    if (!awaiting) return functions;
    const at = functions.findIndex((n) => n.kind === 'other' || n.total < awaiting.total);
    return at < 0 ? [...functions, awaiting] : [...functions.slice(0, at), awaiting, ...functions.slice(at)];
  }

  /** The function children, those under the threshold grouped into "other" (see shownChildren). */
  private groupedChildren(parentId: string | null, keep: ReadonlySet<string>): CallTreeNode[] {
    const all = parentId === null ? this.roots() : this.children(parentId);
    const limit = this.options.threshold * this.totalTime;
    if (!(limit > 0)) return all;
    const small = all.filter((n) => n.total < limit && !keep.has(n.id));
    if (small.length < 2) return all;
    const other: OtherNode = {
      kind: 'other',
      id: otherNodeId(parentId),
      parentId,
      depth: parentId === null ? 0 : (this.entry(parentId)?.depth ?? 0) + 1,
      functions: small.map((n) => n.fn),
      total: sum(small, (n) => n.total),
      get own() {
        return sum(small, (n) => n.own);
      },
      cc: sum(small, (n) => n.cc),
      nc: sum(small, (n) => n.nc),
      fraction: sum(small, (n) => n.fraction),
    };
    const smallIds = new Set(small.map((n) => n.id));
    return [...all.filter((n) => !smallIds.has(n.id)), other];
  }

  /** The rows on screen, in order: roots, and the children of every expanded node, depth first. */
  visibleRows(expanded: ReadonlySet<string>, keep: ReadonlySet<string> = new Set()): VisibleRow[] {
    return this.flatten(this.shownChildren(null, keep), expanded, keep);
  }

  /**
   * The rows that expanding a node puts below it (its children, and theirs where expanded):
   * what a view splices into its row list, instead of listing every row again.
   */
  rowsBelow(id: string, expanded: ReadonlySet<string>, keep: ReadonlySet<string> = new Set()): VisibleRow[] {
    return this.flatten(this.shownChildren(id, keep), expanded, keep);
  }

  private flatten(top: CallTreeNode[], expanded: ReadonlySet<string>, keep: ReadonlySet<string>): VisibleRow[] {
    const rows: VisibleRow[] = [];
    // An explicit stack: with no depth limit a tree can be deeper than the JS call stack.
    const stack: CallTreeNode[] = top.slice().reverse();
    while (stack.length) {
      const node = stack.pop()!;
      // expanded.has first: hasChildren lays the node out, which only drawn rows should pay for.
      const open = node.kind === 'function' && expanded.has(node.id) && node.hasChildren;
      rows.push({ node, expanded: open });
      if (open) {
        const children = this.shownChildren(node.id, keep);
        for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
      }
    }
    return rows;
  }

  private entry(id: string): TreeNode | undefined {
    const known = this.entries.get(id);
    if (known) return known;
    // Not computed yet: compute the path down to it (restoring a saved expansion state). The
    // deep ids ("~5120/42") name a node of this tree that exists already, or none.
    if (id.startsWith('~') || !/^\d+(\/\d+)*$/.test(id)) return undefined;
    this.roots();
    let entry: TreeNode | undefined;
    let start = 0;
    while (start <= id.length) {
      let end = id.indexOf('/', start);
      if (end < 0) end = id.length;
      const fn = Number(id.slice(start, end));
      if (entry) this.children(entry.id);
      entry = this.entries.get(childNodeId(entry ?? null, fn));
      if (!entry) return undefined;
      start = end + 1;
    }
    return entry;
  }

  private split(fn: number): TimeSplit {
    let split = this.splits[fn];
    if (!split) {
      if (this.options.foldLibraries) split = this.libraryFolder().split(fn);
      else split = directSplit(this.model, fn);
      this.splits[fn] = split;
    }
    return split;
  }

  /** The share of the function's recorded time this node stands for. */
  private shareOf(entry: TreeNode): number {
    const ct = this.model.functions[entry.fn].ct;
    return ct > 0 ? Math.min(1, entry.total / ct) : 0;
  }

  private libraryFolder(): LibraryFolder {
    return (this.folder ??= new LibraryFolder(this.model));
  }

  private computeChildren(parent: TreeNode): FunctionNode[] {
    // Sorted already, costliest first as sortNodes would.
    if (parent.frame) return parent.frame.children.filter(isFunctionFrame).map((frame) => this.addFrameEntry(parent, frame));
    if (parent.recursive) return [];
    const { scales } = this.layout(parent, true);
    const callees = this.split(parent.fn).callees;
    const onPath = this.marks.pathOf(parent);
    const share = this.shareOf(parent);
    const children = callees.map((callee) => {
      const recursive = onPath[callee.fn] === 1;
      const scale = recursive ? scales.recursive : scales.rest;
      const exact = parent.exact && callee.singleCaller && !recursive && scale >= 1 - OVERLAP_TOLERANCE;
      const total = callee.time * share * scale;
      return this.addEntry(parent, callee.fn, total, callee.cc, callee.nc, exact, recursive);
    });
    return sortNodes(children);
  }

  /**
   * Creates a node. Its own time and whether it has children need the function's split,
   * which can be costly when folding, so they are worked out only when first read: opening
   * a node with thousands of children lays out only the rows that are drawn.
   */
  private addEntry(parent: TreeNode | null, fn: number, total: number, cc: number, nc: number, exact: boolean, recursive: boolean): TreeNode {
    const node = new TreeNode(childNodeId(parent, fn), parent, fn, total, cc, nc, exact, recursive, this.entries.size, this.nodeContext, null);
    this.entries.set(node.id, node);
    return node;
  }

  /** A node of a sampled profile's paths: measured, laid out from its frame at once. */
  private addFrameEntry(parent: TreeNode | null, frame: FlameNode): TreeNode {
    const node = new TreeNode(
      childNodeId(parent, frame.fn),
      parent,
      frame.fn,
      frame.total,
      frame.samples,
      frame.samples,
      true,
      false,
      this.entries.size,
      this.nodeContext,
      frame,
    );
    node.setLayout(frame.self, frame.children.length > 0, UNSCALED, false);
    this.entries.set(node.id, node);
    return node;
  }

  /** exact: also when folding, find the callees now (expanding needs them; drawing does not). */
  private layout(entry: TreeNode, exact = false): Layout {
    if (entry.laidOut && !(exact && entry.provisional)) return entry;
    if (entry.recursive) return setLayout(entry, 0, false, UNSCALED, false);
    const { fn, total } = entry;
    const share = this.shareOf(entry);
    if (this.options.foldLibraries && !exact && !this.splits[fn]) {
      const folder = this.libraryFolder();
      const own = Math.min(total, folder.foldedOwn(fn) * share);
      return setLayout(entry, own, folder.hasShownCallees(fn), UNSCALED, true);
    }
    const split = this.split(fn);
    // The entry's own function is on its path: a self-call is recursive.
    const onPath = this.marks.pathOf(entry);
    let recursiveRaw = 0;
    let restRaw = split.own * share;
    for (const callee of split.callees) {
      if (onPath[callee.fn] === 1) recursiveRaw += callee.time * share;
      else restRaw += callee.time * share;
    }
    let recursiveScale = 1;
    let restScale = 1;
    if (recursiveRaw > total * (1 + OVERLAP_TOLERANCE)) recursiveScale = total / recursiveRaw;
    const budget = Math.max(0, total - recursiveRaw * recursiveScale);
    if (restRaw > budget * (1 + OVERLAP_TOLERANCE)) restScale = budget / restRaw;
    const scales = recursiveScale === 1 && restScale === 1 ? UNSCALED : { recursive: recursiveScale, rest: restScale };
    return setLayout(entry, split.own * share * restScale, split.callees.length > 0, scales, false);
  }
}

function setLayout(entry: TreeNode, own: number, hasChildren: boolean, scales: Scales, provisional: boolean): Layout {
  entry.setLayout(own, hasChildren, scales, provisional);
  return entry;
}

/** What a node needs from its tree to work out its lazy fields. */
interface NodeContext {
  layout(entry: TreeNode): Layout;
  readonly totalTime: number;
}

/** TreeNode.flags: the layout's booleans, in one small integer (see TreeNode). */
const LAID_OUT = 1;
const CHILDREN_EXIST = 2;
const PROVISIONAL = 4;

/**
 * A function node of the tree, and its state there: its path (parent), its number in the
 * tree (for the short ids of deep nodes), its layout, worked out when own time or hasChildren
 * is first read, and its children once computed. One object per node, kept small: a deep chain
 * has one per level, and a 100,000-deep chain spent more time in the garbage collector than in
 * building when each level had a node and an entry beside it. So the layout's booleans share
 * one integer, its scales are one shared object unless recursion changes them, the share of
 * the request is worked out when read, and the link to the tree is one context object (no
 * closures per node). toJSON gives the plain data, e.g. to post to a webview.
 */
class TreeNode implements FunctionNode, PathNode, Layout {
  readonly depth: number;
  ownTime = 0;
  scales: Scales = UNSCALED;
  private flags = 0;
  children: FunctionNode[] | undefined = undefined;
  readonly #context: NodeContext;

  constructor(
    readonly id: string,
    readonly parent: TreeNode | null,
    readonly fn: number,
    readonly total: number,
    readonly cc: number,
    readonly nc: number,
    readonly exact: boolean,
    readonly recursive: boolean,
    /** The node's number in its tree, for the short ids of deep nodes. */
    readonly serial: number,
    context: NodeContext,
    /** Sampled profiles: the node's place in the stacks' paths; null for cProfile trees. */
    readonly frame: FlameNode | null,
  ) {
    this.depth = parent ? parent.depth + 1 : 0;
    this.#context = context;
  }

  /** On the prototype, not a field of each node. */
  get kind(): 'function' {
    return 'function';
  }

  get parentId(): string | null {
    return this.parent ? this.parent.id : null;
  }

  /** Worked out when read rather than kept: one object less per node for the collector. */
  get fraction(): number {
    const totalTime = this.#context.totalTime;
    return totalTime > 0 ? this.total / totalTime : 0;
  }

  get own(): number {
    return this.#context.layout(this).ownTime;
  }

  get hasChildren(): boolean {
    return this.#context.layout(this).childrenExist;
  }

  /** Whether the layout fields hold the node's layout. */
  get laidOut(): boolean {
    return (this.flags & LAID_OUT) !== 0;
  }

  get childrenExist(): boolean {
    return (this.flags & CHILDREN_EXIST) !== 0;
  }

  get provisional(): boolean {
    return (this.flags & PROVISIONAL) !== 0;
  }

  setLayout(own: number, childrenExist: boolean, scales: Scales, provisional: boolean): void {
    this.ownTime = own;
    this.scales = scales;
    this.flags = LAID_OUT | (childrenExist ? CHILDREN_EXIST : 0) | (provisional ? PROVISIONAL : 0);
  }

  toJSON(): PlainFunctionNode {
    const { kind, id, parentId, depth, fn, total, own, cc, nc, fraction, exact, recursive, hasChildren } = this;
    return { kind, id, parentId, depth, fn, total, own, cc, nc, fraction, exact, recursive, hasChildren };
  }
}

function isFunctionFrame(frame: FlameNode): boolean {
  return frame.kind === 'function';
}

function sortNodes(nodes: FunctionNode[]): FunctionNode[] {
  return nodes.sort((a, b) => b.total - a.total || a.fn - b.fn);
}

function sum<T>(items: T[], value: (item: T) => number): number {
  let total = 0;
  for (const item of items) total += value(item);
  return total;
}
