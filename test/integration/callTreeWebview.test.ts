/**
 * The profile view's webview (dist/webview/profileView.js and profileView.css, built by
 * `node esbuild.mjs`) in headless Chromium, for what only a browser's layout shows: the
 * rows of a deep call tree keep their function names on screen (issue 12: indenting 14 px a
 * level pushed names out of the Function column from about level 45), and rows that move
 * keep their elements (an expand or collapse draws only the rows it adds).
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { makeDeepChainText } from '../support/makeDeepChain.mjs';
import { DEBIAN_PATHS, documentHeader, profileDocumentText } from '../support/profileDocument.mjs';
import type { ProfileData } from '../../src/core/profileFormat';
import { sampled as stack, sampledData, sampledFn } from '../unit/sampledSamples';
import { showFlameTab } from '../support/flameTab';
import { bundlePage, useWebviewPageServer } from '../support/webviewPageServer';

const PAGE = bundlePage('profileView');

/** 300 levels: the hot path opens all of them. */
const CHAIN_DEPTH = 300;

/**
 * A 20-deep chain under the root's costliest child, then ten siblings of that child: the view
 * opens with the chain expanded and the first siblings on screen below it.
 */
function chainWithSiblings(): string {
  const text = makeDeepChainText(22);
  const newline = text.indexOf('\n');
  const first = JSON.parse(`${text.slice(0, newline - 1)}}`) as { header: Record<string, unknown> };
  const rest = JSON.parse(`{${text.slice(newline + 1)}`) as { profile: ProfileData };
  const { functions, edges } = rest.profile;
  for (let i = 0; i < 10; i++) {
    functions.push({ file: '/srv/app/side.py', line: i + 1, name: `side_${i}`, qualname: `side_${i}`, cc: 1, nc: 1, tt: 1e-6, ct: 1e-6 });
    edges.push([0, functions.length - 1, 1, 1, 1e-6, 1e-6]);
  }
  functions[0].ct += 10e-6;
  first.header.functionCount = functions.length;
  first.header.edgeCount = edges.length;
  return `${JSON.stringify(first).slice(0, -1)},\n${JSON.stringify(rest).slice(1)}\n`;
}

/**
 * A sampled profile (version 2) of a chain `depth` deep: one stack through every level, and a
 * second that stops at level 2, so the flame graph has a fork.
 */
function sampledChain(depth: number): string {
  const text = makeDeepChainText(depth);
  const newline = text.indexOf('\n');
  const first = JSON.parse(`${text.slice(0, newline - 1)}}`) as { version: number; header: Record<string, unknown> };
  const rest = JSON.parse(`{${text.slice(newline + 1)}`) as { profile: ProfileData };
  const frames = rest.profile.functions.map((_, i) => i);
  first.version = 2;
  first.header.engine = 'sample';
  rest.profile.engine = 'sample';
  rest.profile.stacks = [
    [frames, frames.map(() => 1), false, 0.006, 0.006, 6],
    [frames.slice(0, 3), [1, 1, 1], false, 0.002, 0.002, 2],
  ];
  rest.profile.sampling = {
    intervalMs: 1,
    samples: 8,
    rateHz: 1000,
    maxGapMs: 1,
    sampledMs: 8,
    cpuMs: 8,
    unsampledTailMs: 0,
    unattributedMs: 0,
    overflowMs: 0,
    distinctStacks: 2,
  };
  return `${JSON.stringify(first).slice(0, -1)},\n${JSON.stringify(rest).slice(1)}\n`;
}

/**
 * A sampled profile in which query has two callers that spend its time differently (as in
 * test/unit/callTreeStacks.test.ts): from the pairs the tree would split query's time between
 * them and mark it `~`; from the stacks it is exact. view_a also waits 3 ms at an await.
 */
function sampledTwoCallers(): string {
  const functions = ['handler', 'view_a', 'view_b', 'query', 'execute'].map((name) => sampledFn(`/app/${name}.py`, name));
  const data = sampledData(functions, [stack([0, 1, 3, 4], 30, 5), stack([0, 2, 3], 10, 2), stack([0, 1], 3, 1, true), stack([0], 2, 1)]);
  const header = documentHeader(data, { id: 'sampled-two-callers', engine: 'sample', profiledMs: 45 });
  return profileDocumentText(header, data, DEBIAN_PATHS).replace('"version":1,', '"version":2,');
}

