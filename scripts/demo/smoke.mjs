// The demo's headless check, as a person would do it: open the workbench in Chromium, click the
// Request Profiler entry in the activity bar, see the demo's requests in the Profiles view, make
// one more request to the demo app and see it appear. Optionally keeps a screenshot for the README.
import { join } from 'node:path';
import { launchChromium } from '../../test/runner/browser.mjs';
import { workbenchUrl } from '../../test/runner/codeServer.mjs';
import { Expectation } from '../../test/runner/session.mjs';
import { chooseMenuItem, describeWebviews, waitForOrFail } from '../../test/runner/workbench.mjs';
import { sendRequests, waitForProfiles } from './demoApp.mjs';

const CONTAINER_TITLE = 'Request Profiler';
const CONTAINER_ID = 'requestProfiler';
/** The request made while the view is open: a path none of the first requests used. */
export const LIVE_REQUEST_PATH = '/api/users/42';

// A failed expectation, reported without a stack trace: the UI tests' own, which the workbench
// helpers used here (waitForOrFail, chooseMenuItem) throw too.
export { Expectation };

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
export async function runSmoke({ server, workspace, app, profileDir, expected, screenshotDir, hasCallGraph, commandTitles = {}, failureScreenshot, log }) {
  const browser = await launchChromium();
  let page;
  // The workbench's and the webviews' console errors, told with a failure.
  const consoleErrors = [];
  try {
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.setDefaultNavigationTimeout(60_000);
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text().slice(0, 300));
    });
    await page.goto(workbenchUrl(server, { workspace }));
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log('workbench loaded');

    const entry = page.locator(`.activitybar a[aria-label^="${CONTAINER_TITLE}"]`);
    await waitForOrFail(entry, 30_000, `no "${CONTAINER_TITLE}" entry in the activity bar: is the extension installed and activated?`);
    await entry.click();
    await page.locator(`.part.sidebar [id="workbench.view.extension.${CONTAINER_ID}"]`).waitFor({ timeout: 15_000 });
    log('Profiles view open');

    for (const label of expected) {
      await waitForOrFail(profileRow(page, label).first(), 30_000, `the Profiles view does not list "${label}"`);
    }
    log(`the view lists the demo's ${expected.length} requests: ${expected.join(', ')}`);

    // A new request while the view is open must show up without any refresh.
    const live = `GET ${LIVE_REQUEST_PATH}`;
    if ((await profileRow(page, live).count()) > 0) throw new Expectation(`"${live}" is listed before it was requested`);
    const started = Date.now();
    await sendRequests(app.url, [LIVE_REQUEST_PATH]);
    await waitForProfiles(profileDir, [live]);
    await waitForOrFail(profileRow(page, live).first(), 15_000, `"${live}" was profiled but did not appear in the Profiles view within 15 s`);
    log(`"${live}" appeared ${Date.now() - started} ms after the request was sent`);

    if (screenshotDir) await takeScreenshots(page, screenshotDir, { hasCallGraph, commandTitles, log });
  } catch (error) {
    if (page && failureScreenshot) await page.screenshot({ path: failureScreenshot }).catch(() => {});
    if (page) log(`at the failure: ${await describeWebviews(page).catch((e) => `(webviews not described: ${e?.message ?? e})`)}`);
    if (consoleErrors.length)
      log(`console errors, last ${Math.min(10, consoleErrors.length)} of ${consoleErrors.length}:\n  ${consoleErrors.slice(-10).join('\n  ')}`);
    throw error;
  } finally {
    await browser.close().catch(() => {});
  }
}

/** Runs a command from the command palette by its title, as a user would. */
async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  // A webview that has the focus may keep F1 to itself: the title bar's search box opens the same input.
  await input.waitFor({ timeout: 3_000 }).catch(async () => {
    await page.locator('.part.titlebar .command-center').first().click();
    await input.waitFor({ timeout: 10_000 });
  });
  await input.fill(`>${title}`);
  await page
    .locator('.quick-input-widget .monaco-list-row', { hasText: title.split(': ').pop() })
    .first()
    .waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** Opens a row's profile with a click, as a user would, and waits until its view has drawn its tree. */
async function openProfileView(page, label, log) {
  await profileRow(page, label).first().click();
  await page.locator('.part.editor .tabs-container .tab.active').waitFor({ timeout: 15_000 });
  // The profile view draws its rows once the page has the profile.
  await lastWebview(page)
    .locator('[role="treegrid"] [role="row"], [role="tree"] [role="treeitem"]')
    .first()
    .waitFor({ timeout: 20_000 })
    .catch(() => log('the profile view drew no tree rows within 20 s; taking the picture anyway'));
  await page.waitForTimeout(1000);
}

/** The profile view's page (the last webview opened), inside its two frames. */
function lastWebview(page) {
  return page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
}

/**
 * The README's pictures, into `dir`:
 *   profiles-panel.png  a wider side bar with every burst expanded, GET /slow's profile beside it;
 *   call-tree.png       the profile view of GET / (template and SQLite) with the side bar hidden;
 *   call-graph.png      the call graph of GET /slow, when the extension has that command;
 *   flame-graph.png     the Flame tab of GET /slow;
 *   sandwich.png        the Sandwich tab of GET /slow: is_prime's callers and callees;
 *   compare.png         GET / and GET /slow selected in the panel, compared;
 *   aggregate.png       the aggregate profile of the GET /api/users/… requests;
 *   endpoints.png       the endpoints overview, when the extension has that command.
 * commandTitles: the manifest's command titles by id (the palette finds commands by title).
 */
