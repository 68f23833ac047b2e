#!/usr/bin/env node
// UI test of the profile view's Sandwich tab in a real VS Code (code-server with the packaged
// .vsix), as a person would use it: open GET /slow from the Profiles panel, go to the Functions
// tab, choose is_prime and press S. The Sandwich tab must name it with its figures and draw both
// halves (its callers above, from <listcomp> up to the entry point; what it calls below); the
// keys move to a caller and back, and Enter opens demo/app.py (mapped into the workspace) at
// is_prime's def line. Screenshots go to test-results/sandwich-*.png.
//
//   node test/ui/sandwich.ui.mjs [--skip-build]
import { Expectation, expect } from '../runner/session.mjs';
import { runUiTest } from '../runner/uiTest.mjs';
import { waitForActiveTab, waitForCursorLine } from '../runner/workbench.mjs';
import { fixtureDocument, mapDemoSources } from '../runner/workspace.mjs';

await runUiTest({
  label: 'sandwich UI',
  tempPrefix: 'rp-sandwich-ui-',
  logName: 'code-server-sandwich-ui.log',
  shotPrefix: 'sandwich',
  async prepare({ workspace }) {
    mapDemoSources(workspace);
    const isPrime = fixtureDocument(workspace, '-GET-slow-').profile.functions.find((f) => f.name === 'is_prime');
    expect(isPrime, 'the /slow fixture records is_prime');
    return { isPrime };
  },
  async steps({ page, phases, shot, isPrime }) {
    await phases.time('open GET /slow from the Profiles panel', async () => {
      const entry = page.locator('.activitybar a[aria-label^="Request Profiler"]');
      await entry.waitFor({ timeout: 30_000 });
      await entry.click();
      const row = page
        .locator('.part.sidebar .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: 'GET /slow' }) })
        .first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
    });

    // The webview's content sits two iframes down; the active editor's webview is the visible one.
    const view = () => page.frameLocator('iframe.webview.ready').last().frameLocator('iframe#active-frame');
    const title = () => view().locator('.sandwich-title').innerText();

    await phases.time('Functions tab: choose is_prime, S opens its sandwich', async () => {
      await view().locator('vscode-tab-panel[data-tab="tree"] .vrow.hot').first().waitFor({ timeout: 30_000 });
      await view().locator('vscode-tab-header', { hasText: 'Functions' }).click();
      const functions = view().locator('vscode-tab-panel[data-tab="functions"] .vlist');
      const row = functions.locator('.vrow', { has: page.locator('.name', { hasText: /^is_prime$/ }) });
      await row.waitFor({ timeout: 10_000 });
      await row.locator('.name').click();
      await page.keyboard.press('s');
      await view()
        .locator('.sandwich-title', { hasText: 'is_prime' })
        .waitFor({ timeout: 10_000 })
        .catch(async () => {
          throw new Expectation(`S on is_prime opened no sandwich of it; the view's tabs: ${await view().locator('vscode-tabs').innerText()}`);
        });
      const figures = await view().locator('.sandwich-figures').innerText();
      expect(/^Total .*ms · \d+(\.\d)?% of the request · Own .*ms · 29998 calls$/.test(figures.trim()), `the header gives is_prime's figures: ${figures}`);
    });

    await phases.time('both halves drawn', async () => {
      // Each half is a canvas: drawn when it has painted pixels.
      for (const half of ['callers', 'callees']) {
        await view()
          .locator(`.sandwich-${half} .flame-canvas`)
          .evaluate(
            (canvas) =>
              new Promise((resolve, reject) => {
                const started = Date.now();
                const look = () => {
                  if (canvas.width > 0) {
                    const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return resolve(true);
                  }
                  if (Date.now() - started > 10_000) return reject(new Error('nothing drawn'));
                  requestAnimationFrame(look);
                };
                look();
              }),
          )
          .catch(() => {
            throw new Expectation(`the sandwich's ${half} half drew nothing`);
          });
      }
      // Hovering the callers half just above is_prime (on the bottom edge) names its caller.
      const callers = await view().locator('.sandwich-callers').boundingBox();
      await page.mouse.move(callers.x + callers.width * 0.3, callers.y + callers.height - 18 - 9);
      const tooltip = view().locator('.sandwich-half .flame-tooltip.visible');
      await tooltip.waitFor({ timeout: 10_000 });
      const text = await tooltip.innerText();
      expect(text.includes('<listcomp>') && text.includes("of is_prime's time"), `the frame above is_prime is its caller, <listcomp>: ${text}`);
      await page.screenshot({ path: shot('is-prime') });
    });

    await phases.time('keys: up to a caller and back, Enter opens is_prime at its def line', async () => {
      await view().locator('.sandwich-callers').focus();
      await page.keyboard.press('ArrowUp');
      const announced = async () => (await view().locator('.sandwich-half .visually-hidden').allInnerTexts()).join(' | ');
      expect((await announced()).includes('<listcomp>'), `ArrowUp selects is_prime's caller: ${await announced()}`);
      await page.keyboard.press('ArrowDown');
      expect((await announced()).startsWith('is_prime, Total'), `ArrowDown selects is_prime again: ${await announced()}`);
      await page.keyboard.press('Enter');
      await waitForActiveTab(page, 'app.py', 'Enter on is_prime in the sandwich opened no app.py editor');
      await waitForCursorLine(page, isPrime.line, 'is_prime from the sandwich');
      await page.screenshot({ path: shot('source') });
    });

    await phases.time('the sandwich is there again when the view comes back', async () => {
      await page.locator('.part.editor .tab', { hasText: 'slow' }).first().click();
      await view()
        .locator('.sandwich-title', { hasText: 'is_prime' })
        .waitFor({ timeout: 15_000 })
        .catch(async () => {
          throw new Expectation(`after its tab was hidden, the view does not show is_prime's sandwich: ${await title().catch(() => 'no title')}`);
        });
    });
  },
});
