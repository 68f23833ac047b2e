/**
 * What an aggregate profile is, in words, and the same aggregate as one request's worth: an
 * aggregate's numbers are sums over its requests (src/core/mergeProfiles.ts), and comparing
 * them with a single request's would compare 37 requests with one. perRequestMean divides every
 * summed number by the number of requests, so that the comparison is with "the mean of 37
 * requests".
 */
import type { ProfileDocument, ProfileHeader, SamplingStats } from './profileFormat';

type Named = Pick<ProfileHeader, 'method' | 'path'>;

/**
 * "GET /api/users/{id}": what the aggregate's requests were, without the " · 37 requests · mean
 * 12.4 ms" its header's path carries (mergeProfiles' aggregatePath); "*" (several methods) left out.
 */
export function aggregateEndpoint(header: Named): string {
  const path = header.path.split(' · ')[0];
  return header.method && header.method !== '*' ? `${header.method} ${path}` : path;
}

/** How many requests, and the words for it: "214 requests". */
export function requestCount(count: number): string {
  return `${count} request${count === 1 ? '' : 's'}`;
}

/**
 * The one-line description of an aggregate, for the profile view's header and tab:
 * "Aggregate of 214 requests to GET /api/users/{id}", or "Mean of 214 requests to …" for a
 * per-request mean; undefined for a request's own profile.
 */
export function aggregateDescription(document: Pick<ProfileDocument, 'header' | 'aggregate'>): string | undefined {
  const aggregate = document.aggregate;
  if (!aggregate) return undefined;
  return `${aggregate.mean ? 'Mean' : 'Aggregate'} of ${requestCount(aggregate.requests)} to ${aggregateEndpoint(document.header)}`;
}

/** " · mean of " in a per-request mean's header path, before what was averaged. */
const MEAN_OF = ' · mean of ';

/**
 * What a per-request mean averaged, as its header's path says ("5 other requests"); undefined
 * for anything that is not a mean.
 */
export function meanAveraged(document: Pick<ProfileDocument, 'header' | 'aggregate'>): string | undefined {
  if (!document.aggregate?.mean) return undefined;
  return document.header.path.split(MEAN_OF)[1];
}

/** The note mergeProfiles puts first on an aggregate ("aggregate of N requests: every number is a sum …"). */
const SUM_NOTE = /^aggregate of \d+ requests?: /;

function meanSampling(sampling: SamplingStats, n: number): SamplingStats {
  // The rate, the interval, the worst gap and the number of distinct stacks are not sums: kept.
  return {
    ...sampling,
    samples: sampling.samples / n,
    sampledMs: sampling.sampledMs / n,
    cpuMs: sampling.cpuMs === null ? null : sampling.cpuMs / n,
    unsampledTailMs: sampling.unsampledTailMs / n,
    unattributedMs: sampling.unattributedMs / n,
    overflowMs: sampling.overflowMs / n,
  };
}

/**
 * The aggregate as the mean request: every summed number (each function's and each pair's calls
 * and times, each stack's time and samples, the header's times and bytes) divided by the number
 * of requests, which makes call counts fractional where a function was not called the same number
 * of times in each. The header's path says "· mean of 37 requests" (the compare view names its
 * sides by it) and `aggregate.mean` is set. A new document: the aggregate is left as it was.
 * A document that is not an aggregate, or a mean already, is an error: dividing it again would be wrong.
 * `requestsWord` names the requests in the path and note instead of "37 requests".
 */
export function perRequestMean(document: ProfileDocument, requestsWord?: string): ProfileDocument {
  const aggregate = document.aggregate;
  if (!aggregate) throw new Error('perRequestMean: the document is not an aggregate profile');
  if (aggregate.mean) throw new Error('perRequestMean: the document is already a per-request mean');
  const n = aggregate.requests;
  if (!(n >= 1)) throw new Error(`perRequestMean: the aggregate holds ${n} requests`);
  const { header, profile } = document;
  // "37 requests", or what the caller says they are ("37 other requests").
  const requests = requestsWord ?? requestCount(n);
  const mean: ProfileDocument = {
    ...document,
    header: {
      ...header,
      id: `mean-${header.id}`,
      wallMs: header.wallMs / n,
      cpuMs: header.cpuMs / n,
      profiledMs: header.profiledMs / n,
      bytesSent: header.bytesSent / n,
      path: `${header.path.split(' · ')[0]}${MEAN_OF}${requests}`,
    },
    response: { ...document.response, bytesSent: document.response.bytesSent / n },
    profile: {
      ...profile,
      functions: profile.functions.map((fn) => ({ ...fn, cc: fn.cc / n, nc: fn.nc / n, tt: fn.tt / n, ct: fn.ct / n })),
      edges: profile.edges.map(([from, to, cc, nc, tt, ct]) => [from, to, cc / n, nc / n, tt / n, ct / n]),
      notes: [
        `mean of ${requests}: every number is the aggregate's sum divided by ${n}, so calls can be fractional`,
        ...profile.notes.filter((note) => !SUM_NOTE.test(note)),
      ],
    },
    aggregate: { ...aggregate, mean: true },
  };
  if (profile.stacks)
    mean.profile.stacks = profile.stacks.map(([frames, lines, awaiting, wall, cpu, samples]) => [frames, lines, awaiting, wall / n, cpu / n, samples / n]);
  if (profile.sampling) mean.profile.sampling = meanSampling(profile.sampling, n);
  return mean;
}
