/**
 * Ways to group the request list: into bursts of requests close in time (the VS Code
 * counterpart of Dozer's age-shaded rows, which showed clumps of requests), and by endpoint
 * with duration statistics.
 */
import type { ProfileHeader } from './profileFormat';
import type { ReadableEntry } from './profileIndex';

export interface Burst {
  /** Stable id: the start time of the burst's first request. */
  id: string;
  /** Newest first, like the list. */
  entries: ReadableEntry[];
  firstStart: number;
  lastStart: number;
  maxWallMs: number;
}

/**
 * Splits a newest-first list into bursts: a new burst starts where the gap between two
 * consecutive requests exceeds gapSeconds.
 */
export function groupIntoBursts(entries: readonly ReadableEntry[], gapSeconds: number): Burst[] {
  const bursts: Burst[] = [];
  let current: ReadableEntry[] = [];
  const flush = () => {
    if (!current.length) return;
    const oldest = current[current.length - 1].header;
    bursts.push({
      id: `burst-${oldest.start}`,
      entries: current,
      firstStart: oldest.start,
      lastStart: current[0].header.start,
      maxWallMs: Math.max(...current.map((e) => e.header.wallMs)),
    });
    current = [];
  };
  for (const entry of entries) {
    const previous = current[current.length - 1];
    if (previous && previous.header.start - entry.header.start > gapSeconds) flush();
    current.push(entry);
  }
  flush();
  return bursts;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Numbers, UUIDs, and hex tokens of 12+ characters that hold a digit (so plain words stay). */
function isIdSegment(segment: string): boolean {
  return /^\d+$/.test(segment) || UUID.test(segment) || (/^[0-9a-f]{12,}$/i.test(segment) && /\d/.test(segment));
}

/**
 * The endpoint a request belongs to: method and path with id-like segments (numbers, UUIDs,
 * long hex) replaced by "{id}", since a profile records the path, not the framework's route.
 */
export function endpointKey(header: Pick<ProfileHeader, 'method' | 'path'>): string {
  const path = header.path
    .split('/')
    .map((segment) => (isIdSegment(segment) ? '{id}' : segment))
    .join('/');
  return `${header.method} ${path || '/'}`;
}

export interface DurationStats {
  count: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
}

/** Nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function durationStats(durationsMs: readonly number[]): DurationStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { count: sorted.length, medianMs: median, p95Ms: percentile(sorted, 95), maxMs: sorted[sorted.length - 1] };
}

export interface EndpointGroup {
  key: string;
  entries: ReadableEntry[];
  stats: DurationStats;
}

/** Groups by endpoint, slowest median first. */
export function groupByEndpoint(entries: readonly ReadableEntry[]): EndpointGroup[] {
  const groups = new Map<string, ReadableEntry[]>();
  for (const entry of entries) {
    const key = endpointKey(entry.header);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(entry);
  }
  return [...groups]
    .map(([key, list]) => ({ key, entries: list, stats: durationStats(list.map((e) => e.header.wallMs)) }))
    .sort((a, b) => b.stats.medianMs - a.stats.medianMs || a.key.localeCompare(b.key));
}