async function takeScreenshots(page, dir, { hasCallGraph, commandTitles, log }) {
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

  await openProfileView(page, 'GET /slow', log);
  await page.screenshot({ path: join(dir, 'profiles-panel.png') });
  log(`screenshot: ${join(dir, 'profiles-panel.png')}`);

  await openProfileView(page, 'GET /', log);
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
  await waitForOrFail(graph.locator('svg g[data-function]').first(), 30_000, 'the call graph drew no function within 30 s');
  // The whole graph in view, and no tooltip of the tab clicked above over the picture.
  await graph
    .getByRole('button', { name: 'Fit' })
    .click()
    .catch(() => log('no Fit button in the call graph'));
  await page.mouse.move(640, 795);
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(dir, 'call-graph.png') });
  log(`screenshot: ${join(dir, 'call-graph.png')}`);
  await takeMoreScreenshots(page, dir, { commandTitles, log });
}

/**
 * Right-clicks a row and chooses an item of its context menu. The first click on a row opens its
 * profile, whose view takes the focus when it loads and closes a menu open by then: the menu is
 * opened again (up to three times) when it went away before the item was clicked.
 */
async function chooseFromContextMenu(page, row, label) {
  for (let attempt = 1; ; attempt++) {
    await row.click({ button: 'right' });
    try {
      const item = page.locator('.context-view .monaco-menu .action-label', { hasText: label });
      await item.waitFor({ timeout: 5_000 });
      await chooseMenuItem(page, item);
      return;
    } catch (error) {
      if (attempt === 3) throw new Expectation(`the row's context menu did not stay open to choose ${label}: ${error.message.split('\n')[0]}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
    }
  }
}

/**
 * Selects two rows as a user would (a click, which opens the first one's profile, then Ctrl+click)
 * and chooses an item of the second one's context menu. The first profile's page takes the focus
 * once loaded, which would close a menu opened before then: it is left to draw first.
 */
async function selectTwoAndChoose(page, [first, second], item, log) {
  await openProfileView(page, first, log);
  await profileRow(page, second)
    .first()
    .click({ modifiers: ['Control'] });
  await chooseFromContextMenu(page, profileRow(page, second).first(), item);
}

/** The pictures of the views added after the first three (see takeScreenshots). */
async function takeMoreScreenshots(page, dir, { commandTitles, log }) {
  const save = async (name) => {
    await page.mouse.move(640, 795);
    await page.waitForTimeout(1500);
    await page.screenshot({ path: join(dir, name) });
    log(`screenshot: ${join(dir, name)}`);
  };
  const closeEditors = async () => {
    await runCommand(page, 'View: Close All Editors');
    await page.waitForTimeout(500);
  };

  // The flame graph of GET /slow, in its profile view.
  await closeEditors();
  await page.keyboard.press('Control+B'); // the side bar back
  await profileRow(page, 'GET /slow').first().click();
  const view = lastWebview(page);
  await view
    .locator('vscode-tab-header', { hasText: 'Flame' })
    .click({ timeout: 20_000 })
    .catch(() => {
      throw new Expectation('the profile view of GET /slow shows no Flame tab');
    });
  await waitForOrFail(view.locator('.flame-status', { hasText: 'levels' }), 15_000, 'the Flame tab drew nothing within 15 s');
  await page.keyboard.press('Control+B');
  await save('flame-graph.png');

  // The sandwich of is_prime, chosen in the Functions tab with S, in the same view.
  await view.locator('vscode-tab-header', { hasText: 'Functions' }).click();
  const isPrime = view.locator('vscode-tab-panel[data-tab="functions"] .vrow', { has: view.locator('.name', { hasText: /^is_prime$/ }) });
  await isPrime.locator('.name').click({ timeout: 15_000 });
  await page.keyboard.press('s');
  await waitForOrFail(view.locator('.sandwich-title', { hasText: 'is_prime' }), 15_000, 'S on is_prime in the Functions tab opened no sandwich within 15 s');
  await save('sandwich.png');
  await page.keyboard.press('Control+B');

  // GET / and GET /slow compared: select both rows, then Compare With… from the context menu.
  await closeEditors();
  await selectTwoAndChoose(page, ['GET /', 'GET /slow'], 'Compare With…', log);
  await waitForOrFail(lastWebview(page).locator('table.functions tbody tr').first(), 30_000, 'the comparison drew no row within 30 s');
  await save('compare.png');

  // The aggregate of the requests to one endpoint, from a selection of their rows.
  await closeEditors();
  const users = ['GET /api/users/7', 'GET /api/users/42'];
  await selectTwoAndChoose(page, users, 'Open Aggregate Profile', log);
  await waitForOrFail(
    lastWebview(page).locator('[role="treegrid"] [role="row"], [role="tree"] [role="treeitem"]').first(),
    30_000,
    'the aggregate profile drew no tree row within 30 s',
  );
  await save('aggregate.png');

  const endpoints = commandTitles['requestProfiler.openEndpoints'];
  if (!endpoints) {
    log('no endpoints overview in this build: endpoints.png not taken');
    return;
  }
  await closeEditors();
  await runCommand(page, endpoints);
  await waitForOrFail(lastWebview(page).locator('svg').first(), 30_000, 'the endpoints overview drew nothing within 30 s');
  await save('endpoints.png');
}
