/**
 * The flame graph of a request: every path from the request's entry points down, as nested
 * frames whose widths are their time. Built from one of two sources:
 *
 * - a sampled profile's stacks (flameFromStacks): each stack is a whole path, measured, so
 *   every frame is exact;
 * - a cProfile or pstats profile, through the call tree (flameFromCallTree.ts): cProfile keeps
 *   caller→callee pairs, not paths, so wherever a function has several callers its time below
 *   each is apportioned (callTree.ts) and the frame is marked `estimated`, for the view to show
 *   as such.
 *
 * Library folding follows the call tree's rule (libraryFolding.ts): a hidden frame's time goes
 * to the nearest shown ancestor as its own time, and the app functions it calls become that
 * ancestor's children. Entry points are always shown, as in the tree.
 *
 * Everything is iterative: a chain 100,000 calls deep is deeper than the JavaScript stack.
 */
import { ChildrenByFunction } from './childrenByFunction';
import { isShownWhenFolding } from './libraryFolding';
import type { SampledStack } from './profileFormat';
import type { ProfileModel } from './profileModel';

/**
 * A frame: a function at one place in the paths, or where an asyncio request was awaiting, or
 * (a sandwich's callees, sandwich.ts) the chosen function's own time drawn as a frame of its own.
 */
export interface FlameNode {
  /** Function index in the profile; -1 for the root and for awaiting frames; an own-time frame's is its function's. */
  readonly fn: number;
  readonly kind: 'root' | 'function' | 'awaiting' | 'own';
  /** Seconds in this frame and below it. */
  total: number;
  /** Seconds in the frame's own code (the running frame of its samples). */
  self: number;
  /** Samples the frame was on the stack in (0 for cProfile data, which has none). */
  samples: number;
  /** True where the time was apportioned from caller→callee pairs rather than measured on whole paths. */
  readonly estimated: boolean;
  readonly parent: FlameNode | null;
  /** 0 for the root (the whole request), 1 for entry points. */
  readonly depth: number;
  /** Heaviest first ("left heavy"), so the widest path reads from the left edge. */
  readonly children: FlameNode[];
}

export interface FlameGraph {
  /** The whole request: its children are the entry points. */
  readonly root: FlameNode;
  /** True when built from measured stacks (no frame is an estimate). */
  readonly exact: boolean;
  /** The deepest frame's depth. */
  readonly height: number;
  /**
   * True when every node's children are heaviest first (sortChildren): the layout then stops
   * at a node's first child too narrow to draw, since the rest are narrower still.
   */
  readonly heaviestFirst?: boolean;
}

export interface FlameOptions {
  /** Hide standard-library, site-packages and built-in frames, as the call tree does. */
  foldLibraries: boolean;
}

/** Frames under this share of the request are left out when built from the call tree (their time stays in the parent's width). */
export const CALL_TREE_MIN_SHARE = 1e-4;

/** A frame with no time yet, under parent (the graph builders' one way to make one). */
export function newNode(fn: number, kind: FlameNode['kind'], parent: FlameNode | null, estimated: boolean): FlameNode {
  return { fn, kind, total: 0, self: 0, samples: 0, estimated, parent, depth: parent ? parent.depth + 1 : 0, children: [] };
}

export function newRoot(): FlameNode {
  return newNode(-1, 'root', null, false);
}

/**
 * The flame graph of a sampled profile. Awaiting stacks (asyncio) end in an "awaiting" frame
 * under the frame that was waiting, so waiting never reads as that function's own work.
 */
