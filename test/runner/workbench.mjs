// Reading the VS Code workbench from a Playwright page, for the UI tests.
import { Expectation } from './session.mjs';

const CURSOR_POSITION = '.statusbar [id="status.editor.selection"]';

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
