// Types of test/support/makeDeepChain.mjs, for the tests that import it.
import type { ProfileData } from '../../src/core/profileFormat';

export function makeDeepChainData(depth: number, libraryEvery?: number): ProfileData;
export function makeDeepChainText(depth: number, libraryEvery?: number): string;
