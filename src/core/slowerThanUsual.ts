/**
 * "Slower than usual": a request that took much longer than its endpoint's other requests
 * usually do, so that the Profiles panel and the profile view can offer to compare it with
 * them (the endpoint's aggregate, as a per-request mean).
 *
 * The rule, in one place: a request is slower than usual when, among the other profiled
 * requests of its endpoint (at least MIN_OTHERS of them), its wall time is at least MIN_RATIO
 * times their median AND above their 90th percentile. Both: twice the median alone flags
 * every request of an endpoint whose times are spread widely (a few of them always are), and
 * above p90 alone flags one request in ten. The others exclude the request itself, so that a
 * single slow request does not raise the bar it is measured against. Only profiled requests
 * count: they are what the comparison merges, so "the median of 41 requests" names the 41
 * requests the aggregate holds.
 */
import { endpointKey } from './profileGroups';
import type { ReadableEntry } from './profileIndex';
import { formatMs } from './format';

/** Fewer other requests than this tell too little about what is usual. */
export const MIN_OTHERS = 5;
/** How many times the others' median a request must take at least. */
export const MIN_RATIO = 2;
/** The others' percentile a request must be above. */
export const ABOVE_PERCENTILE = 90;

export interface SlowerThanUsual {
  /** The request's wall time over the others' median (3.4 means 3.4 times). */
  ratio: number;
  /** The others' median and 90th percentile (nearest rank), milliseconds. */
  medianMs: number;
  p90Ms: number;
  /** How many other requests of the endpoint these are of. */
  others: number;
  /** The endpoint, as the panel names it ("GET /api/users/{id}"). */
  endpoint: string;
}

/**
 * The value at rank `rank` (0-based) of `sorted` without its element at `removed`: the list of
 * the others, without copying it (an endpoint of 10,000 requests asks this for each of them).
 */
function withoutAt(sorted: readonly number[], removed: number, rank: number): number {
  return sorted[rank < removed ? rank : rank + 1];
}

function medianWithout(sorted: readonly number[], removed: number): number {
  const n = sorted.length - 1;
  const middle = n >> 1;
  return n % 2 ? withoutAt(sorted, removed, middle) : (withoutAt(sorted, removed, middle - 1) + withoutAt(sorted, removed, middle)) / 2;
}

/** Nearest-rank percentile of the others (as profileGroups.percentile). */
function percentileWithout(sorted: readonly number[], removed: number, p: number): number {
  const n = sorted.length - 1;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return withoutAt(sorted, removed, rank - 1);
}

/**
 * The rule for one request of `sorted` (every profiled request of the endpoint, this one
 * included, ascending wall times), the request being the one at index `at`: how much slower it
 * is than usual, or undefined when it is not (or the others are too few to say).
 */
export function slowerThanUsualAt(sorted: readonly number[], at: number, endpoint: string): SlowerThanUsual | undefined {
  const others = sorted.length - 1;
  if (others < MIN_OTHERS) return undefined;
  const wallMs = sorted[at];
  const medianMs = medianWithout(sorted, at);
  const p90Ms = percentileWithout(sorted, at, ABOVE_PERCENTILE);
  // A median of 0 ms (times below the clock's resolution) says nothing of how much slower.
  if (!(medianMs > 0) || wallMs < MIN_RATIO * medianMs || !(wallMs > p90Ms)) return undefined;
  return { ratio: wallMs / medianMs, medianMs, p90Ms, others, endpoint };
}

/** The rule for a request of `wallMs` against the other requests' wall times (this one not among them). */
export function slowerThanUsual(wallMs: number, othersMs: readonly number[], endpoint: string): SlowerThanUsual | undefined {
  const sorted = [...othersMs, wallMs].sort((a, b) => a - b);
  return slowerThanUsualAt(sorted, sorted.lastIndexOf(wallMs), endpoint);
}

/**
 * Every request of the list that is slower than usual, by file: each against the other
 * profiled requests of its endpoint (src/core/profileGroups.ts's endpointKey). Unprofiled
 * requests, and pstats files that name no request, are neither flagged nor counted.
 */
export function slowerThanUsualByFile(entries: readonly ReadableEntry[]): Map<string, SlowerThanUsual> {
  const byEndpoint = new Map<string, ReadableEntry[]>();
  for (const entry of entries) {
    // A pstats file whose name names no request has no endpoint to be usual for.
    if (!entry.header.profiled || !entry.header.method) continue;
    const key = endpointKey(entry.header);
    let list = byEndpoint.get(key);
    if (!list) byEndpoint.set(key, (list = []));
    list.push(entry);
  }
  const slow = new Map<string, SlowerThanUsual>();
  for (const [endpoint, list] of byEndpoint) {
    if (list.length - 1 < MIN_OTHERS) continue;
    list.sort((a, b) => a.header.wallMs - b.header.wallMs);
    const sorted = list.map((e) => e.header.wallMs);
    // Each in constant time (the others' median and p90 are read around it): linear after the sort.
    for (let at = 0; at < sorted.length; at++) {
      const found = slowerThanUsualAt(sorted, at, endpoint);
      if (found) slow.set(list[at].file, found);
    }
  }
  return slow;
}

/** "3.4× the median of 41 requests to GET /api/users/{id} (median 12 ms, p90 20 ms)". */
export function slowerThanUsualText(slow: SlowerThanUsual): string {
  return `${slow.ratio.toFixed(1)}× the median of ${slow.others} request${slow.others === 1 ? '' : 's'} to ${slow.endpoint} (median ${formatMs(slow.medianMs)}, p90 ${formatMs(slow.p90Ms)})`;
}
