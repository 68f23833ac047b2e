/**
 * The hot path: where the request's time went. One rule for every view, so that they all
 * agree: from a node, take its costliest child (on a tie the lower function index) and follow
 * it while it holds MORE THAN HALF (HOT_CHILD_SHARE) of its parent's time. The middleware's
 * .dot writer (python/request_profiler/hot_path.py) follows it too.
 *
 * - In the call tree (hotPath, requestHotPath, expandHotPath): the children are the tree's
 *   nodes with their estimated totals. The walk stops at a node whose time is spread (no child
 *   holds most of it: the time is here, in its own code or split among its callees, which
 *   expanding the node shows), at a leaf, or at a recursive call, which ends every branch.
 *   "Other" groups are never followed: they exist because their members are small.
 * - In the call graph (findHotPath): the children are the calls a function makes, with their
 *   cumulative times, from the costliest drawn root, among what the thresholds left drawn.
 *   Self-calls and calls back to a function already on the path are skipped, so recursion and
 *   cycles end the walk instead of looping.
 *
 * The best path to each function, which search uses to reveal a match, is another question
 * (hottestPaths.ts).
 */
import type { CallTree, FunctionNode } from './callTree';
import type { ProfileModel } from './profileModel';

/** A child is on the hot path when it holds more than this fraction of its parent's total. */
export const HOT_CHILD_SHARE = 0.5;

/** The hot path's node ids, from the given node (included) down to where it ends. */
export function hotPath(tree: CallTree, fromId: string): string[] {
  let node = tree.node(fromId);
  if (!node || node.kind !== 'function') return [];
  const path = [node.id];
  for (;;) {
    const hottest = hottestChild(tree.children(node.id));
    if (!hottest || !(hottest.total > node.total * HOT_CHILD_SHARE)) return path;
    path.push(hottest.id);
    node = hottest;
  }
}

/** The hot path from the costliest root: what the view expands and highlights on open. */
export function requestHotPath(tree: CallTree): string[] {
  const root = tree.roots()[0];
  return root ? hotPath(tree, root.id) : [];
}

/** Node ids to expand so that the whole hot path (and the split below its end) is on screen. */
export function expandHotPath(tree: CallTree, fromId: string, expanded: Iterable<string> = []): Set<string> {
  const result = new Set(expanded);
  for (const id of tree.ancestorIds(fromId)) result.add(id);
  for (const id of hotPath(tree, fromId)) result.add(id);
  return result;
}

function hottestChild(children: FunctionNode[]): FunctionNode | undefined {
  // children() is sorted costliest first, ties by function index.
  return children[0];
}

/** The call graph's hot path (see the rule above). */
export interface HotPath {
  /** Function indices, root first. */
  functions: number[];
  /** Model edge indices: edges[i] leads from functions[i] to functions[i + 1]. */
  edges: number[];
}

/** isDrawn(function index) and isEdgeDrawn(edge index) say what survived the thresholds. */
export function findHotPath(model: ProfileModel, isDrawn: (fn: number) => boolean, isEdgeDrawn: (edge: number) => boolean): HotPath {
  const path: HotPath = { functions: [], edges: [] };
  const start = model.roots.find(isDrawn);
  if (start === undefined) return path;
  const onPath = new Set<number>([start]);
  path.functions.push(start);
  let node = start;
  for (;;) {
    let best = -1;
    for (const e of model.calleesOf[node]) {
      const edge = model.edges[e];
      if (onPath.has(edge.callee) || !isEdgeDrawn(e)) continue;
      const bestEdge = best < 0 ? undefined : model.edges[best];
      if (!bestEdge || edge.ct > bestEdge.ct || (edge.ct === bestEdge.ct && edge.callee < bestEdge.callee)) best = e;
    }
    if (best < 0 || !(model.edges[best].ct > HOT_CHILD_SHARE * model.functions[node].ct)) return path;
    node = model.edges[best].callee;
    onPath.add(node);
    path.functions.push(node);
    path.edges.push(best);
  }
}