describe('call tree webview in Chromium', function () {
  this.timeout(60_000);
  const chain = makeDeepChainText(CHAIN_DEPTH);
  const siblings = chainWithSiblings();
  // A name and a file with a right-to-left override: drawn as it is, "level_2" would read reversed.
  const bidi = makeDeepChainText(4).replaceAll('"name":"level_2","qualname":"level_2"', '"name":"gpj.\\u202Eexe","qualname":"gpj.\\u202Eexe"');
  const sampled = sampledChain(8);
  const twoCallers = sampledTwoCallers();

  const profiles: Record<string, string> = {
    '/deep.rprof.json': chain,
    '/siblings.rprof.json': siblings,
    '/bidi.rprof.json': bidi,
    '/sampled.rprof.json': sampled,
    '/two-callers.rprof.json': twoCallers,
  };

  const harness = useWebviewPageServer('profileView.js', { page: () => PAGE, json: profiles });

  /** The page with the chain shown (the hot path, every level, expanded), as the host sends it. */
  /** Notes the page gets before `show` (as the host's channel sends what it held until the page was ready). */
  async function openChain(width: number, file = '/deep.rprof.json', before: { type: string; body: unknown }[] = []): Promise<Page> {
    const page = await harness.browser.newPage({ viewport: { width, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.origin);
    await page.waitForFunction(() => (window as unknown as { __messages: { type: string }[] }).__messages.some((m) => m.type === 'ready'));
    await page.evaluate(
      async ({ file, before }) => {
        for (const { type, body } of before) window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type, body } }));
        const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
        const show = { fileName: 'deep.rprof.json', profile: { bytes }, defaults: { hideLibraryFrames: false } };
        window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'show', body: show } }));
      },
      { file, before },
    );
    await page.waitForSelector('vscode-tab-panel[data-tab="tree"] .vrow');
    assert.deepEqual(errors, []);
    return page;
  }

  /** Scrolls the tree to the row at this depth (row i is at depth i) and reads where its name is drawn. */
  async function nameAtDepth(page: Page, depth: number) {
    return page.evaluate(async (depth) => {
      const list = document.querySelector('vscode-tab-panel[data-tab="tree"] .vlist') as HTMLElement;
      list.scrollTop = depth * 22 - list.clientHeight / 2;
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const row = list.querySelector(`.vrow:not([hidden])[aria-level="${depth + 1}"]`) as HTMLElement | null;
      if (!row) return null;
      const name = row.querySelector('.name') as HTMLElement;
      const cell = row.querySelector('.name-cell') as HTMLElement;
      const box = name.getBoundingClientRect();
      const cellBox = cell.getBoundingClientRect();
      const depthLabel = row.querySelector('.depth') as HTMLElement | null;
      return {
        text: name.textContent,
        box: { left: box.left, right: box.right, top: box.top, bottom: box.bottom, width: box.width },
        cell: { left: cellBox.left, right: cellBox.right },
        clipped: name.scrollWidth > name.clientWidth,
        viewport: { width: window.innerWidth, height: window.innerHeight },
        depthLabel: !depthLabel || depthLabel.hidden ? null : depthLabel.textContent,
      };
    }, depth);
  }

  for (const width of [1200, 640]) {
    it(`shows the function name of a row 200 levels deep, in full and on screen (${width} px wide)`, async () => {
      const page = await openChain(width);
      try {
        const labels: [number, string | null][] = [];
        for (const depth of [0, 19, 45, 200, CHAIN_DEPTH - 1]) {
          const drawn = await nameAtDepth(page, depth);
          assert.ok(drawn, `the row at depth ${depth} is drawn`);
          assert.equal(drawn.text, `level_${depth}`);
          const { box, cell, viewport } = drawn;
          const where = `depth ${depth}: name at ${box.left}..${box.right}, cell ${cell.left}..${cell.right}, viewport ${viewport.width}`;
          assert.ok(box.width > 0 && box.left >= cell.left && box.right <= cell.right, `inside its cell: ${where}`);
          assert.ok(box.left >= 0 && box.right <= viewport.width && box.top >= 0 && box.bottom <= viewport.height, `inside the viewport: ${where}`);
          assert.equal(drawn.clipped, false, `not cut short: ${where}`);
          labels.push([depth, drawn.depthLabel]);
        }
        // Deep rows tell their depth, which the indentation no longer shows.
        assert.deepEqual(labels, [
          [0, null],
          [19, null],
          [45, '45'],
          [200, '200'],
          [CHAIN_DEPTH - 1, String(CHAIN_DEPTH - 1)],
        ]);
      } finally {
        await page.close();
      }
    });
  }

  it('shows a recorded name with a right-to-left override escaped, in the row and its tooltip', async () => {
    assert.ok(bidi.includes('\\u202E'), 'the sample has the override');
    const page = await openChain(1200, '/bidi.rprof.json');
    try {
      const row = page.locator('vscode-tab-panel[data-tab="tree"] .vrow:not([hidden])[aria-level="3"]');
      assert.equal(await row.locator('.name').textContent(), 'gpj.⟨U+202E⟩exe');
      assert.match((await row.getAttribute('title')) ?? '', /^gpj\.⟨U\+202E⟩exe\n/);
      const texts = await page.locator('vscode-tab-panel[data-tab="tree"] .vrow .name').allTextContents();
      assert.ok(
        texts.every((text) => !text.includes('\u202E')),
        texts.join(' | '),
      );
    } finally {
      await page.close();
    }
  });

  it('shows def lines that arrive after the profile in place, keeping expansion, selection and scroll', async () => {
    const { profile } = JSON.parse(siblings) as { profile: ProfileData };
    const indexOf = (name: string) => profile.functions.findIndex((f) => f.name === name);
    const page = await openChain(1200, '/siblings.rprof.json');
    try {
      const look = () =>
        page.evaluate(() => {
          const tree = document.querySelector('vscode-tab-panel[data-tab="tree"] .vlist') as HTMLElement;
          const functions = document.querySelector('vscode-tab-panel[data-tab="functions"] .vlist') as HTMLElement;
          const treeRow = (name: string) => [...tree.querySelectorAll('.vrow:not([hidden])')].find((r) => r.querySelector('.name')?.textContent === name);
          const functionRow = (name: string) =>
            [...functions.querySelectorAll('.vrow:not([hidden])')].find((r) => r.querySelector('.name')?.textContent === name);
          const selected = tree.querySelector('.vrow.selected:not([hidden])');
          const saved = (window as unknown as { __state: { expansion: number[]; selectedPath: number[] } }).__state;
          return {
            scrollTop: tree.scrollTop,
            rows: tree.querySelectorAll('.vrow:not([hidden])').length,
            selectedName: selected?.querySelector('.name')?.textContent,
            selectedWhere: selected?.querySelector('.where')?.textContent,
            side0Where: treeRow('side_0')?.querySelector('.where')?.textContent,
            side0Function: functionRow('side_0')?.textContent,
            expansion: saved.expansion,
            selectedPath: saved.selectedPath,
          };
        });
      // The Functions tab makes its rows when first shown: show it once, so that its rows exist
      // and must be updated in place.
      await page.locator('vscode-tab-header', { hasText: 'Functions' }).click();
      await page.locator('vscode-tab-panel[data-tab="functions"] .vrow').first().waitFor();
      await page.locator('vscode-tab-header', { hasText: 'Call tree' }).click();
      await page.evaluate(async () => {
        const tree = document.querySelector('vscode-tab-panel[data-tab="tree"] .vlist') as HTMLElement;
        tree.scrollTop = 3 * 22;
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      });
      const before = await look();
      assert.ok(before.selectedName && before.scrollTop > 0, `a selected row and a scrolled list: ${JSON.stringify(before)}`);
      assert.match(before.side0Where ?? '', /:1$/, 'side_0 shows its recorded line first');
      const selectedFn = indexOf(before.selectedName);
      await page.evaluate(
        (lines) => window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'definitionLines', body: { lines } } })),
        [
          [selectedFn, 777],
          [indexOf('side_0'), 555],
        ],
      );
      await page.waitForFunction(() =>
        (window as unknown as { __messages: { type: string; state?: { selectedLocation: string | null } }[] }).__messages.some(
          (m) => m.type === 'viewState' && m.state?.selectedLocation?.endsWith(':777'),
        ),
      );
      const after = await look();
      assert.match(after.selectedWhere ?? '', /:777$/, 'the selected row shows its def line');
      assert.match(after.side0Where ?? '', /:555$/, 'side_0 shows its def line');
      assert.match(after.side0Function ?? '', /:555/, 'the Functions tab shows it too');
      assert.deepEqual(
        { scrollTop: after.scrollTop, rows: after.rows, selectedName: after.selectedName, expansion: after.expansion, selectedPath: after.selectedPath },
        { scrollTop: before.scrollTop, rows: before.rows, selectedName: before.selectedName, expansion: before.expansion, selectedPath: before.selectedPath },
        'expansion, selection and scroll are as they were',
      );
    } finally {
      await page.close();
    }
  });

  it('reveals a function asked for before the profile came, once it is drawn (Show in Call Tree on a page loading again)', async () => {
    const { profile } = JSON.parse(siblings) as { profile: ProfileData };
    const level3 = profile.functions.findIndex((f) => f.name === 'level_3');
    assert.ok(level3 > 0);
    const page = await openChain(1200, '/siblings.rprof.json', [{ type: 'revealFunction', body: { function: level3 } }]);
    try {
      type Reported = { __messages: { type: string; state?: { selectedFunction: number | null } }[] };
      await page.waitForFunction(() => (window as unknown as Reported).__messages.some((m) => m.type === 'viewState'));
      const selected = await page.evaluate(() => ({
        name: document.querySelector('vscode-tab-panel[data-tab="tree"] .vrow.selected:not([hidden]) .name')?.textContent,
        reported: (window as unknown as Reported).__messages.find((m) => m.type === 'viewState')?.state?.selectedFunction,
      }));
      assert.deepEqual(selected, { name: 'level_3', reported: level3 });
    } finally {
      await page.close();
    }
  });

  it("lists the Functions tab's rows only when the tab is first shown", async () => {
    const page = await openChain(1200);
    try {
      const functionRows = 'vscode-tab-panel[data-tab="functions"] .vrow:not([hidden])';
      // Opening a profile pays for the call tree only (a deep chain's 100,000 function rows were part of its first paint).
      assert.equal(await page.locator(functionRows).count(), 0, 'no function rows before the tab is shown');
      await page.locator('vscode-tab-header', { hasText: 'Functions' }).click();
      await page.locator(functionRows).first().waitFor({ timeout: 10_000 });
      assert.match((await page.locator(`${functionRows} .name`).first().textContent()) ?? '', /^level_\d+$/);
      assert.match((await page.locator('vscode-tab-panel[data-tab="functions"] .legend').textContent()) ?? '', new RegExp(`^${CHAIN_DEPTH} functions\\.`));
    } finally {
      await page.close();
    }
  });

  it('writes the date in the header after the first frame (the locale data it loads is not part of the first paint)', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1200, height: 700 } });
    try {
      // Counts the page's calls of toLocaleDateString: the first loads the locale's data (100+ ms).
      await page.addInitScript(() => {
        const original = Date.prototype.toLocaleDateString;
        (window as unknown as { __dateCalls: number }).__dateCalls = 0;
        Date.prototype.toLocaleDateString = function (this: Date, ...args: Parameters<Date['toLocaleDateString']>) {
          (window as unknown as { __dateCalls: number }).__dateCalls++;
          return original.apply(this, args);
        };
      });
      await page.goto(harness.origin);
      await page.waitForFunction(() => (window as unknown as { __messages: { type: string }[] }).__messages.some((m) => m.type === 'ready'));
      const duringShow = await page.evaluate(async () => {
        const bytes = new Uint8Array(await (await fetch('/deep.rprof.json')).arrayBuffer());
        const show = { fileName: 'deep.rprof.json', profile: { bytes }, defaults: { hideLibraryFrames: false } };
        window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'show', body: show } }));
        return {
          calls: (window as unknown as { __dateCalls: number }).__dateCalls,
          rows: document.querySelectorAll('vscode-tab-panel[data-tab="tree"] .vrow').length,
        };
      });
      assert.ok(duringShow.rows > 0, 'the tree is drawn when the show message is handled');
      assert.equal(duringShow.calls, 0, 'no toLocaleDateString while the page is first drawn');
      const start = JSON.parse(chain.slice(0, chain.indexOf('\n') - 1) + '}').header.start as number;
      const expected = await page.evaluate((start) => new Date(start * 1000).toLocaleDateString(), start);
      const value = page.locator('.profile-header .field', { hasText: 'Time' }).locator('.value');
      await page.waitForFunction((date) => document.querySelector('.profile-header .fields')?.textContent?.includes(date), expected);
      assert.match((await value.textContent()) ?? '', new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\d\\d:\\d\\d:\\d\\d$`));
    } finally {
      await page.close();
    }
  });

  it('saves a change at once when the page goes away before its save was due (a hidden tab is torn down)', async () => {
    const page = await openChain(1200, '/siblings.rprof.json');
    try {
      type Saved = { __state?: { selectedPath?: number[] | null }; __messages: { type: string }[] };
      await page.waitForFunction(() => (window as unknown as Saved).__messages.some((m) => m.type === 'saveState'));
      const result = await page.evaluate(() => {
        const saved = window as unknown as Saved;
        const before = JSON.stringify(saved.__state?.selectedPath);
        const rows = [...document.querySelectorAll('vscode-tab-panel[data-tab="tree"] .vrow:not([hidden]):not(.selected)')];
        const other = rows[rows.length - 1] as HTMLElement;
        other.querySelector('.name')!.dispatchEvent(new MouseEvent('mousedown', { bubbles: true }));
        const afterClick = JSON.stringify(saved.__state?.selectedPath);
        const selected = document.querySelector('vscode-tab-panel[data-tab="tree"] .vrow.selected') === other;
        // In the same task: the save (30 ms after a change) is not due yet.
        window.dispatchEvent(new Event('pagehide'));
        return { before, afterClick, selected, afterHide: JSON.stringify(saved.__state?.selectedPath) };
      });
      assert.ok(result.selected, 'the pressed row is selected');
      assert.equal(result.afterClick, result.before, 'the click alone saves later, not at once');
      assert.notEqual(result.afterHide, result.before, `pagehide saves the new selection at once: ${JSON.stringify(result)}`);
    } finally {
      await page.close();
    }
  });

  it('saves and reports its state after the first paint, not inside it', async () => {
    const page = await harness.browser.newPage({ viewport: { width: 1200, height: 700 } });
    try {
      await page.goto(harness.origin);
      await page.waitForFunction(() => (window as unknown as { __messages: { type: string }[] }).__messages.some((m) => m.type === 'ready'));
      type Page = { __messages: { type: string; state?: { expanded?: string[] } }[]; __state?: { expansion?: number[] } };
      const duringShow = await page.evaluate(async () => {
        const bytes = new Uint8Array(await (await fetch('/deep.rprof.json')).arrayBuffer());
        const show = { fileName: 'deep.rprof.json', profile: { bytes }, defaults: { hideLibraryFrames: false } };
        window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'show', body: show } }));
        const page = window as unknown as Page;
        return { saved: page.__state !== undefined, reported: page.__messages.filter((m) => m.type !== 'ready').length };
      });
      // Saving a 100,000-deep chain's expansion took 200-300 ms of its first paint.
      assert.deepEqual(duringShow, { saved: false, reported: 0 }, 'nothing saved or posted while the page is first drawn');
      await page.waitForFunction(() => (window as unknown as Page).__messages.some((m) => m.type === 'saveState'));
      const after = await page.evaluate(() => {
        const page = window as unknown as Page;
        return { expansion: page.__state?.expansion?.length, expanded: page.__messages.find((m) => m.type === 'viewState')?.state?.expanded?.length };
      });
      // The hot path opens every level but the last (a leaf): three numbers per node saved.
      assert.deepEqual(after, { expansion: 3 * (CHAIN_DEPTH - 1), expanded: CHAIN_DEPTH - 1 });
    } finally {
      await page.close();
    }
  });

  it('moves the rows below a collapsed node up without drawing them again', async () => {
    const page = await openChain(1200, '/siblings.rprof.json');
    try {
      const moved = await page.evaluate(async () => {
        const list = document.querySelector('vscode-tab-panel[data-tab="tree"] .vlist') as HTMLElement;
        list.scrollTop = 0;
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        const rowOf = (name: string) =>
          [...list.querySelectorAll('.vrow:not([hidden])')].find((r) => r.querySelector('.name')?.textContent === name) as HTMLElement | undefined;
        const before = rowOf('side_0');
        const chainTop = rowOf('level_1');
        if (!before || !chainTop) return { error: 'side_0 or level_1 not drawn' };
        const indexBefore = before.dataset.index;
        (chainTop.querySelector('.twisty') as HTMLElement).dispatchEvent(new MouseEvent('click', { bubbles: true }));
        const after = rowOf('side_0');
        return { same: after === before, indexBefore, indexAfter: after?.dataset.index };
      });
      assert.equal(moved.error, undefined);
      assert.notEqual(moved.indexBefore, moved.indexAfter, 'side_0 moved up');
      assert.equal(moved.same, true, `side_0 kept its element (row ${moved.indexBefore} → ${moved.indexAfter})`);
    } finally {
      await page.close();
    }
  });

  /** The middle of a frame's row in the icicle (row 0: the whole request), in page coordinates. */
  async function rowPoint(page: Page, depth: number, at = 0.1): Promise<{ x: number; y: number }> {
    const box = (await page.locator('.flame-viewport').boundingBox())!;
    return { x: box.x + box.width * at, y: box.y + depth * 18 + 9 };
  }

  it('draws the flame graph of a cProfile profile, with hover, zoom, keys and Show in Call Tree', async () => {
    const page = await openChain(1200);
    try {
      await showFlameTab(page);
      assert.match(
        (await page.locator('.flame-status').textContent()) ?? '',
        /in 300 levels · from cProfile caller→callee pairs: hatched frames are estimates/,
      );
      const level2 = await rowPoint(page, 3);
      await page.mouse.move(level2.x, level2.y);
      await page.waitForSelector('.flame-tooltip.visible');
      assert.match((await page.locator('.flame-tooltip').textContent()) ?? '', /^level_2Total /);
      await page.mouse.click(level2.x, level2.y);
      assert.deepEqual(await page.locator('.flame-crumb').allTextContents(), ['all', 'level_0', 'level_1', 'level_2']);
      // Keys: down to level_3, Enter opens its source (by index), T shows it in the call tree.
      await page.focus('.flame-viewport');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const opened = await page.evaluate(() =>
        (window as unknown as { __messages: { type: string; function?: number }[] }).__messages.find((m) => m.type === 'openFunction'),
      );
      assert.deepEqual(opened, { type: 'openFunction', function: 3 });
      await page.keyboard.press('t');
      await page.waitForSelector('vscode-tab-panel[data-tab="tree"] .vrow.selected');
      assert.equal(await page.locator('vscode-tab-panel[data-tab="tree"] .vrow.selected .name').textContent(), 'level_3');
      // Back on the flame graph, as it was left: Escape zooms out one level.
      await page.locator('vscode-tab-header', { hasText: 'Flame' }).click();
      await page.focus('.flame-viewport');
      await page.keyboard.press('Escape');
      assert.deepEqual(await page.locator('.flame-crumb').allTextContents(), ['all', 'level_0', 'level_1']);
    } finally {
      await page.close();
    }
  });

  it('draws a sampled profile from its stacks, highlights search matches with their share, and remembers flame or icicle', async () => {
    const page = await openChain(1200, '/sampled.rprof.json');
    try {
      await showFlameTab(page);
      assert.match((await page.locator('.flame-status').textContent()) ?? '', /in 8 levels · exact: from sampled stacks/);
      await page.fill('vscode-textfield.search >> input', 'level_5');
      await page.waitForFunction(() => /1 matching frame, 75% of the request/.test(document.querySelector('.flame-status')?.textContent ?? ''));
      await page.click('.flame-toolbar .flame-button:nth-child(2)');
      await page.waitForFunction(() => (window as unknown as { __state?: { flame?: { orientation: string } } }).__state?.flame?.orientation === 'flame');
    } finally {
      await page.close();
    }
  });

  it('draws the frames in their new colours when colouring by package is chosen', async () => {
    const page = await openChain(1200, '/sampled.rprof.json');
    try {
      await showFlameTab(page);
      // The colour drawn in the middle of level_0's row (row 1; row 0, the whole request, is grey either way).
      const colourOfLevel0 = () => {
        const canvas = document.querySelector('.flame-canvas') as HTMLCanvasElement;
        const ratio = canvas.width / canvas.clientWidth;
        const [r, g, b] = canvas.getContext('2d')!.getImageData(Math.round(canvas.width * 0.1), Math.round(27 * ratio), 1, 1).data;
        return `${r},${g},${b}`;
      };
      const byOwnTime = await page.evaluate(colourOfLevel0);
      await page.click('.flame-toolbar .flame-button:nth-child(3)');
      await page.waitForFunction(() => (window as unknown as { __state?: { flame?: { colouring: string } } }).__state?.flame?.colouring === 'module');
      // Two frames later the canvas has drawn whatever it was going to.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      assert.notEqual(await page.evaluate(colourOfLevel0), byOwnTime);
    } finally {
      await page.close();
    }
  });

  it('shows a sampled profile’s tree from its stacks: no estimate marks, samples, and where the request waited', async () => {
    const page = await openChain(1200, '/two-callers.rprof.json');
    const tree = 'vscode-tab-panel[data-tab="tree"]';
    const rowOf = (level: number, name: string) =>
      page.locator(`${tree} .vrow:not([hidden])[aria-level="${level}"]`, { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
    try {
      await rowOf(2, 'view_b').locator('.twisty').click();
      const queryUnderB = rowOf(3, 'query').filter({ hasNotText: '30.0 ms' });
      await queryUnderB.waitFor();
      const seen = await page.evaluate((tree) => {
        // A cell's text as drawn: without its hidden parts (the estimate mark is there, hidden, on exact rows).
        const shown = (cell: Element) => [...cell.childNodes].map((n) => (n instanceof HTMLElement && n.hidden ? '' : n.textContent)).join('');
        const rows = [...document.querySelectorAll(`${tree} .vrow:not([hidden])`)];
        return {
          rows: rows.map((r) =>
            [r.getAttribute('aria-level'), r.querySelector('.name')?.textContent, ...[...r.querySelectorAll(':scope > .num')].map(shown)].join(' '),
          ),
          marks: rows.filter((r) => r.querySelector('.estimate-mark:not([hidden])')).length,
          columns: document.querySelector(`${tree} .tree-columns`)?.textContent,
          legend: document.querySelector(`${tree} .legend`)?.textContent,
        };
      }, tree);
      assert.deepEqual(
        seen.rows,
        [
          '1 handler 45.0 ms 2.0 ms 9',
          '2 view_a 33.0 ms 0.0 ms 6',
          '3 query 30.0 ms 0.0 ms 5',
          '4 execute 30.0 ms 30.0 ms 5',
          '3 awaiting 3.0 ms 3.0 ms 1',
          '2 view_b 10.0 ms 0.0 ms 2',
          '3 query 10.0 ms 10.0 ms 2',
        ],
        'query under each view has its own stacks’ time (from the pairs: 7.5 ms and 2.5 ms of own time)',
      );
      assert.equal(seen.marks, 0, 'no row is marked as an estimate');
      assert.match(seen.columns ?? '', /Own\s*Samples/);
      assert.match(seen.legend ?? '', /^Times from 9 samples at 200 Hz \(longest gap 6\.30 ms\): exact paths/);
      assert.doesNotMatch(seen.legend ?? '', /estimate/);
      assert.match(seen.legend ?? '', /awaiting: suspended at an await/);
      assert.equal(await queryUnderB.getAttribute('title'), 'query\n/app/query.py:10\n10.0 ms in 2 samples, 10.0 ms in 2 of them running here');
    } finally {
      await page.close();
    }
  });

  it('shows a sampled frame in the call tree on the same path (T in the Flame tab), whose source Enter and its button open', async () => {
    const page = await openChain(1200, '/two-callers.rprof.json');
    try {
      await showFlameTab(page);
      // The icicle's row 3 at 80% of the width: query under view_b (view_a's 33 ms of 45 come first).
      const query = await rowPoint(page, 3, 0.8);
      await page.mouse.click(query.x, query.y);
      assert.deepEqual(await page.locator('.flame-crumb').allTextContents(), ['all', 'handler', 'view_b', 'query']);
      await page.focus('.flame-viewport');
      await page.keyboard.press('t');
      await page.waitForFunction(() => JSON.stringify((window as unknown as { __state?: { selectedPath?: number[] } }).__state?.selectedPath) === '[0,2,3]');
      const selected = page.locator('vscode-tab-panel[data-tab="tree"] .vrow.selected');
      assert.equal(await selected.locator('.name').textContent(), 'query');
      assert.equal(await selected.getAttribute('aria-level'), '3');
      assert.match((await selected.getAttribute('title')) ?? '', /\n10\.0 ms in 2 samples, 10\.0 ms in 2 of them running here$/);
      // Click-to-source from the stack-built tree: the keys are the tree's now, and Enter opens the
      // revealed node's function, by index; so does its go-to-source button.
      await page.keyboard.press('Enter');
      await selected.hover();
      await selected.locator('.go-to-source').click();
      await page.waitForFunction(
        () => (window as unknown as { __messages: { type: string }[] }).__messages.filter((m) => m.type === 'openFunction').length >= 2,
      );
      const opened = await page.evaluate(() =>
        (window as unknown as { __messages: { type: string; function?: number }[] }).__messages.filter((m) => m.type === 'openFunction'),
      );
      assert.deepEqual(opened, [
        { type: 'openFunction', function: 3 },
        { type: 'openFunction', function: 3 },
      ]);
    } finally {
      await page.close();
    }
  });

  /** Waits for both halves of the Sandwich tab to have drawn frames. */
  async function sandwichDrawn(page: Page): Promise<void> {
    await page.waitForFunction(() =>
      ['callers', 'callees'].every((half) => {
        const canvas = document.querySelector(`.sandwich-${half} .flame-canvas`) as HTMLCanvasElement | null;
        if (!canvas || canvas.width === 0) return false;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
        return false;
      }),
    );
  }

  const sandwichTitle = (page: Page) => page.locator('.sandwich-title').textContent();
  const openedFunctions = (page: Page) =>
    page.evaluate(() =>
      (window as unknown as { __messages: { type: string; function?: number }[] }).__messages.filter((m) => m.type === 'openFunction').map((m) => m.function),
    );

  it('opens the sandwich of a function chosen in the Functions tab (S): callers above, callees below, keys, Back and the source', async () => {
    const page = await openChain(1200, '/two-callers.rprof.json');
    try {
      // Opened straight away, the tab shows the function selected in the call tree.
      await page.locator('vscode-tab-header', { hasText: 'Sandwich' }).click();
      await sandwichDrawn(page);
      await page.locator('vscode-tab-header', { hasText: 'Functions' }).click();
      await page.locator('vscode-tab-panel[data-tab="functions"] .vrow', { has: page.locator('.name', { hasText: /^query$/ }) }).click();
      await page.keyboard.press('s');
      await sandwichDrawn(page);
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of query\s+query:\d+$/, 'where it is as the call tree says it, not the whole path');
      assert.match((await page.locator('.sandwich-title .muted').getAttribute('title')) ?? '', /^\/app\/query\.py:\d+$/, 'the path on hover');
      assert.match((await page.locator('.sandwich-figures').textContent()) ?? '', /^Total 40\.0 ms · 89% of the request · Own 10\.0 ms · 7 samples$/);
      // The keys are on the callers half, F selected: up is its heaviest caller (view_a), Enter opens its source.
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('sandwich-callers')), true);
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('Enter');
      assert.deepEqual(await openedFunctions(page), [1]);
      // Hover: view_a brings 30 of query's 40 ms.
      const callers = (await page.locator('.sandwich-callers').boundingBox())!;
      await page.mouse.move(callers.x + callers.width * 0.2, callers.y + callers.height - 18 - 9);
      await page.waitForSelector('.sandwich-half .flame-tooltip.visible');
      assert.match((await page.locator('.sandwich-half .flame-tooltip.visible').textContent()) ?? '', /^view_aBrings 30\.0 ms of query's time \(75%\)/);
      // S centres the sandwich on view_a; B goes back to query.
      await page.keyboard.press('s');
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of view_a/);
      await page.keyboard.press('b');
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of query/);
      // The callees half: execute, then query's own time; Enter on a callee opens its source.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.classList.contains('sandwich-callees')), true);
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      assert.deepEqual(await openedFunctions(page), [1, 4]);
      await page.keyboard.press('ArrowRight');
      const own = await page.locator('.sandwich-half .visually-hidden').allTextContents();
      assert.ok(
        own.some((text) => text.startsWith('own time, 10.0 ms running query')),
        own.join(' | '),
      );
      // Remembered with the view's state.
      await page.waitForFunction(() => (window as unknown as { __state?: { sandwichFunction?: number } }).__state?.sandwichFunction === 3);
    } finally {
      await page.close();
    }
  });

  it('opens the sandwich of a call tree row (S) in a cProfile profile, hatching what is estimated, and shows a frame in the tree (T)', async () => {
    const page = await openChain(1200, '/siblings.rprof.json');
    try {
      const tree = 'vscode-tab-panel[data-tab="tree"]';
      await page.locator(`${tree} .vrow`, { has: page.locator('.name', { hasText: /^level_5$/ }) }).click();
      await page.keyboard.press('S');
      await sandwichDrawn(page);
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of level_5/);
      assert.match((await page.locator('.sandwich-tab .legend').textContent()) ?? '', /From cProfile caller→callee pairs/);
      // Down the callees from level_5 to level_6, T shows it in the call tree on its one path.
      await page.keyboard.press('Tab');
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('t');
      await page.waitForFunction(() => document.querySelector('vscode-tab-panel[data-tab="tree"] .vrow.selected .name')?.textContent === 'level_6');
    } finally {
      await page.close();
    }
  });

  it('opens the sandwich from the Flame tab (S, or a zoomed frame and the tab), re-centres it on a double-clicked frame and goes back', async () => {
    const page = await openChain(1200, '/siblings.rprof.json');
    try {
      await showFlameTab(page);
      const level3 = await rowPoint(page, 4);
      await page.mouse.click(level3.x, level3.y);
      await page.focus('.flame-viewport');
      await page.keyboard.press('s');
      await sandwichDrawn(page);
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of level_3/);
      // A double-click on level_4, the first callee (row 1 of the icicle below), centres the sandwich on it.
      const callees = (await page.locator('.sandwich-callees').boundingBox())!;
      await page.mouse.dblclick(callees.x + callees.width * 0.1, callees.y + 18 + 9);
      await page.waitForFunction(() => document.querySelector('.sandwich-title')?.textContent?.startsWith('Sandwich of level_4'));
      await page.locator('.sandwich-tab .flame-button', { hasText: 'Back' }).click();
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of level_3/);
      // A frame zoomed into in the Flame tab (still zoomed on level_3: level_5 is two rows below it) is the function the Sandwich tab shows next.
      await page.locator('vscode-tab-header', { hasText: 'Flame' }).click();
      const flame = (await page.locator('vscode-tab-panel[data-tab="flame"] .flame-viewport').boundingBox())!;
      await page.mouse.click(flame.x + flame.width * 0.1, flame.y + 6 * 18 + 9);
      await page.locator('vscode-tab-header', { hasText: 'Sandwich' }).click();
      await page.waitForFunction(() => document.querySelector('.sandwich-title')?.textContent?.startsWith('Sandwich of level_'));
      assert.match((await sandwichTitle(page)) ?? '', /^Sandwich of level_5/);
    } finally {
      await page.close();
    }
  });
});
