/**
 * Sampled profiles for the tests of the views built from stacks: the stacks are written by
 * hand, and the function and edge tables are derived from them the way the middleware does
 * (python/request_profiler/sampling/profile_tables.py), so each document is one the middleware
 * could write. Times in milliseconds, stored in seconds.
 */
import type { ProfiledFunction, SampledStack } from '../../src/core/profileFormat';

const MS = 0.001;

/** A stack of `samples` samples standing for wallMs; lines are left as 1. */
export function sampled(frames: number[], wallMs: number, samples: number, awaiting = false): SampledStack {
  return [frames, frames.map(() => 1), awaiting, wallMs * MS, 0, samples];
}

/** A function of a sampled profile, its numbers left at 0 for sampledData to fill in. */
export function sampledFn(file: string, name: string): ProfiledFunction {
  return { file, line: 10, name, qualname: name, cc: 0, nc: 0, tt: 0, ct: 0 };
}

// The function and edge tables derived from the stacks: shared with the benches' generator (test/support/makeSampledProfile.mjs).
export { sampledData } from '../support/sampledTables.mjs';
