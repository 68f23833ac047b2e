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

/** The document's top-level keys between the header and `profile` (the bulk, last), in the middleware's order. */
const BODY_KEYS = ['request', 'response', 'environ', 'error', 'python', 'paths', 'aggregate'] as const;

/**
 * The file's text: `{"format":…,"version":…,"header":{…},` on line 1, then one top-level key
 * per line, as the middleware writes a request's profile, so the Profiles panel's listing
 * (which reads line 1 only) and every reader take it as they take any profile.
 */
export function profileFileText(document: ProfileDocument): string {
  return [...profileFileChunks(document)].join('');
}

/** Items of one list (functions, edges, stacks) turned into text at once: a few milliseconds' work. */
const ITEMS_PER_CHUNK = 5000;

/**
 * profileFileText in pieces, none of which takes long to make: the profile's lists are
 * written a slice at a time, so a writer can yield between pieces (an aggregate of 1,000
 * requests has hundreds of thousands of edges).
 */
export function* profileFileChunks(document: ProfileDocument, itemsPerChunk: number = ITEMS_PER_CHUNK): Generator<string> {
  yield `{"format":${JSON.stringify(document.format)},"version":${document.version},"header":${JSON.stringify(document.header)},\n`;
  for (const key of BODY_KEYS) {
    if (document[key] !== undefined) yield `${JSON.stringify(key)}:${JSON.stringify(document[key])},\n`;
  }
  yield '"profile":{';
  let first = true;
  for (const [key, value] of Object.entries(document.profile)) {
    if (value === undefined) continue;
    yield `${first ? '' : ','}${JSON.stringify(key)}:`;
    first = false;
    if (!Array.isArray(value) || value.length <= itemsPerChunk) {
      yield JSON.stringify(value);
      continue;
    }
    yield '[';
    for (let at = 0; at < value.length; at += itemsPerChunk) {
      yield `${at === 0 ? '' : ','}${JSON.stringify(value.slice(at, at + itemsPerChunk)).slice(1, -1)}`;
    }
    yield ']';
  }
  yield '}\n}\n';
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
