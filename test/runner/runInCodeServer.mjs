#!/usr/bin/env node
// Runs the extension-host suite (test/suite) inside a real VS Code: code-server, driven by
// headless Debian Chromium. For machines that cannot download VS Code (see runInElectron.mjs for
// the @vscode/test-electron equivalent).
//
//   node test/runner/runInCodeServer.mjs [--dev] [--skip-build]
//
// By default the suite tests the packaged .vsix: it is installed into a fresh extensions folder and
// that unpacked folder is also the payload's extensionDevelopmentPath. VS Code lets a development
// extension replace an installed one with the same id, and here both are the same folder, so the
// extension is loaded once and what is tested is exactly what users install.
// --dev loads the repository folder instead and installs nothing (no packaging; quicker).
// --skip-build reuses out/ and the .vsix from an earlier build.
//
// Exits 0 only when the suite reported results and none failed. code-server and Chromium are
// stopped on every path out, including Ctrl-C.
import { rmSync, existsSync, statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTests, packageVsix } from './build.mjs';
import { launchChromium } from './browser.mjs';
import { assertCodeServerInstalled, installVsix, startCodeServer, workbenchUrl, tail, sleep } from './codeServer.mjs';
import { repoRoot, extensionId, suiteEntry, defaultSuiteResults, vsixPath, SUITE_RESULTS_ENV, EXPECTED_EXTENSION_PATH_ENV } from './paths.mjs';
import { createPhaseTimer } from './phases.mjs';
import { createRunSession } from './session.mjs';
import { printResults, progressFileOf, progressPrinter, readResults } from './suiteResults.mjs';
import { checkInstalledPackage } from './vsixContents.mjs';
import { makeTestWorkspace } from './workspace.mjs';

const dev = process.argv.includes('--dev');
const skipBuild = process.argv.includes('--skip-build');
/** From opening the workbench to the suite's results file appearing. */
const suiteTimeoutMs = Number(process.env.SUITE_TIMEOUT_S || 300) * 1000;

const phases = createPhaseTimer('code-server suite');
const session = createRunSession('code-server suite', 'rp-code-server-suite-', 'code-server-suite.log');
const { temp, logFile } = session;

let server = null;
let browser = null;

let exitCode = 1;
try {
  assertCodeServerInstalled();
  if (!skipBuild) {
    await phases.time('build (esbuild --tests)', () => buildTests());
    if (!dev) await phases.time('package .vsix', () => packageVsix());
  }
  if (!existsSync(suiteEntry)) throw new Error(`${suiteEntry} is missing; run without --skip-build`);
  if (!dev && !existsSync(vsixPath)) throw new Error(`${vsixPath} is missing; run without --skip-build`);

  const home = join(temp, 'home');
  const userDataDir = join(temp, 'user-data');
  const extensionsDir = join(temp, 'extensions');
  const extensionPath = dev
    ? repoRoot
    : await phases.time('install .vsix', () => installVsix({ vsix: vsixPath, extensionsDir, userDataDir, home, extensionId }));
  console.log(`[code-server suite] extension under test: ${extensionPath}${dev ? ' (repository)' : ' (unpacked .vsix)'}`);
  if (!dev) {
    const { problems, files } = checkInstalledPackage(extensionPath);
    console.log(`[code-server suite] .vsix: ${(statSync(vsixPath).size / 1024).toFixed(1)} KB, ${files.length} files installed`);
    if (problems.length) throw new Error(`the .vsix is wrong:\n  ${problems.join('\n  ')}`);
  }

  const { workspace, profileCount } = makeTestWorkspace(temp);
  console.log(`[code-server suite] workspace ${workspace} (${profileCount} profile file(s) in .profiles)`);

  // The suite writes its results to the file named in its environment. The extension host
  // inherits code-server's environment; should that ever change, it falls back to the default
  // path next to the compiled suite, so watch both.
  const resultsFile = join(temp, 'suite-results.json');
  rmSync(defaultSuiteResults, { force: true });
  for (const file of [resultsFile, defaultSuiteResults]) rmSync(progressFileOf(file), { force: true });

  server = session.server = await phases.time('start code-server', () =>
    startCodeServer({
      workspace,
      userDataDir,
      extensionsDir,
      home,
      logFile,
      env: { [SUITE_RESULTS_ENV]: resultsFile, [EXPECTED_EXTENSION_PATH_ENV]: extensionPath },
    }),
  );

  browser = session.browser = await phases.time('launch Chromium', () => launchChromium());
  const page = await browser.newPage();
  page.setDefaultNavigationTimeout(60_000);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));

  const url = workbenchUrl(server, {
    workspace,
    payload: [
      ['extensionDevelopmentPath', server.remoteUri(extensionPath)],
      ['extensionTestsPath', server.remoteUri(suiteEntry)],
    ],
  });
  await phases.time('load workbench', async () => {
    await page.goto(url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  });

  const openedAt = Date.now();
  const results = await phases.time('run suite in extension host', () => waitForResults([resultsFile, defaultSuiteResults], openedAt, suiteTimeoutMs));
  if (!results) {
    console.error(`[code-server suite] no results within ${suiteTimeoutMs / 1000} s`);
    if (pageErrors.length) console.error(`page errors:\n  ${pageErrors.join('\n  ')}`);
    console.error(`code-server log (${logFile}), last lines:\n${tail(logFile)}`);
  } else {
    exitCode = printResults(results, { streamed: true });
  }
} catch (error) {
  console.error(`[code-server suite] ${error instanceof Error ? error.stack : error}`);
  if (existsSync(logFile)) console.error(`code-server log (${logFile}), last lines:\n${tail(logFile)}`);
} finally {
  await phases.time('stop code-server and Chromium', () => session.cleanUp());
  phases.report();
}
process.exit(exitCode);

/**
 * Polls for a results file written after `since`; null when the time limit passes first. Gives up
 * early when code-server logs that the extension host exited (it does once run() settles, or when
 * it crashes) and no results follow within a few seconds.
 */
async function waitForResults(files, since, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let hostExitedAt = null;
  const printProgress = files.map((file) => progressPrinter(progressFileOf(file), '  '));
  while (Date.now() < deadline) {
    for (const print of printProgress) print();
    if (server?.hasExited()) throw new Error(`code-server exited while the suite ran; see ${logFile}`);
    if (hostExitedAt === null && /Extension Host Process exited with code/.test(readFileSync(logFile, 'utf8'))) {
      hostExitedAt = Date.now();
    }
    if (hostExitedAt !== null && Date.now() - hostExitedAt > 5_000) {
      console.error('[code-server suite] the extension host exited without writing results');
      return null;
    }
    for (const file of files) {
      // Results written before the workbench opened belong to some other run.
      if (existsSync(file) && statSync(file).mtimeMs >= since - 1000) {
        for (const print of printProgress) print();
        return readResults(file);
      }
    }
    await sleep(250);
  }
  return null;
}
