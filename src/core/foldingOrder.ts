/**
 * What library folding works out once per profile about the hidden functions that lead to
 * app code (libraryFolding.ts), in one depth-first pass over them (Tarjan's strongly
 * connected components, with an explicit stack: hidden chains can be very deep):
 *
 * - An order in which every hidden function comes before the functions it calls, except
 *   along cycles. A cycle's functions (a component) stand next to each other in it. A folded
 *   split then visits the hidden code below a function in this order, so it needs no search
 *   of its own to find one, whatever it walks: each call it follows is read once.
 * - For each of them, the fraction of its time that ends in app code: its calls to app code,
 *   plus its calls to hidden functions scaled by theirs, over its cumulative time. Calls that
 *   close a cycle in this pass (to a function still on its path) count for nothing: they are
 *   recursion, whose time is already inside the outer call's. Whatever does not reach app
 *   code is the shown ancestor's own time, so none of the hidden time is lost.
 */
import type { CallAdjacency } from './callAdjacency';

export interface FoldingOrder {
  /** The hidden functions that lead to app code, callers before callees (see above). */
  readonly order: Int32Array;
  /** By function: its position in order (meaningful for the functions in it only). */
  readonly rank: Int32Array;
  /** By function: the number of its component (functions that call each other round a cycle). */
  readonly component: Int32Array;
  /** By function: how many functions its component has (1 for most). */
  readonly componentSize: Int32Array;
  /** By function: the fraction of its time that ends in app code (0 for the others). */
  readonly shownFraction: Float64Array;
}

/**
 * shown: 1 for the functions folding keeps; leadsToShown: 1 for hidden functions from which a
 * chain of hidden calls reaches one; ct: cumulative times by function.
 */
export function foldingOrder(graph: CallAdjacency, shown: Uint8Array, leadsToShown: Uint8Array, ct: Float64Array): FoldingOrder {
  const { calleeStart, callee, calleeCt } = graph;
  const n = ct.length;
  let walked = 0;
  for (let f = 0; f < n; f++) walked += leadsToShown[f];
  const order = new Int32Array(walked);
  const rank = new Int32Array(n);
  const component = new Int32Array(n);
  const componentSize = new Int32Array(n);
  const shownFraction = new Float64Array(n);
  // Tarjan's bookkeeping: discovery number (0: not yet), lowest number reachable, and the
  // stack of functions whose component is not finished. finished: the walk is done with it.
  const discovered = new Int32Array(n);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const finished = new Uint8Array(n);
  const pending = new Int32Array(walked);
  let pendingCount = 0;
  const pathNode = new Int32Array(walked);
  const pathEdge = new Int32Array(walked);
  /** By function: the time of its calls that reaches app code, added up as the walk finishes its callees. */
  const reaching = new Float64Array(n);
  let counter = 0;
  let components = 0;
  // Components come out callees first: fill order from its end.
  let free = walked;
  let depth = 0;
  // leadsToShown is 1 for hidden functions only: it says which functions this walk visits.
  for (let start = 0; start < n; start++) {
    if (!leadsToShown[start] || discovered[start]) continue;
    let to = start;
    for (;;) {
      // Enters `to`: no call per function (this runs before the page's code is optimised).
      if (to >= 0) {
        discovered[to] = low[to] = ++counter;
        onStack[to] = 1;
        pending[pendingCount++] = to;
        pathNode[depth] = to;
        pathEdge[depth] = calleeStart[to];
        depth++;
      }
      if (!depth) break;
      const f = pathNode[depth - 1];
      // f's calls from where the walk left them, up to the next function to enter, if any.
      const end = calleeStart[f + 1];
      let k = pathEdge[depth - 1];
      let sum = reaching[f];
      let lowest = low[f];
      to = -1;
      while (k < end) {
        const next = callee[k];
        k++;
        if (shown[next]) {
          sum += calleeCt[k - 1];
        } else if (leadsToShown[next]) {
          const number = discovered[next];
          if (!number) {
            to = next;
            break;
          }
          if (finished[next]) sum += calleeCt[k - 1] * shownFraction[next];
          if (onStack[next] && number < lowest) lowest = number;
        }
      }
      reaching[f] = sum;
      low[f] = lowest;
      pathEdge[depth - 1] = k;
      if (to >= 0) continue;
      // Every call of f explored: a call to a function still on its path (not finished) added nothing.
      shownFraction[f] = ct[f] > 0 ? Math.min(1, reaching[f] / ct[f]) : 0;
      finished[f] = 1;
      depth--;
      if (depth) {
        const caller = pathNode[depth - 1];
        // The call that entered f is the one before the caller's next.
        reaching[caller] += calleeCt[pathEdge[depth - 1] - 1] * shownFraction[f];
        if (low[f] < low[caller]) low[caller] = low[f];
      }
      if (low[f] !== discovered[f]) continue;
      // f is its component's first function: the component is what the stack holds above it.
      let size = 0;
      while (pending[pendingCount - 1 - size] !== f) size++;
      size++;
      free -= size;
      for (let i = 0; i < size; i++) {
        const member = pending[pendingCount - size + i];
        onStack[member] = 0;
        order[free + i] = member;
        rank[member] = free + i;
        component[member] = components;
        componentSize[member] = size;
      }
      pendingCount -= size;
      components++;
    }
  }
  return { order, rank, component, componentSize, shownFraction };
}
