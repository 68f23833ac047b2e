/**
 * The profile view's webview (dist/webview/callTree.js and callTree.css, built by
 * `node esbuild.mjs`) in headless Chromium, for what only a browser's layout shows: the
 * rows of a deep call tree keep their function names on screen (issue 12: indenting 14 px a
 * level pushed names out of the Function column from about level 45), and rows that move
 * keep their elements (an expand or collapse draws only the rows it adds).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { makeDeepChainText } from '../support/makeDeepChain.mjs';
import type { ProfileData } from '../../src/core/profileFormat';

const ROOT = join(__dirname, '..', '..', '..');
const DIST = join(ROOT, 'dist', 'webview');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Loaded at run time: playwright-core reads its own package files, so it cannot be bundled.
const { chromium } = createRequire(__filename)('playwright-core') as typeof import('playwright-core');
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

const PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="/callTree.css">
<script>
  window.__messages = [];
  window.__state = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__messages.push(m),
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>
</head><body class="vscode-light"><main id="app"></main>
<script type="module" src="/callTree.js"></script>
</body></html>`;

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

describe('call tree webview in Chromium', function () {
  this.timeout(60_000);
  let server: Server;
  let origin: string;
  let browser: Browser;
  const chain = makeDeepChainText(CHAIN_DEPTH);
  const siblings = chainWithSiblings();
  // A name and a file with a right-to-left override: drawn as it is, "level_2" would read reversed.
  const bidi = makeDeepChainText(4).replaceAll('"name":"level_2","qualname":"level_2"', '"name":"gpj.\\u202Eexe","qualname":"gpj.\\u202Eexe"');

  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip(); // set CHROMIUM_PATH; CI installs Debian's chromium
    assert.ok(existsSync(join(DIST, 'callTree.js')), 'dist/webview/callTree.js is built (node esbuild.mjs)');
    server = createServer((request, response) => {
      const name = (request.url ?? '/').split('?')[0];
      if (name === '/') {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(PAGE);
      } else if (name === '/deep.rprof.json' || name === '/siblings.rprof.json' || name === '/bidi.rprof.json') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(name === '/deep.rprof.json' ? chain : name === '/bidi.rprof.json' ? bidi : siblings);
      } else if (/^\/[\w.-]+$/.test(name) && existsSync(join(DIST, name))) {
        response.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
        response.end(readFileSync(join(DIST, name)));
      } else {
        response.writeHead(404);
        response.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });

  after(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  /** The page with the chain shown (the hot path, every level, expanded), as the host sends it. */
  async function openChain(width: number, file = '/deep.rprof.json'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 700 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(origin);
    await page.waitForFunction(() => (window as unknown as { __messages: { type: string }[] }).__messages.some((m) => m.type === 'ready'));
    await page.evaluate(async (file) => {
      const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
      const show = { type: 'show', fileName: 'deep.rprof.json', profile: { bytes }, defaults: { hideLibraryFrames: false } };
      window.dispatchEvent(new MessageEvent('message', { data: show }));
    }, file);
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
        assert.deepEqual(labels, [[0, null], [19, null], [45, '45'], [200, '200'], [CHAIN_DEPTH - 1, String(CHAIN_DEPTH - 1)]]);
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
      assert.ok(texts.every((text) => !text.includes('\u202E')), texts.join(' | '));
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
        const rowOf = (name: string) => [...list.querySelectorAll('.vrow:not([hidden])')].find((r) => r.querySelector('.name')?.textContent === name) as HTMLElement | undefined;
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
});
