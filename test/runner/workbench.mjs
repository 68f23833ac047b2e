// Reading the VS Code workbench from a Playwright page, for the UI tests.
import { Expectation } from './session.mjs';

const CURSOR_POSITION = '.statusbar [id="status.editor.selection"]';
/** The tab shown in the editor group that has the focus. */
export const ACTIVE_GROUP_TAB = '.part.editor .editor-group-container.active .tab.active';

/**
 * Waits until the focused editor group shows a tab whose label starts with prefix; failing, the
 * Expectation says what did not happen (failure) and which tab is shown instead.
 */
export async function waitForActiveTab(page, prefix, failure, timeout = 15_000) {
  await page
    .waitForFunction(([selector, start]) => document.querySelector(selector)?.getAttribute('aria-label')?.startsWith(start), [ACTIVE_GROUP_TAB, prefix], {
      timeout,
    })
    .catch(async () => {
      throw new Expectation(`${failure}; the active tab is ${await page.locator(ACTIVE_GROUP_TAB).getAttribute('aria-label')}`);
    });
}

/** Waits until locator is there; failing, the Expectation says what did not happen (failure) instead of Playwright's timeout. */
export async function waitForOrFail(locator, timeout, failure) {
  await locator.waitFor({ timeout }).catch(() => {
    throw new Expectation(failure);
  });
}

/** Waits until the active editor's cursor (the status bar's "Ln N, Col M") is on line; what (the function, the action) leads the failure. */
export async function waitForCursorLine(page, line, what) {
  await page
    .waitForFunction(([selector, wanted]) => document.querySelector(selector)?.textContent?.includes(`Ln ${wanted},`), [CURSOR_POSITION, line], {
      timeout: 10_000,
    })
    .catch(async () => {
      throw new Expectation(`${what}: the editor is not at line ${line}: ${await page.locator(CURSOR_POSITION).innerText()}`);
    });
}

/**
 * What the workbench's webviews show, for a failure message: how many webview iframes there are
 * and how many say ready, then the first words of each frame that shows any text (the outer
 * frames of a webview show none). A webview that never drew reads differently from one that
 * drew an error.
 */
export async function describeWebviews(page) {
  const outer = await page.locator('iframe.webview').count();
  const ready = await page.locator('iframe.webview.ready').count();
  const texts = [];
  let blank = 0;
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    const text = await frame
      .evaluate(() => document.body?.innerText ?? '')
      .then((t) => t.replace(/\s+/g, ' ').trim().slice(0, 200))
      .catch((error) => `(unreadable: ${String(error?.message ?? error).split('\n')[0]})`);
    if (text) texts.push(`"${text}"`);
    else blank++;
  }
  return `${outer} webview iframe(s), ${ready} ready; ${blank} frame(s) without text${texts.length ? `; shown: ${texts.join('; ')}` : ''}`;
}

/**
 * Chooses an open context menu's item as a person does: the pointer onto it, a pause, then
 * Enter on the item the pointer highlighted. A click at once is lost now and then: the workbench
 * ignores a mouse-up on a menu that has only just opened (the right-click's own, it assumes).
 */
export async function chooseMenuItem(page, item) {
  await item.hover();
  await page.waitForTimeout(300);
  await page.keyboard.press('Enter');
}
