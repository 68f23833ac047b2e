/**
 * The call graph webview (dist/webview/callGraph.js and its layout script
 * dist/webview/callGraph.worker.js, built by `node esbuild.mjs`) in a real
 * browser: headless Debian Chromium driven by playwright-core, the page served from
 * 127.0.0.1 under a CSP like VS Code's, and acquireVsCodeApi replaced by a recorder that plays
 * the host's end of the channel (src/core/webviewChannel.ts). It checks the protocol of
 * src/callGraph/protocol.ts end to end: ready, show, rendered (with the hot path), a click
 * noting openFunction with the function's index and nothing else, search, the keyboard,
 * thresholds and export (an ask, answered by id).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CallGraphPageNote, CallGraphProfile, CallGraphProtocol } from '../../src/callGraph/protocol';
import type { ProfileData, ProfileDocument, ProfiledEdge } from '../../src/core/profileFormat';
import { makeLargeProfileData } from '../support/makeLargeProfile.mjs';
import { buildCallGraph } from '../../src/core/callGraph';
import { buildProfileModel } from '../../src/core/profileModel';
import { postedMessages, ROOT, useWebviewPageServer, vsCodeApiStandIn, WEBVIEW_DIST } from '../support/webviewPageServer';

const SCRIPT = join(WEBVIEW_DIST, 'callGraph.js');
const LAYOUT_SCRIPT = join(WEBVIEW_DIST, 'callGraph.worker.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'profiles');
const SCREENSHOTS = join(ROOT, 'test-results');
const NONCE = 'harness-nonce';

/** The page; `workers` false leaves worker-src and connect-src out of the CSP, as a stricter host might. */
function harnessHtml(origin: string, theme: 'light' | 'dark', workers: boolean): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${NONCE}' 'wasm-unsafe-eval' ${origin}`,
    `style-src ${origin} 'unsafe-inline'`,
    `img-src ${origin} data:`,
    ...(workers ? [`connect-src ${origin}`, 'worker-src blob:'] : []),
  ].join('; ');
  const colours =
    theme === 'dark'
      ? '--vscode-editor-background:#1e1e1e;--vscode-foreground:#cccccc;--vscode-editor-foreground:#d4d4d4'
      : '--vscode-editor-background:#ffffff;--vscode-foreground:#616161;--vscode-editor-foreground:#000000';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>body{${colours}}</style>
