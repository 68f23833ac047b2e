// Types of test/support/profileDocument.mjs, for the tests and benchmarks that import it.
import type { ProfileData, ProfileHeader, ProfilePaths } from '../../src/core/profileFormat';

export const CONTAINER_PATHS: ProfilePaths;
export const DEBIAN_PATHS: ProfilePaths;
export function documentHeader(profile: ProfileData, overrides?: Partial<ProfileHeader>): ProfileHeader;
export function profileDocumentText(header: ProfileHeader, profile: ProfileData, paths?: ProfilePaths): string;
