/**
 * Ways to group the request list: into bursts of requests close in time (the VS Code
 * counterpart of Dozer's age-shaded rows, which showed clumps of requests), and by endpoint
 * with duration statistics.
 */
import type { ProfileHeader, ProfileRoute } from './profileFormat';
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
 * The endpoint a request belongs to, as shown: the route the framework matched when the
 * profile carries one (method and template, e.g. "GET /users/<int:id>"); otherwise a
 * guess from the path, id-like segments (numbers, UUIDs, long hex) replaced by "{id}".
 */
export function endpointKey(header: Pick<ProfileHeader, 'method' | 'path' | 'route'>): string {
  if (header.route) return `${header.method} ${header.route.template}`;
  const path = header.path
    .split('/')
    .map((segment) => (isIdSegment(segment) ? '{id}' : segment))
    .join('/');
  return `${header.method} ${path || '/'}`;
}

/**
 * What a group is told apart by: a framework's route and a guessed pattern that read the
 * same ("GET /users/{id}" from Pyramid, and from folding /users/7) are different groups,
 * and so are routes of two frameworks (two apps writing to one folder).
 */
function groupId(header: Pick<ProfileHeader, 'method' | 'path' | 'route'>): string {
  const key = endpointKey(header);
  return header.route ? `route:${header.route.framework}:${key}` : `path:${key}`;
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

/** A request that failed: the app raised, or answered a server error (5xx). */
export function isFailedRequest(header: Pick<ProfileHeader, 'status' | 'error'>): boolean {
  return header.error !== null || (header.status !== null && header.status >= 500);
}

export interface EndpointStats extends DurationStats {
  /** Requests that failed (isFailedRequest). */
  errorCount: number;
}

/** Count, median, p95 and max of the wall times, and the failed requests, of one endpoint's requests. */
export function endpointStats(headers: readonly Pick<ProfileHeader, 'wallMs' | 'status' | 'error'>[]): EndpointStats {
  return { ...durationStats(headers.map((h) => h.wallMs)), errorCount: headers.filter(isFailedRequest).length };
}

export interface EndpointGroup {
  /** Unique among the groups (see groupId). */
  id: string;
  /** What the row shows: method and template, or method and guessed pattern. */
  key: string;
  /** The framework's route, when the group's profiles carry one; else grouped by guessed pattern. */
  route?: ProfileRoute;
  entries: ReadableEntry[];
  stats: EndpointStats;
}

/** Groups by endpoint (the framework's route where known), slowest median first. */
export function groupByEndpoint(entries: readonly ReadableEntry[]): EndpointGroup[] {
  const groups = new Map<string, ReadableEntry[]>();
  for (const entry of entries) {
    const id = groupId(entry.header);
    let list = groups.get(id);
    if (!list) groups.set(id, (list = []));
    list.push(entry);
  }
  return [...groups]
    .map(([id, list]): EndpointGroup => {
      const { route } = list[0].header;
      const group: EndpointGroup = { id, key: endpointKey(list[0].header), entries: list, stats: endpointStats(list.map((e) => e.header)) };
      if (route) group.route = route;
      return group;
    })
    .sort((a, b) => b.stats.medianMs - a.stats.medianMs || a.key.localeCompare(b.key) || a.id.localeCompare(b.id));
}
