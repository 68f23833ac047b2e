// Benchmarks the profile view itself (webview/callTree) in headless Chromium on a large
// generated profile, next to a JSON.parse of the same file in the same page, so the figures
// compare on any machine.
//
//   node bench/callTreeView.bench.mjs [functions] [edges] [expands] [threshold]
//   (defaults 20,000, 100,000, 300 and 0: no grouping into "other", the most rows to draw)
//   node bench/callTreeView.bench.mjs --deep=100000
//   (instead: a call chain that deep, test/support/makeDeepChain.mjs; first paint only, its hot path
//   opens every level)
//
// The page is the real bundle with a stand-in for VS Code's webview API, sent the file's bytes
// as the host sends them. For library frames shown and folded it prints: JSON.parse of the
// file's text; a structured clone of the bytes (what postMessage copies); the first paint (from
// the `show` message, decoding and parsing the bytes included, to the header and the tree with
// the hot path laid out by the browser); the DOM rows (only visible ones are drawn); and the median / 95th percentile / max of expanding on-screen collapsed
// nodes by clicking their twisty, each timed to the browser's layout. Targets (issue 4):
// first paint < 500 ms, every expand under one 16 ms frame.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/runner/browser.mjs';
import { makeDeepChainText } from '../test/support/makeDeepChain.mjs';
import { makeLargeProfileText } from '../test/support/makeLargeProfile.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const deepArg = process.argv.find((a) => a.startsWith('--deep='));
const deepChain = deepArg ? Number(deepArg.slice('--deep='.length)) : 0;
const [functionCount = 20_000, edgeCount = 100_000, expandCount = 300, threshold = 0] = deepChain
  ? [deepChain, deepChain - 1, 0, 0.005]
  : process.argv.slice(2).filter((a) => !a.startsWith('--')).map(Number);

const STUB = `
window.benchMessages = [];
window.benchState = undefined;
// VS Code copies a posted message and the page lets go of it: keep only its type.
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.benchMessages.push({ type: message.type }),
  getState: () => window.benchState,
  setState: (state) => { window.benchState = state; },
});
`;

const PAGE = `<!DOCTYPE html>
<html><head><meta charset="UTF-8">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="callTree.css">
</head><body>
<main id="app"></main>
<script src="stub.js"></script>
<script type="module" src="callTree.js"></script>
</body></html>`;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.json': 'application/json' };