export function flameFromStacks(model: ProfileModel, stacks: readonly SampledStack[], options: Partial<FlameOptions> = {}): FlameGraph {
  const fold = options.foldLibraries === true;
  const root = newRoot();
  // Children by function (awaiting frames are -1); the arrays are sorted at the end.
  const children = new ChildrenByFunction<FlameNode>();
  const childOf = (parent: FlameNode, fn: number, kind: FlameNode['kind']): FlameNode => {
    return children.find(parent, fn) ?? children.add(parent, newNode(fn, kind, parent, false));
  };
  let height = 0;
  for (const [frames, , awaiting, wall, , samples] of stacks) {
    let node = root;
    node.total += wall;
    node.samples += samples;
    for (let at = 0; at < frames.length; at++) {
      const fn = frames[at];
      if (fold && at > 0 && !isShownWhenFolding(model, fn)) continue;
      node = childOf(node, fn, 'function');
      node.total += wall;
      node.samples += samples;
    }
    if (awaiting) {
      node = childOf(node, -1, 'awaiting');
      node.total += wall;
      node.samples += samples;
    }
    node.self += wall;
    if (node.depth > height) height = node.depth;
  }
  sortChildren(root);
  return { root, exact: true, height, heaviestFirst: true };
}

/** The graph sharedFlameFromStacks built last for a profile's stacks. */
const lastBuiltFromStacks = new WeakMap<readonly SampledStack[], { model: ProfileModel; foldLibraries: boolean; graph: FlameGraph }>();

/**
 * flameFromStacks, built once for both views that show it: a sampled profile's call tree is
 * read from the same graph as its Flame tab draws (callTree.ts), and building it for 120,000
 * frames takes about a tenth of a second. The last graph built for these stacks, model and
 * folding is given again; nobody may change its nodes.
 */
export function sharedFlameFromStacks(model: ProfileModel, stacks: readonly SampledStack[], foldLibraries: boolean): FlameGraph {
  const last = lastBuiltFromStacks.get(stacks);
  if (last && last.model === model && last.foldLibraries === foldLibraries) return last.graph;
  const graph = flameFromStacks(model, stacks, { foldLibraries });
  lastBuiltFromStacks.set(stacks, { model, foldLibraries, graph });
  return graph;
}

/** Every node's children heaviest first (then by function), as the graph is drawn. */
export function sortChildren(root: FlameNode): void {
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.children.length > 1) node.children.sort((a, b) => b.total - a.total || a.fn - b.fn);
    for (const child of node.children) pending.push(child);
  }
}

/** The function indices from an entry point down to a frame (awaiting frames left out): a call tree path. */
export function functionPath(node: FlameNode): number[] {
  const path: number[] = [];
  for (let n: FlameNode | null = node; n && n.kind !== 'root'; n = n.parent) if (n.kind === 'function') path.push(n.fn);
  return path.reverse();
}

/** A frame by its function path from an entry point (as functionPath gives), if the graph has it. */
export function nodeAtPath(graph: FlameGraph, path: readonly number[]): FlameNode | undefined {
  let node = graph.root;
  for (const fn of path) {
    const child = node.children.find((c) => c.kind === 'function' && c.fn === fn);
    if (!child) return undefined;
    node = child;
  }
  return node;
}

/** The frames from the root down to a frame, root first: the breadcrumbs of a zoom. */
export function ancestry(node: FlameNode): FlameNode[] {
  const chain: FlameNode[] = [];
  for (let n: FlameNode | null = node; n; n = n.parent) chain.push(n);
  return chain.reverse();
}

/** Callees' time under this share of the view is rounding, not a "…" block (a sum of floats minus its parts). */
const UNSEEN_SHARE = 1e-9;

/** A frame placed for drawing: x and width as fractions of the view's width, depth in rows. */
export interface FlameRect {
  readonly node: FlameNode;
  readonly x: number;
  readonly width: number;
  readonly depth: number;
  /**
   * Set on the "…" block of a node's callees each too narrow to draw, side by side after the
   * drawn ones: how many of the graph's frames it stands for (0 when they are only frames
   * left out when the graph was built). Its node is the frame they are under (hovering names
   * it, a click zooms into it and shows them); nothing under the block is laid out.
   */
  readonly hidden?: number;
}

/**
 * Places the frames for drawing, zoomed on `focus` (the root for the whole request): the focus
 * spans the full width, its ancestors too (above it, as breadcrumbs), its descendants in
 * proportion to their time. Frames narrower than minWidth (a fraction of the width, e.g. one
 * pixel) are left out with everything under them. Rects come parents before children.
 * The work is in proportion to the frames drawn, not to the graph's size, when its children are
 * heaviest first: a 120,000-frame graph draws a few thousand at a time.
 */
