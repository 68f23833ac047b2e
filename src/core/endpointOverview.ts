/**
 * What the Endpoints overview shows, computed in the host from the profile index's headers:
 * the endpoints as the Profiles panel groups them (groupByEndpoint, with its statistics), each
 * with a histogram of all its requests' durations on one log scale shared by every endpoint, and
 * marks for at most MAX_MARKS of its requests (pickMarks: the slowest, and the others spread over
 * time). The page gets compact arrays, and names a request to open by the number given here;
 * the files stay in the host. Pure.
 */
import { histogram, logScaleFor, pickMarks, type LogScale } from './durationScale';
import { groupByEndpoint, isFailedRequest, type EndpointStats } from './profileGroups';
import type { ProfileHeader } from './profileFormat';
import type { ReadableEntry } from './profileIndex';

/** Marks per endpoint: enough to see the spread and click any slow one, few enough to draw thousands of requests quickly. */
export const MAX_MARKS = 300;
/** Bars of each endpoint's histogram across the whole scale. */
export const HISTOGRAM_BINS = 40;

/** An endpoint's marked requests, oldest first, as parallel arrays (one index per request). */
export interface RequestMarks {
  /** The number the page names the request by (an index of EndpointsOverview.files). */
  request: number[];
  /** Wall time, ms. */
  ms: number[];
  /** Start, unix seconds. */
  start: number[];
  /** "200", "500", "raised RuntimeError", "no response". */
  outcome: string[];
  /** Raised or answered 5xx (isFailedRequest). */
  failed: boolean[];
}

export interface OverviewEndpoint extends EndpointStats {
  /** The group's id (unique; the page selects by it). */
  id: string;
  /** "GET /users/<int:id>", or the panel's guessed pattern "GET /users/{id}". */
  key: string;
  /** Where the key comes from: the framework and route name, or null when grouped by path. */
  route: { framework: string; name: string | null } | null;
  /** Counts of all its requests' durations over the shared scale (HISTOGRAM_BINS bars). */
  histogram: number[];
  marks: RequestMarks;
  firstStart: number;
  lastStart: number;
}

export interface EndpointsOverview {
  endpoints: OverviewEndpoint[];
  /** The one duration scale of every histogram, strip and time chart. */
  scale: LogScale;
  /** Requests in all endpoints. */
  requests: number;
  /** The profile file of each request number (kept by the host, never sent). */
  files: string[];
}

/** The status as the page's tooltips say it. */
export function requestOutcome(header: Pick<ProfileHeader, 'status' | 'error'>): string {
  if (header.error !== null) return header.status === null ? `raised ${header.error}` : `${header.status}, then raised ${header.error}`;
  return header.status === null ? 'no response' : String(header.status);
}

/** The overview of these requests (any order), slowest median first as in the Profiles panel. */
export function buildEndpointsOverview(entries: readonly ReadableEntry[]): EndpointsOverview {
  const groups = groupByEndpoint(entries);
  const scale = logScaleFor(entries.map((entry) => entry.header.wallMs));
  const files: string[] = [];
  const endpoints = groups.map((group): OverviewEndpoint => {
    const oldestFirst = [...group.entries].sort((a, b) => a.header.start - b.header.start || a.file.localeCompare(b.file));
    const durations = oldestFirst.map((entry) => entry.header.wallMs);
    const marks: RequestMarks = { request: [], ms: [], start: [], outcome: [], failed: [] };
    for (const index of pickMarks(durations, MAX_MARKS)) {
      const { file, header } = oldestFirst[index];
      marks.request.push(files.push(file) - 1);
      marks.ms.push(header.wallMs);
      marks.start.push(header.start);
      marks.outcome.push(requestOutcome(header));
      marks.failed.push(isFailedRequest(header));
    }
    return {
      id: group.id,
      key: group.key,
      route: group.route ? { framework: group.route.framework, name: group.route.name } : null,
      ...group.stats,
      histogram: histogram(durations, scale, HISTOGRAM_BINS),
      marks,
      firstStart: oldestFirst[0].header.start,
      lastStart: oldestFirst[oldestFirst.length - 1].header.start,
    };
  });
  return { endpoints, scale, requests: entries.length, files };
}
