/**
 * The flame graph of a cProfile or pstats profile, read from its call tree (callTree.ts, with the
 * tree's own folding option): cProfile keeps caller→callee pairs, not paths, so wherever a
 * function has several callers its time below each is apportioned by the tree, and the frame is
 * marked `estimated`. Apart from flameGraph.ts so that the graph's model does not depend on the
 * call tree (the call tree of a sampled profile is built from a flame graph).
 */
import type { CallTree, FunctionNode } from './callTree';
import { CALL_TREE_MIN_SHARE, newNode, newRoot, sortChildren, type FlameGraph, type FlameNode } from './flameGraph';

/**
 * The flame graph of a cProfile profile, read from its call tree (with the tree's own folding
 * option). Frames under minShare of the request are left out: their time stays in the
 * parent's width, as a gap under it.
 */
export function flameFromCallTree(tree: CallTree, minShare = CALL_TREE_MIN_SHARE): FlameGraph {
  const root = newRoot();
  const roots = tree.roots();
  for (const node of roots) root.total += node.total;
  const height = addCallTreeFrames(tree, roots, root, root.total * minShare);
  root.self = Math.max(0, root.total - sumTotals(root.children));
  sortChildren(root);
  return { root, exact: false, height, heaviestFirst: true };
}

/**
 * Adds tree nodes and everything under them as frames under parent, depth first with an
 * explicit stack (a chain can be 100,000 deep), leaving out frames under cut seconds (the
 * request's entry points excepted). exactTop: whether a frame made for one of `nodes` is
 * measured even where the tree calls its node an estimate (a sandwich's first level of callees
 * is the caller→callee record itself). Returns the deepest frame's depth.
 */
export function addCallTreeFrames(
  tree: CallTree,
  nodes: readonly FunctionNode[],
  parent: FlameNode,
  cut: number,
  exactTop: (node: FunctionNode) => boolean = () => false,
): number {
  let height = parent.depth;
  const top = new Set(nodes);
  const pending: [FunctionNode, FlameNode][] = [];
  for (let i = nodes.length - 1; i >= 0; i--) pending.push([nodes[i], parent]);
  while (pending.length > 0) {
    const [treeNode, above] = pending.pop()!;
    if (treeNode.total < cut && above.kind !== 'root') continue;
    const exact = treeNode.exact || (top.has(treeNode) && exactTop(treeNode));
    const frame = newNode(treeNode.fn, 'function', above, !exact);
    frame.total = treeNode.total;
    frame.self = treeNode.own;
    above.children.push(frame);
    if (frame.depth > height) height = frame.depth;
    if (treeNode.recursive || !treeNode.hasChildren) continue;
    const children = tree.children(treeNode.id);
    for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], frame]);
  }
  return height;
}

export function sumTotals(nodes: readonly FlameNode[]): number {
  let sum = 0;
  for (const node of nodes) sum += node.total;
  return sum;
}
