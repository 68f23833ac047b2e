// What the Node benches time with and how they print the figures.
import { performance } from 'node:perf_hooks';

/**
 * [the milliseconds action took, what it returned]. Under node --expose-gc, a collection
 * first: otherwise the garbage of a previous run (a 10 MB parse) is collected during this one
 * and the figures swing widely.
 */
export function timed(action) {
  globalThis.gc?.();
  const start = performance.now();
  const value = action();
  return [performance.now() - start, value];
}

/** The median, 95th percentile, minimum and maximum of samples (NaN for none). */
export function spread(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
}

export const median = (samples) => spread(samples).median;

/** Milliseconds as the benches print them: two decimals under 10 ms, one from there on. */
export const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