async function buildPage(dir) {
  await esbuild.build({
    entryPoints: [join(root, 'webview/callTree/main.ts')],
    outfile: join(dir, 'callTree.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    loader: { '.ttf': 'file' },
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'stub.js'), STUB);
  writeFileSync(join(dir, 'index.html'), PAGE);
}

function serve(dir) {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = readFileSync(join(dir, name));
      response.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Runs in the page: parse, clone, show, then expand on-screen nodes one by one. */
async function measureInPage({ hideLibraryFrames, expandCount, threshold }) {
  // The page takes its threshold from its saved state, as after the user set it.
  window.benchState = { profileId: 'bench', threshold };
  const layout = () => document.body.getBoundingClientRect().height;
  const bytes = new Uint8Array(await (await fetch('profile.rprof.json')).arrayBuffer());
  let text = new TextDecoder().decode(bytes);
  let t = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - t;
  // Only the page's own objects stay alive, as behind postMessage.
  text = null;
  t = performance.now();
  const cloned = structuredClone(bytes);
  const cloneMs = performance.now() - t;

  t = performance.now();
  window.dispatchEvent(new MessageEvent('message', { data: { type: 'show', fileName: 'bench.rprof.json', profile: { bytes: cloned }, defaults: { hideLibraryFrames } } }));
  layout();
  const firstPaintMs = performance.now() - t;
  const list = document.querySelector('vscode-tab-panel[data-tab="tree"] .vlist');
  const rowsInDom = list.querySelectorAll('.vrow:not([hidden])').length;
  const hotRows = list.querySelectorAll('.vrow.hot').length;

  // A seeded choice among the collapsed rows on screen, as a user would click them.
  let seed = 7;
  const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  const times = [];
  // Resolves after the next frame is drawn (a task after its animation frame), as a user's next
  // click comes after the scrolled rows are on screen, not between an animation frame and its layout.
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const collapsedOnScreen = () => [...list.querySelectorAll('.vrow:not([hidden])[aria-expanded="false"] .twisty')];
  for (let i = 0; i < expandCount; i++) {
    let collapsed = collapsedOnScreen();
    // None on screen: scroll down page by page, then from the top, as a user would look for one.
    while (!collapsed.length && list.scrollTop + list.clientHeight < list.scrollHeight - 1) {
      list.scrollTop += list.clientHeight;
      await frame();
      collapsed = collapsedOnScreen();
    }
    if (!collapsed.length && list.scrollTop > 0) {
      list.scrollTop = 0;
      await frame();
      collapsed = collapsedOnScreen();
    }
    if (!collapsed.length) break;
    const twisty = collapsed[Math.floor(random() * collapsed.length)];
    t = performance.now();
    twisty.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    layout();
    times.push(performance.now() - t);
    // The next click comes after this one's frame is drawn (a person's clicks are further
    // apart than that); every tenth, the list is scrolled as a person looks further down.
    if (i % 10 === 9) list.scrollTop += list.clientHeight / 2;
    await frame();
  }
  // The saved expansion lists nodes as (parent, function, expanded) triples (expansionState.ts).
  const saved = window.benchState?.expansion ?? [];
  let rowsAfter = 0;
  for (let i = 2; i < saved.length; i += 3) rowsAfter += saved[i];
  return { parseMs, cloneMs, firstPaintMs, rowsInDom, hotRows, times, expandedNodes: rowsAfter, domRowsAfter: list.querySelectorAll('.vrow:not([hidden])').length };
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? NaN };
}

/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60;
const ms = (value) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'rp-call-tree-view-bench-'));
let server;
let browser;
try {
  await buildPage(dir);
  const text = deepChain ? makeDeepChainText(deepChain, 7) : makeLargeProfileText(functionCount, edgeCount);
  writeFileSync(join(dir, 'profile.rprof.json'), text);
  server = await serve(dir);
  const url = `http://127.0.0.1:${server.address().port}/index.html`;
  browser = await launchChromium();
  console.log(`profile: ${functionCount} functions, ${edgeCount} edges, ${(text.length / 1e6).toFixed(1)} MB; threshold ${threshold * 100} %; headless Chromium, viewport 1400×900`);
  for (const hideLibraryFrames of [false, true]) {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(() => window.benchMessages?.some((m) => m.type === 'ready'));
    const result = await page.evaluate(measureInPage, { hideLibraryFrames, expandCount, threshold });
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    // What the view keeps alive: the page's JavaScript heap after a full collection.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    await cdp.detach();
    const expand = stats(result.times);
    console.log(`\n[${hideLibraryFrames ? 'library frames folded' : 'all frames'}]`);
    console.log(`JSON.parse           ${ms(result.parseMs)}`);
    console.log(`structured clone     ${ms(result.cloneMs)}  (postMessage's copy of the file's bytes)`);
    console.log(`first paint          ${ms(result.firstPaintMs)}  (parse, model, tree, hot path ${result.hotRows} rows, header; ${result.rowsInDom} rows in the DOM)`);
    console.log(`heap after GC        ${(usedSize / 1e6).toFixed(1)} MB  (model, call tree, rows; the file's text and parse are gone)`);
    console.log(`expand ×${result.times.length}          median ${ms(expand.median)}, p95 ${ms(expand.p95)}, max ${ms(expand.max)}, ${result.times.filter((t) => t > FRAME_MS).length} over one frame  (${result.expandedNodes} nodes open, ${result.domRowsAfter} rows in the DOM)`);
    await page.close();
  }
} finally {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
}
