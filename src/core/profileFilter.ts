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

/**
 * Parses "500", "4xx", "5xx,404", "error" (any status >= 400 or an exception).
 * Throws an Error naming the bad part.
 */
export function parseStatusFilter(input: string): StatusMatcher[] {
  const matchers: StatusMatcher[] = [];
  for (const part of input.split(/[\s,]+/).filter(Boolean)) {
    const lower = part.toLowerCase();
    if (lower === 'error' || lower === 'errors') matchers.push({ errorsOnly: true });
    else if (/^[1-5]xx$/.test(lower)) matchers.push({ classDigit: Number(lower[0]) });
    else if (/^[1-5]\d\d$/.test(lower)) matchers.push({ code: Number(lower) });
    else throw new Error(`"${part}" is not a status: use a code (404), a class (5xx) or "error".`);
  }
  return matchers;
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

function statusMatches(header: ProfileHeader, matcher: StatusMatcher): boolean {
  if ('errorsOnly' in matcher) return isFailure(header) || (header.status ?? 0) >= 400;
  if (header.status === null || header.status === undefined) return false;
  if ('code' in matcher) return header.status === matcher.code;
  return Math.floor(header.status / 100) === matcher.classDigit;
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

/** A short summary for the view's description, e.g. "/api · 5xx · ≥ 200 ms". */
export function describeFilter(filter: ProfileFilter, statusInput?: string): string {
  const parts: string[] = [];
  if (filter.text) parts.push(`"${filter.text}"`);
  if (filter.statuses?.length && statusInput) parts.push(statusInput);
  if (filter.minDurationMs !== undefined) parts.push(`≥ ${filter.minDurationMs} ms`);
  return parts.join(' · ');
}

/**
 * Parses the filter box: words are matched against the path; `status:5xx,404` (or `s:`),
 * `>200ms` / `>=1.5s` / `min:200ms` set the other parts. Throws an Error saying what is wrong.
 * Returns the filter and the status text as typed (for the summary).
 */
export function parseFilterQuery(query: string): { filter: ProfileFilter; statusText?: string } {
  const filter: ProfileFilter = {};
  const words: string[] = [];
  let statusText: string | undefined;
  for (const token of query.trim().split(/\s+/).filter(Boolean)) {
    const status = /^(?:status|s):(.*)$/i.exec(token);
    const minimum = /^(?:>=?|min:)(.+)$/i.exec(token);
    if (status) {
      filter.statuses = parseStatusFilter(status[1]);
      statusText = status[1];
    } else if (minimum) {
      filter.minDurationMs = parseDuration(minimum[1]);
    } else {
      words.push(token);
    }
  }
  if (words.length) filter.text = words.join(' ');
  return { filter, statusText };
}
