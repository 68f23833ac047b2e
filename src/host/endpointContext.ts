/**
 * A request among its endpoint's requests in the watched folders: what "Compare with Endpoint
 * Aggregate" merges (src/compareView/compareWithAggregate.ts), and what the profile view's header
 * is told (src/profileView/protocol.ts's EndpointContext): whether the request is slower than usual.
 */
import { isReadable, type ReadableEntry } from '../core/profileIndex';
import { slowerThanUsualByFile, type SlowerThanUsual } from '../core/slowerThanUsual';
import type { ProfileLibrary } from '../node/profileLibrary';

/** The readable profiles of the watched folders, newest first, filter or not: the endpoints' requests. */
export function listedProfiles(library: ProfileLibrary): ReadableEntry[] {
  return library.index.list().filter(isReadable);
}

/** The slower-than-usual requests of each state of an index: its list() is the same array until a file changes. */
const slowerByList = new WeakMap<readonly unknown[], Map<string, SlowerThanUsual>>();

/**
 * The listed requests slower than usual for their endpoint, by file: worked out once per change of
 * the index (every refresh of the panel and every profile view opened asks), not once per asking.
 */
export function slowerThanUsualOf(library: ProfileLibrary): Map<string, SlowerThanUsual> {
  const list = library.index.list();
  let slower = slowerByList.get(list);
  if (!slower) slowerByList.set(list, (slower = slowerThanUsualByFile(list.filter(isReadable))));
  return slower;
}

/**
 * For the profile view's header: undefined when the file is not a profiled request the Profiles
 * panel lists (nothing to compare it with), else whether it is slower than usual.
 */
export function endpointContextOf(library: ProfileLibrary, file: string): { slower?: SlowerThanUsual } | undefined {
  const entry = library.index.get(file);
  if (!entry || !isReadable(entry) || entry.format === 'pstats' || !entry.header.profiled) return undefined;
  const slower = slowerThanUsualOf(library).get(file);
  return slower ? { slower } : {};
}
