/**
 * Sampled profiles for the tests of the views built from stacks: the stacks are written by
 * hand, and the function and edge tables are derived from them the way the middleware does
 * (python/request_profiler/sampling/profile_tables.py), so each document is one the middleware
 * could write. Times in milliseconds, stored in seconds.
 */
import type { ProfileData, ProfiledEdge, ProfiledFunction, SampledStack, SamplingStats } from '../../src/core/profileFormat';

const MS = 0.001;

/** A stack of `samples` samples standing for wallMs; lines are left as 1. */
export function sampled(frames: number[], wallMs: number, samples: number, awaiting = false): SampledStack {
  return [frames, frames.map(() => 1), awaiting, wallMs * MS, 0, samples];
}

/** A function of a sampled profile, its numbers left at 0 for sampledData to fill in. */
export function sampledFn(file: string, name: string): ProfiledFunction {
  return { file, line: 10, name, qualname: name, cc: 0, nc: 0, tt: 0, ct: 0 };
}

/** The profile: functions' and edges' numbers from the stacks, as profile_tables.py adds them up. */
export function sampledData(functions: ProfiledFunction[], stacks: SampledStack[]): ProfileData {
  const rows = functions.map((f) => ({ ...f, cc: 0, nc: 0, tt: 0, ct: 0 }));
  // By caller × count + callee: string keys made the 100,000-deep test's set-up take seconds.
  const count = functions.length;
  const edges = new Map<number, ProfiledEdge>();
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
    if (frames.length > 1) edges.get(frames[frames.length - 2] * count + frames[frames.length - 1])![4] += seconds;
  }
  const sampling: SamplingStats = {
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
