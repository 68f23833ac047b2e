#!/usr/bin/env node
// UI test, as a person would use it: code-server with the packaged .vsix installed opens a copy of
// the fixture workspace; we click the Request Profiler entry in the activity bar, expect the
// Profiles view to list the fixture requests as rows labelled like "GET /path", click one, and
// keep a screenshot in test-results/.
//
//   node test/ui/profilesPanel.ui.mjs [--skip-build]
//
// --skip-build reuses out/request-profiler.vsix; REQUEST_PROFILER_VSIX=path tests another .vsix
// (for example a CI artifact). Exits non-zero on failure; code-server and Chromium are always
// stopped.
import { rmSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { packageVsix } from '../runner/build.mjs';
import { launchChromium } from '../runner/browser.mjs';
import { assertCodeServerInstalled, installVsix, startCodeServer, workbenchUrl, tail } from '../runner/codeServer.mjs';
import { extensionId, vsixPath as defaultVsixPath, testResultsDir, PROFILE_SUFFIX } from '../runner/paths.mjs';
import { createPhaseTimer } from '../runner/phases.mjs';
import { createRunSession, Expectation, expect } from '../runner/session.mjs';
import { makeTestWorkspace } from '../runner/workspace.mjs';

const VIEW_CONTAINER_ID = 'requestProfiler';
const VIEW_ID = 'requestProfiler.profiles';
/** How a profile row is labelled: the request's method and path. */
const ROW_LABEL = /^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS|TRACE|CONNECT) \/\S*/;

const skipBuild = process.argv.includes('--skip-build');
const phases = createPhaseTimer('profiles panel UI');
const session = createRunSession('profiles panel UI', 'rp-code-server-ui-', 'code-server-ui.log');
const { temp, logFile } = session;
const screenshot = join(testResultsDir, 'profiles-panel.png');
const failureScreenshot = join(testResultsDir, 'profiles-panel-failure.png');
rmSync(failureScreenshot, { force: true });

