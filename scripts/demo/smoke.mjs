// The demo's headless check, as a person would do it: open the workbench in Chromium, click the
// Request Profiler entry in the activity bar, see the demo's requests in the Profiles view, make
// one more request to the demo app and see it appear. Optionally keeps a screenshot for the README.
import { join } from 'node:path';
import { launchChromium } from '../../test/runner/browser.mjs';
import { workbenchUrl } from '../../test/runner/codeServer.mjs';
import { sendRequests, waitForProfiles } from './demoApp.mjs';

const CONTAINER_TITLE = 'Request Profiler';
const CONTAINER_ID = 'requestProfiler';
/** The request made while the view is open: a path none of the first requests used. */
export const LIVE_REQUEST_PATH = '/api/users/42';

/** A failed expectation: reported without a stack trace. */
export class Expectation extends Error {}

/** Profile rows of the Profiles view, by their label ("GET /api/users/7"). */
function profileRow(page, label) {
  return page.locator('.part.sidebar .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Drives the workbench; throws when something is not as expected. `expected` are the
 * "METHOD /path" labels the view must list; `log` reports progress; with `screenshotDir`, the
 * README's pictures are saved there.
 */
export async function runSmoke({ server, workspace, app, profileDir, expected, screenshotDir, hasCallGraph, failureScreenshot, log }) {
  const browser = await launchChromium();
  let page;
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultNavigationTimeout(60_000);
    await page.goto(workbenchUrl(server, { workspace }));
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log('workbench loaded');

    const entry = page.locator(`.activitybar a[aria-label^="${CONTAINER_TITLE}"]`);
    await entry.waitFor({ timeout: 30_000 }).catch(() => {
      throw new Expectation(`no "${CONTAINER_TITLE}" entry in the activity bar: is the extension installed and activated?`);
    });
    await entry.click();
    await page.locator(`.part.sidebar [id="workbench.view.extension.${CONTAINER_ID}"]`).waitFor({ timeout: 15_000 });
    log('Profiles view open');

    for (const label of expected) {
      await profileRow(page, label)
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(() => {
          throw new Expectation(`the Profiles view does not list "${label}"`);
        });
    }
    log(`the view lists the demo's ${expected.length} requests: ${expected.join(', ')}`);

    // A new request while the view is open must show up without any refresh.
    const live = `GET ${LIVE_REQUEST_PATH}`;
    if ((await profileRow(page, live).count()) > 0) throw new Expectation(`"${live}" is listed before it was requested`);
    const started = Date.now();
    await sendRequests(app.url, [LIVE_REQUEST_PATH]);
    await waitForProfiles(profileDir, [live]);
    await profileRow(page, live)
      .first()
      .waitFor({ timeout: 15_000 })
      .catch(() => {
        throw new Expectation(`"${live}" was profiled but did not appear in the Profiles view within 15 s`);
      });
    log(`"${live}" appeared ${Date.now() - started} ms after the request was sent`);

    if (screenshotDir) await takeScreenshots(page, screenshotDir, { hasCallGraph, log });
  } catch (error) {
    if (page && failureScreenshot) await page.screenshot({ path: failureScreenshot }).catch(() => {});
    throw error;
  } finally {
    await browser.close().catch(() => {});
  }
}

/** Runs a command from the command palette by its title, as a user would. */
async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: title.split(': ').pop() })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The profile view's page (the last webview opened), inside its two frames. */
function lastWebview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/**
 * The README's pictures, into `dir`:
 *   profiles-panel.png  a wider side bar with every burst expanded, GET /slow's profile beside it;
 *   call-tree.png       the profile view of GET / (template and SQLite) with the side bar hidden;
 *   call-graph.png      the call graph of GET /slow, when the extension has that command.
 */
async function takeScreenshots(page, dir, { hasCallGraph, log }) {
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar) {
    // Drag the sash between the side bar and the editor, so descriptions are not cut off.
    const x = sidebar.x + sidebar.width;
    const y = sidebar.y + sidebar.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 180, y, { steps: 5 });
    await page.mouse.up();
  }
  const collapsed = page.locator('.part.sidebar .monaco-list-row[aria-expanded="false"]');
  for (let guard = 0; guard < 10 && (await collapsed.count()) > 0; guard++) await collapsed.first().click();

  const openProfile = async (label) => {
    await profileRow(page, label).first().click();
    await page.locator('.part.editor .tabs-container .tab.active').waitFor({ timeout: 15_000 });
    // The profile view draws its rows once the page has the profile.
    await lastWebview(page)
      .locator('[role="treegrid"] [role="row"], [role="tree"] [role="treeitem"]')
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(() => log('the profile view drew no tree rows within 20 s; taking the picture anyway'));
    await page.waitForTimeout(1000);
  };

  await openProfile('GET /slow');
  await page.screenshot({ path: join(dir, 'profiles-panel.png') });
  log(`screenshot: ${join(dir, 'profiles-panel.png')}`);

  await openProfile('GET /');
  await page.keyboard.press('Control+B'); // hide the side bar: the view gets the whole width
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(dir, 'call-tree.png') });
  log(`screenshot: ${join(dir, 'call-tree.png')}`);

  if (!hasCallGraph) {
    log('no call graph command in this build: call-graph.png not taken');
    return;
  }
  // From the palette, as a user would: the graph of the profile in the active editor (GET /slow:
  // few enough functions for legible labels); it opens beside the call tree.
  await page.locator('.part.editor .tabs-container .tab', { hasText: '-GET-slow-' }).first().click();
  await page.waitForTimeout(500);
  await runCommand(page, 'Request Profiler: Open Call Graph');
  const graph = lastWebview(page);
  await graph
    .locator('svg g[data-function]')
    .first()
    .waitFor({ timeout: 30_000 })
    .catch(() => {
      throw new Expectation('the call graph drew no function within 30 s');
    });
  // The whole graph in view, and no tooltip of the tab clicked above over the picture.
  await graph
    .getByRole('button', { name: 'Fit' })
    .click()
    .catch(() => log('no Fit button in the call graph'));
  await page.mouse.move(640, 795);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(dir, 'call-graph.png') });
  log(`screenshot: ${join(dir, 'call-graph.png')}`);
}
