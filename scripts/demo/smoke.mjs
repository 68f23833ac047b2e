// The demo's headless check, as a person would do it: open the workbench in Chromium, click the
// Request Profiler entry in the activity bar, see the demo's requests in the Profiles view, make
// one more request to the demo app and see it appear. Optionally keeps a screenshot for the README.
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
  return page
    .locator('.part.sidebar .monaco-list-row')
    .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Drives the workbench and returns what it saw. `expected` are the "METHOD /path" labels the view
 * must list; `log` reports progress.
 */
export async function runSmoke({ server, workspace, app, profileDir, expected, screenshot, failureScreenshot, log }) {
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
      await profileRow(page, label).first().waitFor({ timeout: 30_000 }).catch(() => {
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
    await profileRow(page, live).first().waitFor({ timeout: 15_000 }).catch(() => {
      throw new Expectation(`"${live}" was profiled but did not appear in the Profiles view within 15 s`);
    });
    log(`"${live}" appeared ${Date.now() - started} ms after the request was sent`);

    if (screenshot) await takeScreenshot(page, screenshot);
    if (screenshot) log(`screenshot: ${screenshot}`);
  } catch (error) {
    if (page && failureScreenshot) await page.screenshot({ path: failureScreenshot }).catch(() => {});
    throw error;
  } finally {
    await browser.close().catch(() => {});
  }
}

/**
 * The README's picture: a wider side bar with every burst expanded, and the slow request's profile
 * open beside it.
 */
async function takeScreenshot(page, path) {
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
  await profileRow(page, 'GET /slow').first().click();
  await page.locator('.part.editor .tabs-container .tab.active').waitFor({ timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(2500); // let the editor render before the picture
  await page.screenshot({ path });
}
