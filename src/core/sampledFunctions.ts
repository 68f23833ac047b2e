/**
 * A sampled profile's numbers per function and its callers, read from its stacks, so that the
 * Functions and Callers tabs say what the Call tree and Flame tabs say:
 *
 * - own: the running stacks with the function at the top (an asyncio request waiting at one of
 *   its awaits is `awaiting` there, not the function's own work, as in the tree and the flame
 *   graph; the file's `tt` counts it as own time);
 * - total: the stacks with the function anywhere, counted once per stack however often it
 *   recurs there; samples likewise. The sampler counts no calls: samples stand in their place;
 * - callers (callerPaths): for each stack, the frames above the function's outermost call,
 *   from the nearest up to the root. Every stack through the function counts once, under the
 *   path that led to it, so a function's callers add up to its total, exactly, at every level.
 *
 * Linear in the total length of the stacks.
 */
import { ChildrenByFunction } from './childrenByFunction';
import type { SampledStack } from './profileFormat';

export interface SampledFunctionFigures {
  /** Seconds running at the top of the stack, by function. */
  readonly own: Float64Array;
  /** Seconds on the stack, once per stack, by function. */
  readonly total: Float64Array;
  /** Seconds waiting at an await with the function at the top of the awaiting stack, by function. */
  readonly awaiting: Float64Array;
  /** Samples with the function on the stack, once per stack, by function. */
  readonly samples: Float64Array;
  /** Seconds of every stack: what shares are of (the call tree's and flame graph's whole). */
  readonly totalTime: number;
}

export function sampledFunctionFigures(functionCount: number, stacks: readonly SampledStack[]): SampledFunctionFigures {
  const own = new Float64Array(functionCount);
  const total = new Float64Array(functionCount);
  const awaiting = new Float64Array(functionCount);
  const samples = new Float64Array(functionCount);
  // The last stack (numbered from 1) each function was counted in: once per stack without a set per stack.
  const countedIn = new Int32Array(functionCount);
  let totalTime = 0;
  for (let s = 0; s < stacks.length; s++) {
    const [frames, , waiting, wall, , count] = stacks[s];
    totalTime += wall;
    if (!frames.length) continue;
    const top = frames[frames.length - 1];
    if (waiting) awaiting[top] += wall;
    else own[top] += wall;
    for (const fn of frames) {
      if (countedIn[fn] === s + 1) continue;
      countedIn[fn] = s + 1;
      total[fn] += wall;
      samples[fn] += count;
    }
  }
  return { own, total, awaiting, samples, totalTime };
}

/** Seconds of every stack: the whole a sampled view's shares are of (the flame graph's root). */
export function stacksTime(stacks: readonly SampledStack[]): number {
  let time = 0;
  for (const stack of stacks) time += stack[3];
  return time;
}

/** A chain of callers above a function: the function itself at the root of the chains. */
export interface CallerPath {
  readonly fn: number;
  time: number;
  samples: number;
  /** The next caller up, the most time first (on a tie the lower function index). */
  readonly children: CallerPath[];
}

/** The chains of callers of target (see the top of this file); the root's time is target's total. */
export function callerPaths(stacks: readonly SampledStack[], target: number): CallerPath {
  const root: CallerPath = { fn: target, time: 0, samples: 0, children: [] };
  const children = new ChildrenByFunction<CallerPath>();
  const childOf = (parent: CallerPath, fn: number): CallerPath => children.find(parent, fn) ?? children.add(parent, { fn, time: 0, samples: 0, children: [] });
  for (const [frames, , , wall, , count] of stacks) {
    const outermost = frames.indexOf(target);
    if (outermost < 0) continue;
    let node = root;
    node.time += wall;
    node.samples += count;
    for (let at = outermost - 1; at >= 0; at--) {
      node = childOf(node, frames[at]);
      node.time += wall;
      node.samples += count;
    }
  }
  const pending = [root];
  while (pending.length) {
    const node = pending.pop()!;
    if (node.children.length > 1) node.children.sort((a, b) => b.time - a.time || a.fn - b.fn);
    for (const child of node.children) pending.push(child);
  }
  return root;
}
