// Types of test/support/sampledTables.mjs, for the tests that import it.
import type { ProfileData, ProfiledFunction, SampledStack } from '../../src/core/profileFormat';

export function sampledData(functions: ProfiledFunction[], stacks: SampledStack[]): ProfileData;
