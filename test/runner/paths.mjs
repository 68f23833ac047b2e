// Well-known locations shared by the runners.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
/** publisher.name, lower-cased as VS Code compares ids. */
export const extensionId = `${manifest.publisher}.${manifest.name}`.toLowerCase();

/** The compiled extension-host suite entry (bundled from test/suite/index.ts by esbuild --tests). */
export const suiteEntry = join(repoRoot, 'out', 'test', 'suite', 'index.js');
/** Where test/suite/index.ts writes results when REQUEST_PROFILER_SUITE_RESULTS is not set. */
export const defaultSuiteResults = join(repoRoot, 'out', 'test', 'results', 'suite.json');
/** The package built by `npm run package`. */
export const vsixPath = join(repoRoot, 'out', 'request-profiler.vsix');
/** Screenshots and logs worth keeping from a run (git-ignored). */
export const testResultsDir = join(repoRoot, 'test-results');

/** Names of the environment variables the suite reads (see test/suite). */
export const SUITE_RESULTS_ENV = 'REQUEST_PROFILER_SUITE_RESULTS';
export const EXPECTED_EXTENSION_PATH_ENV = 'REQUEST_PROFILER_EXPECTED_EXTENSION_PATH';

/** Final profile files end with this: PROFILE_SUFFIX of src/core/profileFormat.ts (the contract). */
export const PROFILE_SUFFIX = '.rprof.json';
