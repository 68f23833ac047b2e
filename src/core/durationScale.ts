/**
 * The duration axis of the Endpoints overview: a logarithmic scale (request times span from a
 * tenth of a millisecond to seconds, and a linear axis would squeeze every fast request into one
 * pixel beside one slow outlier), its decade ticks, a histogram on it, and which requests of a
 * long list get a mark of their own. Pure: the host computes, the page draws.
 */

/** A log scale from minMs to maxMs, both powers of ten, minMs < maxMs. */
export interface LogScale {
  minMs: number;
  maxMs: number;
}

/** Durations below this are drawn at it (a log axis has no zero): a microsecond. */
export const SMALLEST_MS = 0.001;

/** The scale that holds every finite duration, widened to whole decades; one decade when all are equal. */
export function logScaleFor(durationsMs: Iterable<number>): LogScale {
  let low = Infinity;
  let high = -Infinity;
  for (const ms of durationsMs) {
    if (!Number.isFinite(ms)) continue;
    const value = Math.max(ms, SMALLEST_MS);
    if (value < low) low = value;
    if (value > high) high = value;
  }
  if (low === Infinity) return { minMs: 1, maxMs: 1000 };
  const minExponent = Math.floor(Math.log10(low) + 1e-9);
  let maxExponent = Math.ceil(Math.log10(high) - 1e-9);
  if (maxExponent <= minExponent) maxExponent = minExponent + 1;
  return { minMs: 10 ** minExponent, maxMs: 10 ** maxExponent };
}

/** Where a duration falls on the scale, from 0 (minMs) to 1 (maxMs); clamped, a non-number at 0. */
export function scalePosition(scale: LogScale, ms: number): number {
  if (!Number.isFinite(ms) || ms <= scale.minMs) return ms === Infinity ? 1 : 0;
  if (ms >= scale.maxMs) return 1;
  return (Math.log10(ms) - Math.log10(scale.minMs)) / (Math.log10(scale.maxMs) - Math.log10(scale.minMs));
}

/** The scale's decades (1 ms, 10 ms, 100 ms...), from minMs to maxMs inclusive. */
export function scaleTicks(scale: LogScale): number[] {
  const first = Math.round(Math.log10(scale.minMs));
  const last = Math.round(Math.log10(scale.maxMs));
  const ticks: number[] = [];
  for (let exponent = first; exponent <= last; exponent++) ticks.push(10 ** exponent);
  return ticks;
}

/** How many durations fall in each of `bins` equal slices of the scale (the last slice holds maxMs). */
export function histogram(durationsMs: Iterable<number>, scale: LogScale, bins: number): number[] {
  const counts = new Array<number>(bins).fill(0);
  for (const ms of durationsMs) counts[Math.min(bins - 1, Math.floor(scalePosition(scale, ms) * bins))]++;
  return counts;
}

/**
 * Which of a list of durations (in time order) get a mark, at most `cap`: all of them when they
 * fit; otherwise the slowest quarter of the cap (the slow ones must stay visible and clickable)
 * and the others spread evenly over time (so a warm-up or a regression still shows). Indexes
 * in increasing order, exactly `cap` of them when there are more.
 */
export function pickMarks(durationsMs: readonly number[], cap: number): number[] {
  const count = durationsMs.length;
  if (count <= cap) return durationsMs.map((_, i) => i);
  const slowestCount = Math.floor(cap / 4);
  const bySlowest = durationsMs.map((_, i) => i).sort((a, b) => durationsMs[b] - durationsMs[a] || a - b);
  const slowest = new Set(bySlowest.slice(0, slowestCount));
  const others = durationsMs.map((_, i) => i).filter((i) => !slowest.has(i));
  const spread = cap - slowestCount;
  const picked = [...slowest];
  for (let k = 0; k < spread; k++) picked.push(others[Math.floor((k * others.length) / spread)]);
  return picked.sort((a, b) => a - b);
}

/** A decade tick's label, short enough for a narrow axis: "0.1 ms", "10 ms", "1 s", "10 s". */
export function tickLabel(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(3))} s`;
  return `${Number(ms.toPrecision(3))} ms`;
}
