/**
 * The diff view's page (dist/webview/compareView.js and compareView.css, built by
 * `node esbuild.mjs`) in headless Chromium, fed the comparison the host would send for two
 * hand-made profiles: what the Call tree and Flame tabs ask the host to open (Enter, a
 * double-click, the list of A's paths not in B: always a function by its index in B, or in A
 * when it is not in B), and the files the page saves for the serializer.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { CompareShow } from '../../src/compareView/protocol';
import { compareProfiles } from '../../src/core/compareProfiles';
import { compareProfileTrees } from '../../src/core/compareTrees';
import type { ProfileData } from '../../src/core/profileFormat';
import { PATHS } from '../unit/callTreeSamples';
import { BASELINE, CHANGED } from '../unit/compareSamples';
import { showFlameTab } from '../support/flameTab';
import { bundlePage, useWebviewPageServer } from '../support/webviewPageServer';

const PAGE = bundlePage('compareView');

/** What the host sends for A and B (src/compareView/comparePanel.ts, show). */
function showOf(a: ProfileData, b: ProfileData): CompareShow {
  const comparison = compareProfiles({ profile: a, paths: PATHS }, { profile: b, paths: PATHS });
  const side = (name: string) => ({ name, start: 1_700_000_000, wallMs: 100, source: `file:///work/.profiles/${name.replace(/\W/g, '_')}.rprof.json` });
  return {
    comparisonId: 'a..b',
    mode: 'absolute',
    a: side('GET A'),
    b: side('GET B'),
    totalA: comparison.totalA,
    totalB: comparison.totalB,
    difference: comparison.difference,
    summary: comparison.summary,
    rows: comparison.functions,
    tree: compareProfileTrees({ profile: a, paths: PATHS }, { profile: b, paths: PATHS }),
  };
}

type Message = { type: string } & Record<string, unknown>;

describe('diff view webview in Chromium', function () {
  this.timeout(60_000);

  const harness = useWebviewPageServer('compareView.js', { page: () => PAGE });

  async function open(show: CompareShow): Promise<{ page: Page; errors: string[] }> {
    const page = await harness.browser.newPage({ viewport: { width: 1200, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.origin);
    await page.waitForFunction(() => (window as unknown as { __messages: Message[] }).__messages.some((m) => m.type === 'setMode'));
    await page.evaluate((body) => window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'show', body } })), show as never);
    await page.waitForFunction(() => (window as unknown as { __messages: Message[] }).__messages.some((m) => m.type === 'rendered'));
    return { page, errors };
  }

  const messages = (page: Page) => page.evaluate(() => (window as unknown as { __messages: Message[] }).__messages);
  const opened = async (page: Page) => (await messages(page)).filter((m) => m.type === 'openFunction').map(({ side, function: fn }) => ({ side, fn }));

  it('opens the Call tree on the path that explains the difference; Enter opens the node’s function by its index in B', async () => {
    // A: handler → query 40 ms, render 50 ms. B: handler → query 160 ms (function 2 in B), render 45, lookup 5 (new).
    const { page, errors } = await open(showOf(BASELINE, CHANGED));
    try {
      await page.locator('vscode-tab-header', { hasText: 'Call tree' }).click();
      const active = page.locator('.diff-tree-row.active');
      assert.equal((await active.locator('.name').textContent())?.trim(), 'Database.query');
      assert.match((await active.textContent()) ?? '', /40\.0 ms.*160 ms.*\+120 ms/);
      const rendered = (await messages(page)).filter((m) => m.type === 'rendered').at(-1)!;
      assert.equal(rendered.tab, 'tree');
      assert.equal(rendered.treeSelected, 'Database.query');
      assert.equal(rendered.treeRows, 4, 'handler and its three children');
      await active.locator('.name').click();
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => (window as unknown as { __messages: Message[] }).__messages.some((m) => m.type === 'openFunction'));
      assert.deepEqual(await opened(page), [{ side: 'b', fn: 2 }]);
      // The files compared, saved for the serializer, and the tab shown.
      const state = (await page.evaluate(() => (window as unknown as { __state: unknown }).__state)) as Record<string, unknown>;
      assert.deepEqual([state.a, state.b, state.tab], ['file:///work/.profiles/GET_A.rprof.json', 'file:///work/.profiles/GET_B.rprof.json', 'tree']);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('names a node not in B by its index in A, from the tree and from the Flame tab’s list', async () => {
    // Swapped: lookup (function 3 of A) is not in B.
    const { page, errors } = await open(showOf(CHANGED, BASELINE));
    try {
      await page.locator('vscode-tab-header', { hasText: 'Call tree' }).click();
      const lookup = page.locator('.diff-tree-row', { hasText: 'lookup' });
      assert.match((await lookup.textContent()) ?? '', /not in B/);
      assert.equal(await lookup.locator('.codicon-diff-removed').count(), 1);
      await lookup.locator('.name').dblclick();
      await page.locator('vscode-tab-header', { hasText: 'Flame' }).click();
      const item = page.locator('.flame-vanished li button');
      await page.locator('.flame-vanished summary').click();
      assert.match((await item.textContent()) ?? '', /handler › lookup: 5\.00 ms in A/);
      await item.click();
      assert.deepEqual(await opened(page), [
        { side: 'a', fn: 3 },
        { side: 'a', fn: 3 },
      ]);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  it('draws B’s frames; a double-click on one opens its function in B, and its tooltip gives A, B and the change', async () => {
    const { page, errors } = await open(showOf(CHANGED, BASELINE));
    try {
      await showFlameTab(page);
      const box = (await page.locator('.flame-viewport').boundingBox())!;
      // Icicle: row 0 the whole request, row 1 handler, row 2 render (50 ms, on the left) and query (40 ms).
      const render = { x: box.x + box.width * 0.1, y: box.y + 2 * 18 + 9 };
      await page.mouse.move(render.x, render.y);
      await page.waitForSelector('.flame-tooltip.visible');
      assert.match((await page.locator('.flame-tooltip').textContent()) ?? '', /^renderTotal: A 45\.0 ms, B 50\.0 ms, change \+5\.00 ms \(slower\)/);
      await page.mouse.dblclick(render.x, render.y);
      await page.waitForFunction(() => (window as unknown as { __messages: Message[] }).__messages.some((m) => m.type === 'openFunction'));
      assert.deepEqual(await opened(page), [{ side: 'b', fn: 2 }], 'render is function 2 of B');
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
