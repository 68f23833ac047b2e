/**
 * A large, internally consistent profile for the call graph benchmark: every function's
 * cumulative time is its own time plus what its calls took, and each function's cumulative
 * time is shared out among its callers, so the root's time is the sum of all own times,
 * as in a real cProfile run. Deterministic (seeded), so runs compare.
 */
import type { ProfileData, ProfiledEdge, ProfiledFunction } from '../src/core/profileFormat';

/** mulberry32: a small seeded generator, good enough to shape test data. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const MODULES = ['app/views', 'app/models', 'django/db/models/query', 'django/template/base', 'jinja2/runtime', 'json/encoder', 'sqlalchemy/orm/session'];

export function makeLargeProfile(functionCount: number, edgeCount: number, seed = 1): ProfileData {
  const random = seededRandom(seed);
  // Own times are heavy-tailed, like real code: most functions cost microseconds, a few milliseconds.
  const ownTime = Array.from({ length: functionCount }, () => 1e-6 * Math.exp(random() * random() * 12));
  // Callers always have a lower index, so the call graph is a DAG rooted at 0 and times can be
  // summed bottom-up. The first STACK functions form a chain, like a web framework's entry
  // (server, middleware, app, dispatch, view); every other function gets one caller nearby
  // (depth) and then random extra callers from below the chain's end.
  const STACK = Math.min(8, functionCount - 1);
  const callersOf: number[][] = Array.from({ length: functionCount }, () => []);
  const pairs = new Set<number>();
  const addEdge = (caller: number, callee: number): boolean => {
    const key = caller * functionCount + callee;
    if (caller === callee || pairs.has(key)) return false;
    pairs.add(key);
    callersOf[callee].push(caller);
    return true;
  };
  for (let callee = 1; callee < functionCount; callee++) {
    const window = callee <= STACK ? 1 : Math.min(callee - STACK, 1 + Math.floor(random() * 40));
    addEdge(callee - window, callee);
  }
  let edges = functionCount - 1;
  while (edges < edgeCount && functionCount > STACK + 2) {
    const callee = STACK + 1 + Math.floor(random() * (functionCount - STACK - 1));
    const caller = STACK + Math.floor(random() * (callee - STACK));
    if (addEdge(caller, callee)) edges++;
  }

  const ct = new Float64Array(functionCount);
  const calls = new Uint32Array(functionCount);
  const edgeCt = new Map<number, number>();
  const edgeCalls = new Map<number, number>();
  for (let f = functionCount - 1; f >= 0; f--) {
    ct[f] += ownTime[f];
    const callers = callersOf[f];
    if (!callers.length) {
      calls[f] = 1;
      continue;
    }
    // The first (nearby) caller takes most of the time, the others share the rest.
    const shares = callers.map((_, i) => (i === 0 ? 4 : random()));
    const sum = shares.reduce((a, b) => a + b, 0);
    callers.forEach((caller, i) => {
      const key = caller * functionCount + f;
      const n = 1 + Math.floor(random() * random() * 20);
      edgeCt.set(key, (ct[f] * shares[i]) / sum);
      edgeCalls.set(key, n);
      calls[f] += n;
      ct[caller] += (ct[f] * shares[i]) / sum;
    });
  }
  // ct[caller] grew while its callees were visited (callees have higher indices), before its own turn.

  const functions: ProfiledFunction[] = Array.from({ length: functionCount }, (_, f) => {
    const module = MODULES[f % MODULES.length];
    return {
      file: `/srv/${module}.py`,
      line: 1 + (f % 2000),
      name: `function_${f}`,
      qualname: `Class${f % 97}.function_${f}`,
      cc: calls[f],
      nc: calls[f],
      tt: ownTime[f],
      ct: ct[f],
    };
  });
  const profiledEdges: ProfiledEdge[] = [];
  for (const [key, time] of edgeCt) {
    const caller = Math.floor(key / functionCount);
    const callee = key % functionCount;
    const n = edgeCalls.get(key)!;
    profiledEdges.push([caller, callee, n, n, (ownTime[callee] * time) / ct[callee], time]);
  }
  return { functions, edges: profiledEdges, notes: ['generated for the benchmark'] };
}
