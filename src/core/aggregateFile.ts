/**
 * An aggregate profile as a file: the text the middleware would write for it (the listing
 * header on line 1, docs/profile-format.md), its name, and which older aggregates to delete.
 * The host writes aggregates into the extension's own storage, so that every view opens them
 * as it opens a request's profile.
 */
import { PROFILE_SUFFIX, type ProfileDocument } from './profileFormat';

/** Aggregate files' names start with this; nothing else in their folder is touched. */
export const AGGREGATE_PREFIX = 'aggregate-';

/** How many aggregates are kept: older ones are deleted when a new one is written. */
export const AGGREGATES_KEPT = 20;

/** The document's top-level keys after the header, in the middleware's order; `profile`, the bulk, last. */
const BODY_KEYS = ['request', 'response', 'environ', 'error', 'python', 'paths', 'aggregate', 'profile'] as const;

/**
 * The file's text: `{"format":…,"version":…,"header":{…},` on line 1, then one top-level key
 * per line, as the middleware writes a request's profile, so the Profiles panel's listing
 * (which reads line 1 only) and every reader take it as they take any profile.
 */
export function profileFileText(document: ProfileDocument): string {
  const lines = [`{"format":${JSON.stringify(document.format)},"version":${document.version},"header":${JSON.stringify(document.header)},`];
  const body = BODY_KEYS.filter((key) => document[key] !== undefined).map((key) => `${JSON.stringify(key)}:${JSON.stringify(document[key])}`);
  return `${lines[0]}\n${body.join(',\n')}\n}\n`;
}

/** "20261207T033145.123-GET-api_users_id-37.rprof.json": when, what (as a file-name slug) and how many. */
export function aggregateFileName(document: ProfileDocument, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('Z', '');
  const { method, path } = document.header;
  // The path without the " · N requests · mean" the header adds; [A-Za-z0-9_.] kept as the middleware's slugs do.
  const what = `${method}-${path.split(' · ')[0]}`
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 60);
  return `${AGGREGATE_PREFIX}${stamp}-${what || 'profiles'}-${document.aggregate?.requests ?? 0}${PROFILE_SUFFIX}`;
}

/**
 * The aggregates to delete from a folder's file names so that `keep` remain: the oldest (names
 * start with their time), never a file that is not an aggregate profile.
 */
export function aggregatesToPrune(names: readonly string[], keep: number = AGGREGATES_KEPT): string[] {
  const aggregates = names.filter((n) => n.startsWith(AGGREGATE_PREFIX) && n.endsWith(PROFILE_SUFFIX)).sort();
  return aggregates.slice(0, Math.max(0, aggregates.length - keep));
}
