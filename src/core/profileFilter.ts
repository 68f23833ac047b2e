/**
 * The Profiles panel's filter: a path substring, a status class or code, and a minimum duration.
 * Parsed from what the user types so that a mistake gets a message instead of an empty list.
 */
import type { ProfileHeader } from './profileFormat';

export interface ProfileFilter {
  /** Case-insensitive substring of "METHOD /path?query". */
  text?: string;
  /** Exact status codes or classes such as "5xx"; empty matches all. */
  statuses?: StatusMatcher[];
  minDurationMs?: number;
}

export type StatusMatcher = { code: number } | { classDigit: number } | { errorsOnly: true };

/** One comma-separated part of a status filter, or undefined when it is not one. */
function statusMatcherOf(part: string): StatusMatcher | undefined {
  const lower = part.toLowerCase();
  if (lower === 'error' || lower === 'errors') return { errorsOnly: true };
  if (/^[1-5]xx$/.test(lower)) return { classDigit: Number(lower[0]) };
  if (/^[1-5]\d\d$/.test(lower)) return { code: Number(lower) };
  return undefined;
}

/**
 * Parses "500", "4xx", "5xx,404", "error" (any status >= 400 or an exception).
 * Throws an Error naming the bad part.
 */
export function parseStatusFilter(input: string): StatusMatcher[] {
  const matchers: StatusMatcher[] = [];
  for (const part of input.split(/[\s,]+/).filter(Boolean)) {
    const matcher = statusMatcherOf(part);
    if (!matcher) throw new Error(`"${part}" is not a status: use a code (404), a class (5xx) or "error".`);
    matchers.push(matcher);
  }
  if (!matchers.length) throw new Error('"status:" needs a status after it: a code (404), a class (5xx) or "error".');
  return matchers;
}

/** A bare word of the filter box that is a status list ("500", "4xx", "error", "5xx,404"), else undefined. */
function bareStatusWord(word: string): StatusMatcher[] | undefined {
  const parts = word.split(',').filter(Boolean);
  const matchers = parts.map(statusMatcherOf);
  return parts.length && matchers.every((m) => m !== undefined) ? (matchers as StatusMatcher[]) : undefined;
}

/** Parses "250", "250ms", "1.5s". Throws on anything else. */
export function parseDuration(input: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/i.exec(input);
  if (!match) throw new Error(`"${input}" is not a duration: use milliseconds (250, 250ms) or seconds (1.5s).`);
  const value = Number(match[1]);
  return match[2]?.toLowerCase() === 's' ? value * 1000 : value;
}

export function isFailure(header: ProfileHeader): boolean {
  return header.error !== null && header.error !== undefined ? true : (header.status ?? 0) >= 500;
}

/**
 * The status the client got. A request whose app raised before starting a response is recorded
 * with `status: null` and the exception, and the server answered it with 500: it is a 500 for
 * every filter, icon and badge. Null only when nothing says what was sent (pstats files, or a
 * request without a response and without an exception).
 */
export function answeredStatus(header: Pick<ProfileHeader, 'status' | 'error'>): number | null {
  if (typeof header.status === 'number') return header.status;
  return header.error ? 500 : null;
}

function statusMatches(header: ProfileHeader, matcher: StatusMatcher): boolean {
  const status = answeredStatus(header);
  if ('errorsOnly' in matcher) return isFailure(header) || (status ?? 0) >= 400;
  if (status === null) return false;
  if ('code' in matcher) return status === matcher.code;
  return Math.floor(status / 100) === matcher.classDigit;
}

export function matchesFilter(header: ProfileHeader, filter: ProfileFilter): boolean {
  if (filter.minDurationMs !== undefined && header.wallMs < filter.minDurationMs) return false;
  if (filter.statuses?.length && !filter.statuses.some((m) => statusMatches(header, m))) return false;
  if (filter.text) {
    const haystack = `${header.method} ${header.path}${header.query ? '?' + header.query : ''}`.toLowerCase();
    if (!haystack.includes(filter.text.toLowerCase())) return false;
  }
  return true;
}

export function isFilterActive(filter: ProfileFilter): boolean {
  return Boolean(filter.text || filter.statuses?.length || filter.minDurationMs !== undefined);
}

function describeStatus(matcher: StatusMatcher): string {
  if ('errorsOnly' in matcher) return 'errors';
  return 'code' in matcher ? String(matcher.code) : `${matcher.classDigit}xx`;
}

/** A short summary for the view's description, e.g. `"/api" · 5xx, 404 · ≥ 200 ms`. */
export function describeFilter(filter: ProfileFilter): string {
  const parts: string[] = [];
  if (filter.text) parts.push(`"${filter.text}"`);
  if (filter.statuses?.length) parts.push(filter.statuses.map(describeStatus).join(', '));
  if (filter.minDurationMs !== undefined) parts.push(`≥ ${filter.minDurationMs} ms`);
  return parts.join(' · ');
}

/**
 * Parses the filter box, words in any order: a status (`500`, `4xx`, `error`, `5xx,404`, also
 * written `status:5xx` or `s:5xx`), a minimum duration (`>200ms`, `>=1.5s`, `min:200ms`); every
 * other word is matched against "METHOD /path?query" (a word with a slash, such as `/error`, is
 * always path text). Statuses given more than once add up. Throws an Error saying what is wrong.
 */
export function parseFilterQuery(query: string): ProfileFilter {
  const filter: ProfileFilter = {};
  const words: string[] = [];
  const statuses: StatusMatcher[] = [];
  for (const token of query.trim().split(/\s+/).filter(Boolean)) {
    const status = /^(?:status|s):(.*)$/i.exec(token);
    const minimum = /^(?:>=?|min:)(.+)$/i.exec(token);
    const bare = bareStatusWord(token);
    if (status) statuses.push(...parseStatusFilter(status[1]));
    else if (minimum) filter.minDurationMs = parseDuration(minimum[1]);
    else if (bare) statuses.push(...bare);
    else words.push(token);
  }
  if (statuses.length) filter.statuses = statuses;
  if (words.length) filter.text = words.join(' ');
  return filter;
}

/** What the view's message says while a filter is on: what it is and how much of the list it hides. */
export function filterMessage(filter: ProfileFilter, shown: number, total: number): string {
  const what = `Filter ${describeFilter(filter)}`;
  if (shown === 0) return `${what}: no profile matches. Clear the filter to see all ${total}.`;
  return `${what}: ${shown} of ${total} requests shown.`;
}
