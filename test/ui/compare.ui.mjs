#!/usr/bin/env node
// UI test of "Compare With…", as a person would use it: code-server with the packaged .vsix opens
// a copy of the fixture workspace; in the Profiles panel we select the GET / and GET /slow rows
// (click, then Ctrl+click), right-click one and choose Compare With…; the diff view's tab is
// "GET /slow vs GET / (compare)" and the first row of its table is the function that explains the
// difference, is_prime.<locals>.<genexpr>, marked new in B, with no CSP violation. Then the
// Normalised toggle redraws the table in shares; the Call tree tab opens on the path that
// explains the difference, its selected node the generator; the Flame tab draws B's frames and a
// hovered frame says A, B and the change. Then the window reloads: the diff view reopens (its
// serializer reads the two files its page saved) on the tab it showed, Flame.
// Screenshots go to test-results/compare-*.png.
//
//   node test/ui/compare.ui.mjs [--skip-build]
import { Expectation, expect } from '../runner/session.mjs';
import { runUiTest } from '../runner/uiTest.mjs';
import { chooseMenuItem, describeWebviews, waitForActiveTab } from '../runner/workbench.mjs';

const TOP_FUNCTION = 'is_prime.<locals>.<genexpr>';
const TITLE = 'GET /slow vs GET / (compare)';

