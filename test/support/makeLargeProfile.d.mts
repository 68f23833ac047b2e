// Types of test/support/makeLargeProfile.mjs, for the TypeScript benchmarks and tests that import it.
import type { ProfileData } from '../../src/core/profileFormat';

export function makeLargeProfileData(functionCount?: number, edgeCount?: number, seed?: number): ProfileData;
export function makeLargeProfileText(functionCount?: number, edgeCount?: number): string;
export function writeLargeProfile(functionCount?: number, edgeCount?: number): string;
export function seededRandom(seed: number): () => number;
