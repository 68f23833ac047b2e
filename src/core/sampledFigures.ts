/**
 * How the views word a sampled profile's figures. A sampled time is a count of samples each
 * weighted by the real time since the previous one: it is measured on whole stacks, but it is
 * not exact to the microsecond, so times are shown to a tenth of a millisecond at most, and
 * the number of samples behind a figure goes with it (in the tooltips).
 */
import { formatMs } from './format';
import type { SamplingStats } from './profileFormat';

/** Like formatMs, but never finer than 0.1 ms: "4.2 ms", "0.3 ms", "12.5 ms", "1.23 s". */
export function formatSampledMs(ms: number): string {
  if (Number.isFinite(ms) && ms >= 0 && ms < 10) return `${ms.toFixed(1)} ms`;
  return formatMs(ms);
}

/** The milliseconds of a profile's times as its views show them: a sampled profile's to 0.1 ms at most, cProfile's as recorded. */
export function msFormatFor(sampled: boolean): (ms: number) => string {
  return sampled ? formatSampledMs : formatMs;
}

/** "1 sample", "42 samples". */
export function samplesText(samples: number): string {
  return `${samples} sample${samples === 1 ? '' : 's'}`;
}

/**
 * Where a sampled view's times come from, for its legend: "Times from 41 samples at 506 Hz
 * (longest gap 4.4 ms)". The longest gap is what one sample may have misplaced.
 */
export function samplingSummary(stats: Pick<SamplingStats, 'samples' | 'rateHz' | 'maxGapMs'>): string {
  const rate = stats.rateHz >= 100 ? stats.rateHz.toFixed(0) : stats.rateHz.toPrecision(2);
  return `Times from ${samplesText(stats.samples)} at ${rate} Hz (longest gap ${formatMs(stats.maxGapMs)})`;
}

/** The tooltip line of a sampled figure: "47.0 ms in 9 samples, 2.0 ms in 1 of them running here". */
export function sampledTimeLine(total: number, samples: number, own: number, ownSamples: number): string {
  const here = ownSamples > 0 ? `, ${formatSampledMs(own * 1000)} in ${ownSamples} of them running here` : '';
  return `${formatSampledMs(total * 1000)} in ${samplesText(samples)}${here}`;
}