await runUiTest({
  label: 'compare UI',
  tempPrefix: 'rp-compare-ui-',
  logName: 'code-server-compare-ui.log',
  shotPrefix: 'compare',
  beforeLoad(page, context) {
    context.cspViolations = [];
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy/i.test(text)) context.cspViolations.push(text);
    });
  },
  async steps({ page, phases, shot, cspViolations }) {
    const entry = page.locator('.activitybar a[aria-label^="Request Profiler"]');
    await entry.waitFor({ timeout: 30_000 });
    await entry.click();
    const row = (label) =>
      page
        .locator('.part.sidebar .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[/.]/g, '\\$&')}$`) }) })
        .first();

    await phases.time('select GET / and GET /slow, right-click, Compare With…', async () => {
      await row('GET /').waitFor({ timeout: 30_000 });
      await row('GET /').click();
      // The click opens GET /'s profile; its page takes the focus once it has loaded, which closes
      // a context menu opened before then: let it load first.
      await page
        .frameLocator('iframe.webview.ready')
        .last()
        .frameLocator('iframe#active-frame')
        .locator('[role="tree"] .vrow')
        .first()
        .waitFor({ timeout: 60_000 })
        .catch(async () => {
          throw new Expectation(`GET /'s profile view did not draw: ${await describeWebviews(page)}`);
        });
      await row('GET /slow').click({ modifiers: ['Control'] });
      await page
        .waitForFunction(() => document.querySelectorAll('.part.sidebar .monaco-list-row[aria-selected="true"]').length === 2, undefined, { timeout: 10_000 })
        .catch(() => {
          throw new Expectation('Ctrl+click did not select a second row');
        });
      await row('GET /slow').click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation('right-clicking a profile row showed no context menu');
      });
      // The menu's box shows before its items are drawn: wait for the item, then say what was offered.
      const compareItem = menu.locator('.action-label', { hasText: 'Compare With…' });
      await compareItem.waitFor({ timeout: 10_000 }).catch(async () => {
        const items = (await menu.locator('.action-label').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
        throw new Expectation(`the row's context menu offers no Compare With…: ${items.join(', ') || '(no items)'}`);
      });
      await chooseMenuItem(page, compareItem);
    });

    /** The diff page's frame: the webview iframe whose page holds the table (the profile view's may be open too). */
    const diffFrame = async () => {
      for (const frame of page.frames()) {
        if (
          await frame
            .locator('table.functions tbody tr')
            .count()
            .catch(() => 0)
        )
          return frame;
      }
      return undefined;
    };
    let frame;
    await phases.time('the diff view with its first row', async () => {
      await waitForActiveTab(page, TITLE, `no "${TITLE}" tab`);
      // 60 s, as the suite's webview waits: under load code-server's webviews have taken 30 s to load.
      const deadline = Date.now() + 60_000;
      while (!(frame = await diffFrame())) {
        if (Date.now() > deadline) throw new Expectation(`the diff view drew no table row within 60 s: ${await describeWebviews(page)}`);
        await page.waitForTimeout(200);
      }
      const first = frame.locator('table.functions tbody tr').first();
      const name = (await first.locator('td.name').innerText()).trim();
      console.log(`[compare UI] first row: ${name} | ${(await first.locator('td.numeric').allInnerTexts()).join(' | ')}`);
      expect(name.startsWith(TOP_FUNCTION), `the first row is ${TOP_FUNCTION}: ${name}`);
      expect(name.includes('new in B'), `the first row says it is new in B: ${name}`);
      expect((await first.locator('td.change').innerText()).trim().startsWith('+'), 'its change has a + sign');
      expect(await first.evaluate((tr) => tr.classList.contains('slower')), 'its row is marked slower');
      const summary = (await frame.locator('.summary').innerText()).trim();
      console.log(`[compare UI] summary: ${summary}`);
      expect(summary.startsWith(`${TOP_FUNCTION} (new in B) +`), `the summary names ${TOP_FUNCTION}: ${summary}`);
      await page.screenshot({ path: shot('absolute') });
    });

    await phases.time('Normalised redraws the table in shares', async () => {
      await frame.locator('vscode-radio[value="normalised"]').click();
      await frame
        .locator('.summary', { hasText: 'points of its request' })
        .waitFor({ timeout: 10_000 })
        .catch(() => {
          throw new Expectation('the summary did not switch to points after choosing Normalised');
        });
      const cells = await frame.locator('table.functions tbody tr').first().locator('td.numeric').allInnerTexts();
      expect(cells.some((c) => c.includes('%')) && cells.some((c) => c.includes('points')), `the first row shows shares and points: ${cells.join(' | ')}`);
      await page.screenshot({ path: shot('normalised') });
    });

    await phases.time('the Call tree tab opens on the path that explains the difference', async () => {
      await frame.locator('vscode-radio[value="absolute"]').click();
      await frame.locator('vscode-tab-header', { hasText: 'Call tree' }).click();
      const active = frame.locator('.diff-tree-row.active');
      await active.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation('the Call tree tab shows no selected node');
      });
      const name = (await active.locator('.name').innerText()).trim();
      const rows = await frame.locator('.diff-tree .diff-tree-row').count();
      console.log(`[compare UI] call tree: ${rows} rows, selected ${name} | ${(await active.locator('.numeric').allInnerTexts()).join(' | ')}`);
      expect(name === TOP_FUNCTION, `the selected node is ${TOP_FUNCTION}: ${name}`);
      expect(rows >= 7, `the path's nodes are expanded: ${rows} rows`);
      expect((await active.innerText()).includes('new in B'), 'the selected node says it is new in B');
      expect(
        await active.evaluate((row) => row.classList.contains('slower') && !!row.querySelector('.codicon-arrow-up')),
        'it is marked slower, with an arrow',
      );
      await page.screenshot({ path: shot('tree') });
      // The keys: Left goes to the parent, Left again collapses it, Right expands it again.
      await active.locator('.name').click();
      await page.keyboard.press('ArrowLeft');
      const parent = (await frame.locator('.diff-tree-row.active .name').innerText()).trim();
      expect(parent === '<built-in method builtins.all>', `Left selects the parent: ${parent}`);
      await page.keyboard.press('ArrowLeft');
      const collapsed = await frame.locator('.diff-tree .diff-tree-row').count();
      expect(collapsed < rows, `Left again collapses it: ${rows} → ${collapsed} rows`);
      expect((await frame.locator('.diff-tree-row.active').getAttribute('aria-expanded')) === 'false', 'the collapsed node says so (aria-expanded)');
      await page.keyboard.press('ArrowRight');
      const expanded = await frame.locator('.diff-tree .diff-tree-row').count();
      expect(expanded === rows, `Right expands it again: ${expanded} rows`);
    });

    await phases.time('the Flame tab draws B and a hovered frame says A, B and the change', async () => {
      await frame.locator('vscode-tab-header', { hasText: 'Flame' }).click();
      const viewport = frame.locator('.flame-viewport');
      await viewport.waitFor({ state: 'visible', timeout: 10_000 });
      const box = await viewport.boundingBox();
      if (!box) throw new Expectation('the flame graph has no size');
      // Icicle: the root on the first 18 px row, the app on the second.
      await viewport.hover({ position: { x: box.width * 0.4, y: 27 } });
      const tooltip = frame.locator('.flame-tooltip.visible');
      await tooltip.waitFor({ timeout: 10_000 }).catch(() => {
        throw new Expectation('hovering a frame showed no tooltip');
      });
      const text = (await tooltip.innerText()).trim();
      console.log(`[compare UI] flame tooltip: ${text.replace(/\n/g, ' | ')}`);
      expect(/Total: A .+, B .+, change [+−±]/.test(text), `the tooltip gives A, B and the change: ${text}`);
      const vanished = (await frame.locator('.flame-vanished summary').innerText()).trim();
      expect(/^Not in B: \d+ paths? of A/.test(vanished), `the paths of A not in B are listed: ${vanished}`);
      await page.screenshot({ path: shot('flame') });
    });

    await phases.time('after Developer: Reload Window the diff view reopens on its tab', async () => {
      // VS Code's own reload shuts the window down properly (the page's state stored), unlike a browser reload.
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Developer: Reload Window');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Developer: Reload Window' }).first().waitFor({ timeout: 10_000 });
      await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), page.keyboard.press('Enter')]);
      await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await waitForActiveTab(page, TITLE, `no "${TITLE}" tab after the reload`, 60_000);
      const deadline = Date.now() + 60_000;
      while (!(frame = await diffFrame())) {
        if (Date.now() > deadline) throw new Expectation(`the reopened diff view drew no table row within 60 s: ${await describeWebviews(page)}`);
        await page.waitForTimeout(200);
      }
      const name = (await frame.locator('table.functions tbody tr').first().locator('td.name').textContent()).trim();
      expect(name.startsWith(TOP_FUNCTION), `the reopened view's first row is ${TOP_FUNCTION}: ${name}`);
      const viewport = frame.locator('.flame-viewport');
      await viewport.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
        throw new Expectation('the reopened view does not show the tab it showed, Flame');
      });
      console.log(`[compare UI] reopened: first row ${name}; the Flame tab shown`);
      await page.screenshot({ path: shot('reopened') });
    });
    expect(cspViolations.length === 0, `no Content Security Policy violation: ${cspViolations.join('\n')}`);
  },
});