export function layoutFlame(graph: FlameGraph, focus: FlameNode = graph.root, minWidth = 0): FlameRect[] {
  const rects: FlameRect[] = [];
  for (const node of ancestry(focus)) rects.push({ node, x: 0, width: 1, depth: node.depth });
  const scale = focus.total > 0 ? 1 / focus.total : 0;
  const sorted = graph.heaviestFirst === true;
  // Depth first, left to right: each row's rects come out in order of x.
  const pending: FlameRect[] = [];
  const drawn: FlameRect[] = [];
  let node: FlameNode | undefined = focus;
  let x = 0;
  for (;;) {
    if (node) {
      let childX = x;
      let shown = 0;
      for (const child of node.children) {
        const width = child.total * scale;
        if (width >= minWidth && width > 0) {
          drawn.push({ node: child, x: childX, width, depth: child.depth });
          shown++;
        } else if (sorted) {
          break;
        }
        childX += width;
      }
      // The callees left (all narrower than the last drawn one) are one "…" block when it is
      // wide enough: their time shows as calls, not as the node's own time. A cProfile graph's
      // frames cut when it was built (CALL_TREE_MIN_SHARE) are in it too: node.total - node.self
      // is all its callees' time.
      const rest = (node.total - node.self) * scale - (childX - x);
      if (sorted && rest >= minWidth && rest > UNSEEN_SHARE) {
        drawn.push({ node, x: childX, width: rest, depth: node.depth + 1, hidden: node.children.length - shown });
      }
      while (drawn.length > 0) pending.push(drawn.pop()!);
    }
    const next = pending.pop();
    if (!next) break;
    rects.push(next);
    node = next.hidden === undefined ? next.node : undefined;
    x = next.x;
  }
  return rects;
}

export interface FlameSearchResult {
  /** Every frame of a matching function. */
  readonly matches: ReadonlySet<FlameNode>;
  /** Seconds under matching frames, each path counted once (a match inside a match is not added again). */
  readonly total: number;
  /** total / the request's time. */
  readonly share: number;
}

/** Highlights every frame whose function matches, with their total share of the request. */
export function searchFlame(graph: FlameGraph, matches: (fn: number) => boolean): FlameSearchResult {
  const found = new Set<FlameNode>();
  let total = 0;
  // Each entry carries whether a matching frame is above it.
  const pending: [FlameNode, boolean][] = [[graph.root, false]];
  while (pending.length > 0) {
    const [node, inside] = pending.pop()!;
    const match = node.kind === 'function' && matches(node.fn);
    if (match) {
      found.add(node);
      if (!inside) total += node.total;
    }
    for (const child of node.children) pending.push([child, inside || match]);
  }
  const whole = graph.root.total;
  return { matches: found, total, share: whole > 0 ? total / whole : 0 };
}

/** How to colour frames: by own time (the heat scale) or by module (one hue per top-level package). */
export type FlameColouring = 'self' | 'module';

/**
 * The share a frame's heat colour stands for when colouring by own time: its own time over the
 * largest own time of any frame, so the hottest frame is the hottest colour whatever the
 * request's shape.
 */
export function selfHeat(graph: FlameGraph): (node: FlameNode) => number {
  let most = 0;
  const pending = [graph.root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.kind === 'function' && node.self > most) most = node.self;
    for (const child of node.children) pending.push(child);
  }
  return (node) => (most > 0 && node.kind === 'function' ? node.self / most : 0);
}

/**
 * A stable hue (0..1) for a module's top-level package ("django.core.handlers" → "django"), so a
 * package keeps its colour across profiles and sessions.
 */
export function moduleHue(module: string): number {
  const top = module.split('.')[0];
  // FNV-1a: small, and spreads similar names apart.
  let hash = 0x811c9dc5;
  for (let i = 0; i < top.length; i++) {
    hash ^= top.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash / 0x100000000;
}
