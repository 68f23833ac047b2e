/**
 * A profile's call graph as flat typed arrays ("compressed sparse rows"): the calls each
 * function makes, and the calls made to it, each as one run of positions in a few shared
 * arrays. Built once with the profile model; the walks over the whole graph (library folding's
 * passes, the model's roots and cycle entries) read it instead of the model's per-function
 * lists and edge objects. One typed array per field holds no objects at all, so it adds
 * nothing for the garbage collector to walk, and a walk reads numbers next to each other
 * instead of following an edge object per call.
 */

export interface CallAdjacency {
  /**
   * The calls function f makes are positions calleeStart[f] to calleeStart[f + 1] - 1 of
   * calleeEdge, callee and calleeCt, in the order of the profile's edges (n + 1 entries).
   */
  readonly calleeStart: Int32Array;
  /** The model's edge index at each position. */
  readonly calleeEdge: Int32Array;
  /** The function called. */
  readonly callee: Int32Array;
  /** The call's cumulative time (seconds), as recorded on its edge. */
  readonly calleeCt: Float64Array;
  /** The calls made to f: positions callerStart[f] to callerStart[f + 1] - 1 of callerEdge and caller. */
  readonly callerStart: Int32Array;
  readonly callerEdge: Int32Array;
  /** The calling function. */
  readonly caller: Int32Array;
}

/**
 * Lays out the edges (edge e calls from callerOf[e] to calleeOf[e], ct[e] seconds) by
 * caller and by callee, each function's calls in edge order. Linear in the edges: a count,
 * a running sum, and one placing pass.
 */
export function buildCallAdjacency(functionCount: number, callerOf: Int32Array, calleeOf: Int32Array, ct: Float64Array): CallAdjacency {
  const edgeCount = callerOf.length;
  const calleeStart = new Int32Array(functionCount + 1);
  const callerStart = new Int32Array(functionCount + 1);
  // Counts at [f + 1], so the running sum leaves each function's first position at [f].
  for (let e = 0; e < edgeCount; e++) {
    calleeStart[callerOf[e] + 1]++;
    callerStart[calleeOf[e] + 1]++;
  }
  for (let f = 0; f < functionCount; f++) {
    calleeStart[f + 1] += calleeStart[f];
    callerStart[f + 1] += callerStart[f];
  }
  const calleeEdge = new Int32Array(edgeCount);
  const callee = new Int32Array(edgeCount);
  const calleeCt = new Float64Array(edgeCount);
  const callerEdge = new Int32Array(edgeCount);
  const caller = new Int32Array(edgeCount);
  // Where the next call of each function goes; both start as a copy of the first positions.
  const nextCallee = calleeStart.slice(0, functionCount);
  const nextCaller = callerStart.slice(0, functionCount);
  for (let e = 0; e < edgeCount; e++) {
    const from = callerOf[e];
    const to = calleeOf[e];
    const out = nextCallee[from]++;
    calleeEdge[out] = e;
    callee[out] = to;
    calleeCt[out] = ct[e];
    const into = nextCaller[to]++;
    callerEdge[into] = e;
    caller[into] = from;
  }
  return { calleeStart, calleeEdge, callee, calleeCt, callerStart, callerEdge, caller };
}
