// A sampled profile's function and edge tables, derived from its stacks the way the middleware
// adds them up (python/request_profiler/sampling/profile_tables.py), so a document made from
// generated or hand-written stacks is one the middleware could write: the unit tests'
// (test/unit/sampledSamples.ts) and the benches' (makeSampledProfile.mjs).

const MS = 0.001;

/** The profile: functions' and edges' numbers from the stacks (times in seconds). */
export function sampledData(functions, stacks) {
  const rows = functions.map((f) => ({ ...f, cc: 0, nc: 0, tt: 0, ct: 0 }));
  // By caller × count + callee: string keys made the 100,000-deep test's set-up take seconds.
  const count = functions.length;
  const edges = new Map();
  let samples = 0;
  let wall = 0;
  for (const [frames, , , seconds, , stackSamples] of stacks) {
    samples += stackSamples;
    wall += seconds;
    if (!frames.length) continue;
    rows[frames[frames.length - 1]].tt += seconds;
    for (const index of new Set(frames)) {
      rows[index].ct += seconds;
      rows[index].cc += stackSamples;
      rows[index].nc += stackSamples;
    }
    const pairs = new Set(frames.slice(1).map((callee, i) => frames[i] * count + callee));
    for (const pair of pairs) {
      const edge = edges.get(pair) ?? [Math.floor(pair / count), pair % count, 0, 0, 0, 0];
      edges.set(pair, edge);
      edge[2] += stackSamples;
      edge[3] += stackSamples;
      edge[5] += seconds;
    }
    if (frames.length > 1) edges.get(frames[frames.length - 2] * count + frames[frames.length - 1])[4] += seconds;
  }
  const sampling = {
    intervalMs: 1,
    samples,
    rateHz: wall > 0 ? samples / wall : 0,
    maxGapMs: 6.3,
    sampledMs: wall / MS,
    cpuMs: null,
    unsampledTailMs: 0,
    unattributedMs: 0,
    overflowMs: 0,
    distinctStacks: stacks.length,
  };
  const sorted = [...stacks].sort((a, b) => b[3] - a[3]);
  return { functions: rows, edges: [...edges.values()], notes: [], engine: 'sample', sampling, stacks: sorted };
}
