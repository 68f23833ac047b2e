// The frame every UI test shares (test/ui/*.ui.mjs): package the extension (unless
// --skip-build) or take REQUEST_PROFILER_VSIX, install it into a fresh code-server, make the test
// workspace, start code-server and Chromium, load the workbench, then run the test's steps. On a
// failure: the reason (an Expectation's message, else the stack), a screenshot and the end of the
// code-server log. Always: code-server and Chromium stopped, the phase timings printed, and the
// process's exit status saying whether the test passed.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { packageVsix } from './build.mjs';
import { launchChromium } from './browser.mjs';
import { assertCodeServerInstalled, installVsix, startCodeServer, workbenchUrl, tail } from './codeServer.mjs';
import { extensionId, vsixPath as defaultVsixPath, testResultsDir } from './paths.mjs';
import { createPhaseTimer } from './phases.mjs';
import { createRunSession, Expectation, expect } from './session.mjs';
import { makeTestWorkspace } from './workspace.mjs';

/**
 * label: how messages name the test ("call graph UI"); tempPrefix and logName: see
 * createRunSession; shotPrefix: screenshots are test-results/<shotPrefix>-<name>.png;
 * viewport: Chromium's page size.
 * prepare({ workspace, temp, installed, shot }): after the workspace is made and before
 * code-server starts (write settings, copy sources); what it returns is handed to the steps.
 * beforeLoad(page, context): before the workbench loads (listeners for dialogs, the console).
 * steps(context): the test itself; context holds page, server, workspace, temp, installed (the
 * installed extension's folder), phases, shot(name) and what prepare returned.
 */
export async function runUiTest({ label, tempPrefix, logName, shotPrefix, viewport = { width: 1500, height: 950 }, prepare, beforeLoad, steps }) {
  const skipBuild = process.argv.includes('--skip-build');
  const phases = createPhaseTimer(label);
  const session = createRunSession(label, tempPrefix, logName);
  const { temp, logFile } = session;
  const shot = (name) => join(testResultsDir, `${shotPrefix}-${name}.png`);
  rmSync(shot('failure'), { force: true });
  let page = null;
  let exitCode = 1;
  try {
    assertCodeServerInstalled();
    const vsix = process.env.REQUEST_PROFILER_VSIX || defaultVsixPath;
    if (!skipBuild && !process.env.REQUEST_PROFILER_VSIX) await phases.time('package .vsix', () => packageVsix());
    expect(existsSync(vsix), `${vsix} is missing; run without --skip-build`);
    const home = join(temp, 'home');
    const userDataDir = join(temp, 'user-data');
    const extensionsDir = join(temp, 'extensions');
    const installed = await phases.time('install .vsix', () => installVsix({ vsix, extensionsDir, userDataDir, home, extensionId }));

    const { workspace } = makeTestWorkspace(temp);
    const prepared = prepare ? await prepare({ workspace, temp, installed, shot }) : {};

    const server = (session.server = await phases.time('start code-server', () => startCodeServer({ workspace, userDataDir, extensionsDir, home, logFile })));
    session.browser = await phases.time('launch Chromium', () => launchChromium());
    page = await session.browser.newPage({ viewport });
    page.setDefaultNavigationTimeout(60_000);
    const context = { page, server, workspace, temp, installed, phases, shot, ...prepared };
    if (beforeLoad) await beforeLoad(page, context);
    await phases.time('load workbench', async () => {
      await page.goto(workbenchUrl(server, { workspace }));
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    });

    await steps(context);
    console.log(`[${label}] passed; screenshots ${shot('*')}`);
    exitCode = 0;
  } catch (error) {
    console.error(`[${label}] FAILED: ${error instanceof Expectation ? error.message : (error?.stack ?? error)}`);
    if (page)
      await page.screenshot({ path: shot('failure') }).then(
        () => console.error(`screenshot: ${shot('failure')}`),
        () => {},
      );
    if (existsSync(logFile)) console.error(`code-server log, last lines:\n${tail(logFile)}`);
  } finally {
    await phases.time('stop code-server and Chromium', () => session.cleanUp());
    phases.report();
  }
  process.exit(exitCode);
}
