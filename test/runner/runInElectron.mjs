#!/usr/bin/env node
// Runs the extension-host suite (test/suite) in desktop VS Code through @vscode/test-electron, for
// machines that can download VS Code from Microsoft (these CI machines cannot: they use
// runInCodeServer.mjs). On Linux without a display, run it under `xvfb-run -a`.
//
//   node test/runner/runInElectron.mjs [--skip-build]
//
// Environment: VSCODE_VERSION ('stable' by default, 'insiders' or e.g. '1.100.3'; the suite's
// bundle loads mocha 12, an ES module, through require(), which needs the node >= 20.19 or 22.12
// of a recent VS Code).
//
// The extension is loaded from the repository folder (--extensionDevelopmentPath) and the test
// workspace is a fresh copy of the fixtures, as in the code-server runner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildTests } from './build.mjs';
import { repoRoot, suiteEntry, SUITE_RESULTS_ENV, EXPECTED_EXTENSION_PATH_ENV } from './paths.mjs';
import { createPhaseTimer } from './phases.mjs';
import { printResults, readResults } from './suiteResults.mjs';
import { makeTestWorkspace } from './workspace.mjs';

const skipBuild = process.argv.includes('--skip-build');
const phases = createPhaseTimer('electron suite');
const temp = mkdtempSync(join(tmpdir(), 'rp-electron-suite-'));
const resultsFile = join(temp, 'suite-results.json');

let exitCode = 1;
try {
  if (!skipBuild) await phases.time('build (esbuild --tests)', () => buildTests());
  const { workspace, profileCount } = makeTestWorkspace(temp);
  console.log(`[electron suite] workspace ${workspace} (${profileCount} profile file(s) in .profiles)`);

  let runError = null;
  await phases.time('download VS Code and run suite', async () => {
    try {
      await runTests({
        version: process.env.VSCODE_VERSION || 'stable',
        extensionDevelopmentPath: repoRoot,
        extensionTestsPath: suiteEntry,
        extensionTestsEnv: { [SUITE_RESULTS_ENV]: resultsFile, [EXPECTED_EXTENSION_PATH_ENV]: repoRoot },
        // The workspace first: VS Code opens it. Other installed extensions stay out of the way.
        launchArgs: [workspace, '--disable-extensions'],
      });
    } catch (error) {
      // runTests rejects when VS Code exits non-zero, which run() causes when a test fails;
      // the results file says more, so report that when there is one.
      runError = error;
    }
  });

  const results = readResults(resultsFile);
  if (results) {
    exitCode = printResults(results);
  } else {
    console.error(`[electron suite] the suite wrote no results${runError ? `: ${runError.message ?? runError}` : ''}`);
  }
  if (exitCode === 0 && runError) {
    console.error(`[electron suite] results were clean but VS Code failed: ${runError.message ?? runError}`);
    exitCode = 1;
  }
} catch (error) {
  console.error(`[electron suite] ${error instanceof Error ? error.stack : error}`);
} finally {
  if (!process.env.KEEP_TEMP) rmSync(temp, { recursive: true, force: true });
  phases.report();
}
process.exit(exitCode);
