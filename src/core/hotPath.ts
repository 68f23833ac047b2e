/**
 * The hot path of the call tree: where the request's time went, followed down from a node.
 *
 * Rule: from a node, take its costliest child (largest estimated total; on a tie the lower
 * function index) and follow it while it holds MORE THAN HALF of its parent's total. The
 * call graph (graphHotPath.ts) and the middleware's .dot writer use the same half rule, so
 * all views agree. The walk stops at a node whose time is spread (no child holds most of
 * it: the time is here, in its own code or split among its callees, which expanding the
 * node shows), at a leaf, or at a recursive call, which ends every branch. "Other" groups
 * are never followed: they exist because their members are small.
 */
import type { CallTree, FunctionNode } from './callTree';

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