${vsCodeApiStandIn(NONCE)}
</head><body class="vscode-${theme}" data-vscode-theme-kind="vscode-${theme}">
<script type="module" nonce="${NONCE}" src="${origin}/callGraph.js" data-layout-script="${origin}/callGraph.worker.js"></script>
</body></html>`;
}

function fixtureProfile(pattern: string): CallGraphProfile {
  const name = readdirSync(FIXTURES).find((n) => n.includes(pattern) && n.endsWith('.rprof.json'));
  assert.ok(name, `fixture ${pattern}`);
  const document = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as ProfileDocument;
  return {
    id: document.header.id,
    title: `${document.header.method} ${document.header.path}`,
    data: document.profile,
    paths: document.paths,
  };
}

/** What the page sent: its notes as their type and fields, its ready, and its answers. */
type PageMessage = CallGraphPageNote | { type: 'ready'; page: string } | { type: 'answer'; id: number; ok: boolean; body?: unknown; error?: string };

const messages = (page: Page) => postedMessages<PageMessage>(page);

async function waitForMessage<T extends PageMessage['type']>(page: Page, type: T, after = 0): Promise<Extract<PageMessage, { type: T }>> {
  await page.waitForFunction(
    ([t, n]) => (window as unknown as { __messages: { type: string }[] }).__messages.slice(n as number).some((m) => m.type === t),
    [type, after] as const,
    { timeout: 20_000 },
  );
  return (await messages(page)).slice(after).find((m) => m.type === type) as Extract<PageMessage, { type: T }>;
}

/** The first message after `after` that passes the test. */
async function waitForMatch(page: Page, test: (m: PageMessage) => boolean, after: number): Promise<PageMessage> {
  for (let waited = 0; waited < 20_000; waited += 50) {
    const found = (await messages(page)).slice(after).find(test);
    if (found) return found;
    await page.waitForTimeout(50);
  }
  throw new Error(`no matching message; got ${JSON.stringify((await messages(page)).slice(after).map((m) => m.type))}`);
}

type HostNotes = CallGraphProtocol['host']['notes'];

/** A note as the host's channel sends it. */
async function send<K extends keyof HostNotes>(page: Page, type: K, body: HostNotes[K]): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), { rp: 1, kind: 'note', type, body });
}

let nextAskId = 1;

/** Asks the page as the host's channel does, and returns its answer (matched by the ask's id). */
async function ask<K extends keyof CallGraphProtocol['host']['asks']>(
  page: Page,
  type: K,
  body: CallGraphProtocol['host']['asks'][K]['body'],
): Promise<CallGraphProtocol['host']['asks'][K]['answer']> {
  const id = nextAskId++;
  const after = (await messages(page)).length;
  await page.evaluate((m) => window.postMessage(m, '*'), { rp: 1, kind: 'ask', id, type, body });
  const answer = (await waitForMatch(page, (m) => m.type === 'answer' && m.id === id, after)) as Extract<PageMessage, { type: 'answer' }>;
  assert.ok(answer.ok, `"${type}" failed: ${answer.error}`);
  return answer.body as CallGraphProtocol['host']['asks'][K]['answer'];
}

describe('call graph webview in Chromium', function () {
  this.timeout(60_000);
  let theme: 'light' | 'dark' = 'light';
  /** Served as /large.json; the test of a large profile fills it in. */
  const json: Record<string, string> = {};

  const harness = useWebviewPageServer('callGraph.js', {
    // '/?no-workers' leaves worker-src and connect-src out of the page's policy.
    page: (origin, query) => harnessHtml(origin, theme, query !== '?no-workers'),
    json,
  });

  async function openPage(withTheme: 'light' | 'dark', path = '/'): Promise<Page> {
    theme = withTheme;
    const page = await harness.browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.origin + path);
    await waitForMessage(page, 'ready');
    assert.deepEqual(errors, []);
    return page;
  }

  it('keeps Graphviz out of the page script: only the layout script holds it', () => {
    // The Emscripten module of @viz-js/viz keeps Graphviz's messages under this key.
    const graphvizMarker = 'agerrMessages';
    assert.ok(readFileSync(LAYOUT_SCRIPT, 'utf8').includes(graphvizMarker), 'the layout script holds Graphviz');
    assert.ok(!readFileSync(SCRIPT, 'utf8').includes(graphvizMarker), 'the page script holds no Graphviz');
  });

  it('renders the hot path in a worker and opens the clicked function', async () => {
    const page = await openPage('light');
    const profile = fixtureProfile('-GET-slow-');
    await send(page, 'show', { profile });
    const rendered = await waitForMessage(page, 'rendered');
    assert.equal(rendered.profileId, profile.id);
    assert.equal(rendered.layoutIn, 'worker');
    const hotNames = rendered.hotPath.map((fn) => profile.data.functions[fn].name);
    assert.deepEqual(hotNames.slice(0, 3), ['demo_app', 'slow_report', 'primes_below']);
    assert.equal(await page.locator('g.node').count(), rendered.nodes);
    assert.equal(await page.locator('g.node.hot').count(), rendered.hotPath.length);
    assert.equal(await page.locator('g.edge.hot').count(), rendered.hotPath.length - 1);

    const fib = profile.data.functions.findIndex((f) => f.name === 'fibonacci');
    const before = (await messages(page)).length;
    await page.locator(`#fn${fib}`).click();
    const open = await waitForMessage(page, 'openFunction', before);
    // The function by its index, and nothing a host could take for a path: it looks it up itself.
    assert.deepEqual(open, { type: 'openFunction', profileId: profile.id, function: fib });
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'call-graph-light.png') });
    await page.close();
  });

  it('finds a function, steps with the keyboard and activates it with Enter', async () => {
    const page = await openPage('dark');
    const profile = fixtureProfile('-GET-slow-');
    await send(page, 'show', { profile });
    await waitForMessage(page, 'rendered');
    await page.keyboard.press('/');
    await page.keyboard.type('is_prime');
    await page.waitForFunction(() => document.querySelectorAll('g.node.match').length === 2);
    assert.match((await page.locator('.search-status').textContent()) ?? '', /^1 of 2$/);
    const current = await page.locator('g.node.current').getAttribute('id');
    // Costliest match first: is_prime (89.7 %) before its <genexpr> (35.3 %).
    assert.equal(current, `fn${profile.data.functions.findIndex((f) => f.qualname === 'is_prime')}`);
    await page.keyboard.press('Enter');
    assert.match((await page.locator('.search-status').textContent()) ?? '', /^2 of 2$/);

    await page.locator('g.node.current').focus();
    const before = (await messages(page)).length;
    await page.keyboard.press('Enter');
    const open = await waitForMessage(page, 'openFunction', before);
    assert.equal(profile.data.functions[open.function].qualname, 'is_prime.<locals>.<genexpr>');
    await page.screenshot({ path: join(SCREENSHOTS, 'call-graph-dark.png') });
    await page.close();
  });

  it('redraws with new thresholds, remembers them, and exports DOT and SVG', async () => {
    const page = await openPage('light');
    const profile = fixtureProfile('-GET-api_users_7-');
    await send(page, 'show', { profile });
    const first = await waitForMessage(page, 'rendered');
    let count = (await messages(page)).length;
    await page.fill('#node-threshold', '0');
    await page.fill('#edge-threshold', '0');
    await page.locator('#edge-threshold').press('Enter');
    const noThresholds = { nodeThreshold: 0, edgeThreshold: 0, maxNodes: 100 };
    const same = (options: unknown) => JSON.stringify(options) === JSON.stringify(noThresholds);
    const changed = await waitForMatch(page, (m) => m.type === 'optionsChanged' && same(m.options), count);
    assert.equal(changed.type, 'optionsChanged');
    const second = (await waitForMatch(page, (m) => m.type === 'rendered' && same(m.options), count)) as Extract<PageMessage, { type: 'rendered' }>;
    assert.ok(second.nodes > first.nodes, `${second.nodes} > ${first.nodes} nodes with no threshold`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __state: unknown }).__state), { options: noThresholds });

    const dot = await ask(page, 'exportGraph', { format: 'dot' });
    assert.match(dot.text, /^digraph callgraph \{/);
    assert.equal(dot.suggestedName, 'GET_api_users_7.dot');
    // The Save button asks the host to save; the host then asks for the graph.
    count = (await messages(page)).length;
    await page.getByRole('button', { name: 'Save .svg' }).click();
    const save = await waitForMessage(page, 'saveGraph', count);
    assert.equal(save.format, 'svg');
    const svg = await ask(page, 'exportGraph', { format: 'svg' });
    assert.match(svg.text, /<svg[\s\S]*class="node function hot"/);
    assert.equal(svg.suggestedName, 'GET_api_users_7.svg');
    await page.close();
  });

  it('draws the pruned graph of a 20,000-function profile quickly, laid out off the page thread', async () => {
    const page = await openPage('light');
    const profile: CallGraphProfile = { id: 'large', title: 'GET /large', data: makeLargeProfileData(20_000, 100_000) };
    json['/large.json'] = JSON.stringify(profile);
    // The page fetches the data first (the test driver is slow to pass 9 MB itself); the time
    // runs from the page's own postMessage, as the host's would arrive, to `rendered`.
    await page.evaluate(async () => {
      (window as unknown as { __large: unknown }).__large = await (await fetch('/large.json')).json();
    });
    const start = await page.evaluate(() => {
      const w = window as unknown as { __large: unknown };
      const t = performance.now();
      window.postMessage({ rp: 1, kind: 'note', type: 'show', body: { profile: w.__large } }, '*');
      return t;
    });
    const rendered = await waitForMessage(page, 'rendered');
    const index = (await messages(page)).findIndex((m) => m.type === 'rendered');
    const renderedAt = await page.evaluate((i) => (window as unknown as { __postedAt: number[] }).__postedAt[i], index);
    const elapsed = Math.round(renderedAt - start);
    // Printed for the record (issue 5's target is 2 s).
    console.log(
      `      20,000 functions, 100,000 calls: ${rendered.nodes} nodes drawn ${elapsed} ms after the message (layout ${Math.round(rendered.layoutMs)} ms, ${rendered.layoutIn})`,
    );
    // The page draws exactly the pruned graph the core builds for this profile (timing is the
    // benchmark's business: bench/callGraph.bench.mjs prints it; tests assert no durations).
    assert.equal(rendered.nodes, buildCallGraph(buildProfileModel(profile.data)).nodes.length);
    assert.equal(rendered.layoutIn, 'worker');
    await page.close();
  });

  it('lays out on the page when the CSP allows no worker', async () => {
    const page = await openPage('light', '/?no-workers');
    await send(page, 'show', { profile: fixtureProfile('-GET-slow-') });
    const rendered = await waitForMessage(page, 'rendered');
    assert.equal(rendered.layoutIn, 'page');
    assert.ok(rendered.nodes > 0);
    assert.match((await page.locator('.status').textContent()) ?? '', /on the page thread/);
    await page.close();
  });

  it('says why a request without profile data draws nothing', async () => {
    const page = await openPage('light');
    await send(page, 'show', { profile: fixtureProfile('-GET-api_users_8-') });
    const rendered = await waitForMessage(page, 'rendered');
    assert.equal(rendered.nodes, 0);
    assert.equal(await page.locator('.placeholder').textContent(), 'Nothing to draw: the request was not profiled.');
    await page.close();
  });

  it('draws names holding characters XML cannot carry, visibly escaped', async () => {
    const page = await openPage('light');
    const odd = ['\ufffe', '\uffff', '\ud800', '\u202e', '\u0001'];
    const fn = (name: string, file: string, ct: number) => ({ file, line: 1, name, qualname: null, cc: 1, nc: 1, tt: 0.1, ct });
    const profile: CallGraphProfile = {
      id: 'odd-names',
      title: 'GET /odd',
      data: {
        functions: [fn('root', '/app/main.py', 10), ...odd.map((c) => fn(`f${c}g`, `/app/odd${c}.py`, 1))],
        edges: odd.map((_, i) => [0, i + 1, 1, 1, 0.1, 1]),
        notes: [],
      },
    };
    await send(page, 'show', { profile });
    const rendered = await waitForMessage(page, 'rendered');
    assert.equal(rendered.nodes, odd.length + 1);
    assert.deepEqual(
      (await messages(page)).filter((m) => m.type === 'error'),
      [],
    );
    const texts = await page.locator('g.node text').allTextContents();
    for (const shown of ['f⟨U+FFFE⟩g', 'f⟨U+FFFF⟩g', 'f⟨U+D800⟩g', 'f⟨U+202E⟩g', 'f⟨U+0001⟩g'])
      assert.ok(texts.includes(shown), `${shown} in ${JSON.stringify(texts)}`);
    const title = await page.locator(`#fn1 title`).textContent();
    assert.ok(title?.includes('/app/odd⟨U+FFFE⟩.py'), `the tooltip shows the file escaped: ${title}`);
    await page.close();
  });

  it('shows and reports a profile it cannot draw, with the reason', async () => {
    const page = await openPage('light');
    const good = fixtureProfile('-GET-slow-');
    await send(page, 'show', { profile: good });
    await waitForMessage(page, 'rendered');
    const before = (await messages(page)).length;
    // An edge to a function that is not there: the page cannot build the graph.
    const missing: ProfiledEdge = [0, good.data.functions.length + 5, 1, 1, 0, 0];
    const bad = { ...good, id: 'bad-edge', data: { ...good.data, edges: [...good.data.edges, missing] } };
    await send(page, 'show', { profile: bad });
    const error = await waitForMessage(page, 'error', before);
    assert.match(error.message, /^The profile could not be read: .*function/);
    assert.equal(await page.locator('.status .warning').textContent(), error.message);
    assert.equal(await page.locator('g.node').count(), 0, "the previous profile's graph is not left on screen");
    await page.close();
  });

  it('shows and reports an exception or a rejection nothing caught', async () => {
    const page = await openPage('light');
    const before = (await messages(page)).length;
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('forced exception');
      });
      void Promise.reject(new Error('forced rejection'));
    });
    await waitForMatch(page, (m) => m.type === 'error' && m.message.includes('forced exception'), before);
    const rejection = await waitForMatch(page, (m) => m.type === 'error' && m.message.includes('forced rejection'), before);
    assert.equal(rejection.type === 'error' && rejection.message, 'The call graph page failed: forced rejection');
    assert.ok(rejection.type === 'error' && rejection.detail?.includes('forced rejection'), 'the stack goes to the host for its log');
    assert.match((await page.locator('.status .warning').textContent()) ?? '', /The call graph page failed: forced/);
    await page.close();
  });

  it('shows and reports a message from the host it cannot handle, and answers a failed ask with the reason', async () => {
    const page = await openPage('light');
    let before = (await messages(page)).length;
    await page.evaluate((m) => window.postMessage(m, '*'), { rp: 1, kind: 'note', type: 'bogus', body: {} });
    const error = await waitForMessage(page, 'error', before);
    assert.equal(error.message, 'The call graph page failed: a note "bogus" that nothing handles was refused');
    assert.equal(await page.locator('.status .warning').textContent(), error.message);
    // Asked before it has a graph: the answer says why, under the ask's id.
    before = (await messages(page)).length;
    await page.evaluate((m) => window.postMessage(m, '*'), { rp: 1, kind: 'ask', id: 77, type: 'exportGraph', body: { format: 'svg' } });
    const answer = await waitForMatch(page, (m) => m.type === 'answer', before);
    assert.deepEqual(answer, { type: 'answer', rp: 1, kind: 'answer', id: 77, ok: false, error: 'there is no graph to export yet' });
    await page.close();
  });

  it('refits when the view is resized, unless the user moved it: then it keeps their centre and zoom', async () => {
    const page = await openPage('light');
    await send(page, 'show', { profile: fixtureProfile('-GET-slow-') });
    await waitForMessage(page, 'rendered');
    /** The graph's placement, and the graph point at the viewport's centre. */
    const view = () =>
      page.evaluate(() => {
        const svg = document.querySelector<SVGSVGElement>('.viewport svg')!;
        const viewport = document.querySelector<HTMLElement>('.viewport')!;
        const [, x, y, scale] = /translate\(([-\d.e]+)px, ([-\d.e]+)px\) scale\(([-\d.e]+)\)/.exec(svg.style.transform)!.map(Number);
        const box = svg.getBoundingClientRect();
        const inside = viewport.getBoundingClientRect();
        return {
          scale,
          fits: box.left >= inside.left - 0.5 && box.top >= inside.top - 0.5 && box.right <= inside.right + 0.5 && box.bottom <= inside.bottom + 0.5,
          centre: { x: (viewport.clientWidth / 2 - x) / scale, y: (viewport.clientHeight / 2 - y) / scale },
        };
      });
    /** Resizes the page and waits for the graph's placement to follow (or a moment, if it should not). */
    const resize = async (width: number, height: number) => {
      const before = await page.evaluate(() => document.querySelector<SVGSVGElement>('.viewport svg')!.style.transform);
      await page.setViewportSize({ width, height });
      await page
        .waitForFunction((t) => document.querySelector<SVGSVGElement>('.viewport svg')!.style.transform !== t, before, { timeout: 2000 })
        .catch(() => undefined);
    };
    const fitted = await view();
    assert.ok(fitted.fits, 'fitted at first');
    await resize(500, 300);
    const smaller = await view();
    assert.ok(smaller.fits, 'refitted to the smaller view');
    assert.ok(smaller.scale < fitted.scale, `zoomed out to fit: ${smaller.scale} < ${fitted.scale}`);

    await page.locator('.viewport').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('ArrowLeft');
    const moved = await view();
    await resize(900, 600);
    const kept = await view();
    assert.equal(kept.scale, moved.scale, "the user's zoom is kept");
    assert.ok(
      Math.abs(kept.centre.x - moved.centre.x) < 1 && Math.abs(kept.centre.y - moved.centre.y) < 1,
      `the centre is kept: ${JSON.stringify([moved.centre, kept.centre])}`,
    );

    await page.keyboard.press('0');
    await resize(400, 300);
    assert.ok((await view()).fits, 'after Fit (0), resizing fits again');
    await page.close();
  });

  it('labels decorated functions with the def lines the host sends, with show or after it', async () => {
    const page = await openPage('light');
    const fn = (name: string, line: number, ct: number) => ({ file: '/app/views.py', line, name, qualname: null, cc: 1, nc: 1, tt: 0.1, ct });
    const data: ProfileData = {
      functions: [fn('handler', 10, 2), fn('slow_report', 20, 1), fn('plain', 30, 0.5)],
      edges: [
        [0, 1, 1, 1, 1, 1],
        [0, 2, 1, 1, 0.5, 0.5],
      ],
      notes: [],
    };
    const texts = async () => (await page.locator('g.node text').allTextContents()).join(' | ');
    await send(page, 'show', { profile: { id: 'decorated', title: 'GET /d', data }, definitionLines: [[1, 23]] });
    await waitForMessage(page, 'rendered');
    assert.match(await texts(), /views:23/);
    assert.doesNotMatch(await texts(), /views:20\b/);
    assert.match((await page.locator('#fn1 title').textContent()) ?? '', /\/app\/views\.py:23/);
    let before = (await messages(page)).length;
    await page.locator('#fn1').click();
    const open = await waitForMessage(page, 'openFunction', before);
    // The host opens the def line it sent (test/suite/callGraph.test.ts checks the editor's line).
    assert.equal(open.function, 1, 'the click names the labelled function');

    before = (await messages(page)).length;
    await send(page, 'definitionLines', { lines: [[2, 33]] });
    await waitForMessage(page, 'rendered', before);
    assert.match(await texts(), /views:33/);
    assert.match(await texts(), /views:23/);
    await page.close();
  });

  it('shows hostile function names as text', async () => {
    const page = await openPage('light');
    const profile = fixtureProfile('-GET-b_bold_b-');
    await send(page, 'show', { profile, options: { nodeThreshold: 0, edgeThreshold: 0 } });
    await waitForMessage(page, 'rendered');
    const texts = await page.locator('g.node text').allTextContents();
    assert.ok(
      texts.some((t) => t.endsWith('.<script>alert(1)</script>')),
      JSON.stringify(texts),
    );
    assert.ok(texts.includes('<img src=x onerror=alert(1)>:1'), JSON.stringify(texts));
    assert.equal(await page.locator('svg script, svg img').count(), 0);
    await page.close();
  });
});
