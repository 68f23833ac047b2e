/**
 * The hot path of a call graph: the chain of calls that holds most of the request's time.
 *
 * Rule (the middleware's .dot writer follows the same one, so both draw the same path):
 * start at the costliest drawn root (the model's roots are sorted by cumulative time); from
 * each node on the path take its heaviest call (largest cumulative time; on a tie the callee
 * with the lower function index, as the call tree's hotPath.ts does) to a drawn function not
 * yet on the path, and follow it while that call carries more than half of the node's
 * cumulative time. Self-calls and calls back to a
 * node already on the path are skipped, so recursion and cycles end the walk instead of
 * looping.
 */
import type { ProfileModel } from './profileModel';

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
    if (best < 0 || !(model.edges[best].ct * 2 > model.functions[node].ct)) return path;
    node = model.edges[best].callee;
    onPath.add(node);
    path.functions.push(node);
    path.edges.push(best);
  }
}
