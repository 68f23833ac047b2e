/**
 * What the Endpoints overview page draws, as numbers and words (no DOM, so it is unit-tested):
 * the table's order, each mark's tooltip, and where a mark goes in a row's strip (x = duration
 * on the shared log scale) and in the time chart (x = start time, linear; y = duration on the
 * log scale, slow at the top).
 */
import { scalePosition, type LogScale } from './durationScale';
import type { OverviewEndpoint, RequestMarks } from './endpointOverview';
import { formatClock, formatMs } from './format';

export type EndpointsSortKey = 'endpoint' | 'count' | 'median' | 'p95' | 'max' | 'errors';
import type { SortDirection } from './sortOrder';

export type { SortDirection };

const NUMBERS: Record<Exclude<EndpointsSortKey, 'endpoint'>, (endpoint: OverviewEndpoint) => number> = {
  count: (e) => e.count,
  median: (e) => e.medianMs,
  p95: (e) => e.p95Ms,
  max: (e) => e.maxMs,
  errors: (e) => e.errorCount,
};

/** The endpoints in the order asked, ties in the host's order (slowest median first). */
export function sortEndpoints(endpoints: readonly OverviewEndpoint[], key: EndpointsSortKey, direction: SortDirection): OverviewEndpoint[] {
  const sign = direction === 'ascending' ? 1 : -1;
  const order = new Map(endpoints.map((endpoint, i) => [endpoint, i]));
  const compare =
    key === 'endpoint'
      ? (a: OverviewEndpoint, b: OverviewEndpoint) => a.key.localeCompare(b.key)
      : (a: OverviewEndpoint, b: OverviewEndpoint) => NUMBERS[key](a) - NUMBERS[key](b);
  return [...endpoints].sort((a, b) => sign * compare(a, b) || order.get(a)! - order.get(b)!);
}

/** A mark's tooltip: "133 ms · 200 · 17:28:09". */
export function markTitle(marks: RequestMarks, index: number): string {
  return `${formatMs(marks.ms[index])} · ${marks.outcome[index]} · ${formatClock(marks.start[index])}`;
}

/** A mark is slow when above its endpoint's p95 (and the endpoint has more than one request). */
export function isSlowMark(endpoint: Pick<OverviewEndpoint, 'count' | 'p95Ms'>, ms: number): boolean {
  return endpoint.count > 1 && ms > endpoint.p95Ms;
}

/** The marks' indexes from fastest to slowest (a row's strip, left to right, as the keyboard walks it). */
export function fastestFirst(marks: RequestMarks): number[] {
  return marks.ms.map((_, i) => i).sort((a, b) => marks.ms[a] - marks.ms[b] || a - b);
}

export interface ChartBox {
  width: number;
  height: number;
  /** Room kept for the axes' labels. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

/** Where a mark sits in the time chart: x by start time (linear), y by duration (log, slowest at top). */
export function timelinePoint(box: ChartBox, scale: LogScale, firstStart: number, lastStart: number, start: number, ms: number): { x: number; y: number } {
  const span = lastStart - firstStart;
  const across = span > 0 ? (start - firstStart) / span : 0.5;
  const plotWidth = box.width - box.left - box.right;
  const plotHeight = box.height - box.top - box.bottom;
  return { x: box.left + across * plotWidth, y: box.top + (1 - scalePosition(scale, ms)) * plotHeight };
}

/** "in 4.2 s", "over 12 min", "over 3.5 h": how long the chart's time axis spans. */
export function spanText(seconds: number): string {
  if (!(seconds > 0)) return 'at one moment';
  if (seconds < 60) return `over ${formatMs(seconds * 1000)}`;
  if (seconds < 3600) return `over ${(seconds / 60).toFixed(seconds < 600 ? 1 : 0)} min`;
  return `over ${(seconds / 3600).toFixed(1)} h`;
}