let server = null;
let browser = null;
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
  const installed = await phases.time('install .vsix', () =>
    installVsix({ vsix, extensionsDir, userDataDir, home, extensionId }));

  // What the installed extension contributes decides what there is to click.
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  const container = (manifest.contributes?.viewsContainers?.activitybar ?? []).find((c) => c.id === VIEW_CONTAINER_ID);
  const view = (manifest.contributes?.views?.[VIEW_CONTAINER_ID] ?? []).find((v) => v.id === VIEW_ID);
  if (!container || !view) {
    // The view is still being built: nothing to drive yet. Said loudly, and it stops being a
    // skip as soon as the manifest contributes the container and the view.
    console.log(`[profiles panel UI] SKIPPED: the .vsix contributes no activity-bar container '${VIEW_CONTAINER_ID}' with view '${VIEW_ID}' yet`);
    exitCode = 0;
  } else {
    const { workspace, profileCount } = makeTestWorkspace(temp);
    const expectedLabels = requestLabelsOfProfiles(join(workspace, '.profiles'));
    expect(profileCount > 0, 'the fixture workspace holds no profile files, so the view has nothing to list');

    server = session.server = await phases.time('start code-server', () =>
      startCodeServer({ workspace, userDataDir, extensionsDir, home, logFile }));
    browser = session.browser = await phases.time('launch Chromium', () => launchChromium());
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultNavigationTimeout(60_000);

    await phases.time('load workbench', async () => {
      await page.goto(workbenchUrl(server, { workspace }));
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    });

    await phases.time('open the Profiles view', async () => {
      // The activity-bar entry is labelled with the container's title (plus a keybinding, if any).
      const entry = page.locator(`.activitybar a[aria-label^="${container.title}"]`);
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      // The side bar now shows the container (its element's id is VS Code's viewlet id for it).
      await page.locator(`.part.sidebar [id="workbench.view.extension.${VIEW_CONTAINER_ID}"]`).waitFor({ timeout: 15_000 });
    });

    const rows = page.locator('.part.sidebar .monaco-list-row').filter({ hasText: ROW_LABEL });
    const rowLabels = await phases.time('wait for profile rows', async () => {
      await rows.first().waitFor({ timeout: 30_000 });
      // The label alone, without the description VS Code renders beside it.
      return (await rows.locator('.label-name').allInnerTexts()).map((text) => text.trim());
    });
    console.log(`[profiles panel UI] ${rowLabels.length} row(s): ${rowLabels.slice(0, 5).join(' | ')}${rowLabels.length > 5 ? ' ...' : ''}`);
    const clicked = rowLabels.findIndex((label) => expectedLabels.some((expected) => labelNamesRequest(label, expected)));
    expect(
      clicked >= 0,
      `no row names a fixture request; rows: ${JSON.stringify(rowLabels)}, fixtures: ${JSON.stringify(expectedLabels)}`,
    );

    const activeTab = page.locator('.part.editor .tabs-container .tab.active');
    expect((await activeTab.count()) === 0, 'an editor was open before any row was clicked');
    await phases.time('click a row and screenshot', async () => {
      const row = rows.nth(clicked);
      await row.click();
      await page.waitForFunction(
        (element) => element.getAttribute('aria-selected') === 'true',
        await row.elementHandle(),
        { timeout: 10_000 },
      );
      // Clicking a profile opens it: an editor (text or a webview) becomes the active tab.
      await activeTab.waitFor({ timeout: 15_000 }).catch(() => {
        throw new Expectation('clicking a profile row opened no editor within 15 s');
      });
      // Let the editor render before the picture.
      await page.waitForTimeout(1500);
      await page.screenshot({ path: screenshot });
    });
    const opened = (await activeTab.getAttribute('aria-label')) ?? (await activeTab.innerText());
    console.log(`[profiles panel UI] clicked "${rowLabels[clicked]}", which opened "${opened}"; screenshot ${screenshot}`);
    exitCode = 0;
  }
} catch (error) {
  console.error(`[profiles panel UI] FAILED: ${error instanceof Expectation ? error.message : error?.stack ?? error}`);
  if (page) await page.screenshot({ path: failureScreenshot }).then(() => console.error(`screenshot: ${failureScreenshot}`), () => {});
  if (existsSync(logFile)) console.error(`code-server log (${logFile}), last lines:\n${tail(logFile)}`);
} finally {
  await phases.time('stop code-server and Chromium', () => session.cleanUp());
  phases.report();
}
process.exit(exitCode);

/**
 * "METHOD /path" of every profile in dir whose header is readable. Per the format contract
 * (src/core/profileFormat.ts) the first line is `{"format":...,"header":{...},`, so the header
 * parses on its own; the fixtures also hold deliberately broken files, which are left out.
 */
function requestLabelsOfProfiles(dir) {
  if (!existsSync(dir)) return [];
  const labels = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith(PROFILE_SUFFIX))) {
    const firstLine = readFileSync(join(dir, name), 'utf8').split('\n', 1)[0];
    try {
      const { header } = JSON.parse(`${firstLine.replace(/,\s*$/, '')}}`);
      if (header?.method && header?.path) labels.push(`${header.method} ${header.path}`);
    } catch {
      // not a profile the view can list either
    }
  }
  return labels;
}

/**
 * Whether a row label names the request "METHOD /path": the label's method and path (ignoring a
 * query string and anything after them, such as a count) equal the request's, where {placeholders}
 * of an endpoint label stand for one path segment each ("GET /orders/{id}" names "GET /orders/7").
 */
function labelNamesRequest(label, request) {
  const [method, pathAndQuery = ''] = label.trim().split(/\s+/);
  const path = pathAndQuery.split('?')[0];
  const pattern = `${method} ${path}`
    .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
    .replace(/\{[^}]*\}/g, '[^/]+');
  return new RegExp(`^${pattern}$`).test(request);
}
