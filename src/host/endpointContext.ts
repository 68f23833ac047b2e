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

/**
 * For the profile view's header: undefined when the file is not a profiled request the Profiles
 * panel lists (nothing to compare it with), else whether it is slower than usual.
 */
export function endpointContextOf(library: ProfileLibrary, file: string): { slower?: SlowerThanUsual } | undefined {
  const entry = library.index.get(file);
  if (!entry || !isReadable(entry) || entry.format === 'pstats' || !entry.header.profiled) return undefined;
  const slower = slowerThanUsualByFile(listedProfiles(library)).get(file);
  return slower ? { slower } : {};
}
