/**
 * The Endpoints overview page (dist/webview/endpointsView.js, built by `node esbuild.mjs`) in a
 * real browser: headless Debian Chromium driven by playwright-core, the page served from
 * 127.0.0.1 under a CSP like VS Code's, and acquireVsCodeApi replaced by a recorder that plays
 * the host's end of the channel (src/core/webviewChannel.ts). It checks the protocol of
 * src/endpointsView/protocol.ts end to end: ready, show (the fixtures' overview, as the host
 * computes it), rendered, a click on a mark or Enter on it noting openRequest with the request's
 * number and nothing else, sorting, selecting with the keyboard, the empty state, and how long a
 * folder of 5,000 requests takes to draw (printed, not asserted).
 */
import * as assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { EndpointsPageNote, EndpointsProtocol, EndpointsRendered, EndpointsShow } from '../../src/endpointsView/protocol';
import { buildEndpointsOverview, MAX_MARKS } from '../../src/core/endpointOverview';
import type { ReadableEntry } from '../../src/core/profileIndex';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { postedMessages, ROOT, useWebviewPageServer, vsCodeApiStandIn } from '../support/webviewPageServer';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'profiles');
const SCREENSHOTS = join(ROOT, 'test-results');
const NONCE = 'harness-nonce';

function harnessHtml(origin: string, theme: 'light' | 'dark'): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${NONCE}' ${origin}`,
    `style-src ${origin} 'unsafe-inline'`,
    `font-src ${origin} data:`, // the codicon font is inside the stylesheet, as in the product's policy
    `img-src ${origin} data:`,
  ].join('; ');
  const colours =
    theme === 'dark'
      ? '--vscode-editor-background:#1e1e1e;--vscode-foreground:#cccccc;--vscode-descriptionForeground:#9d9d9d;--vscode-charts-blue:#3794ff;--vscode-charts-orange:#d18616;--vscode-charts-red:#f14c4c;--vscode-charts-green:#89d185;--vscode-list-inactiveSelectionBackground:#37373d;--vscode-list-activeSelectionBackground:#04395e;--vscode-focusBorder:#007fd4'
      : '--vscode-editor-background:#ffffff;--vscode-foreground:#616161;--vscode-descriptionForeground:#717171;--vscode-charts-blue:#1a85ff;--vscode-charts-orange:#d18616;--vscode-charts-red:#e51400;--vscode-charts-green:#388a34;--vscode-list-inactiveSelectionBackground:#e4e6f1;--vscode-list-activeSelectionBackground:#0060c0;--vscode-focusBorder:#0090f1';
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<style>body{${colours};--vscode-font-family:sans-serif}</style>
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="${origin}/endpointsView.css">
${vsCodeApiStandIn(NONCE)}
</head><body class="vscode-${theme}"><main id="app"></main>
<script type="module" nonce="${NONCE}" src="${origin}/endpointsView.js"></script>
</body></html>`;
}

/** The fixture profiles as the profile index holds them (their headers). */
function fixtureEntries(): ReadableEntry[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.rprof.json') && name.startsWith('2026'))
    .map((name) => {
      const header = parseProfileDocument(readFileSync(join(FIXTURES, name), 'utf8')).header;
      return { file: join(FIXTURES, name), directory: FIXTURES, mtimeMs: 0, size: 0, format: 'request-profiler', header };
    });
}

/**
 * A busy folder: 10,000 requests over 50 endpoints; the first endpoint has 5,000 of them (one
 * every 0.25 s), warms up slowly and regresses at the end, with a few 900 ms outliers.
 */
function busyEntries(): ReadableEntry[] {
  const [template] = fixtureEntries();
  const entries: ReadableEntry[] = [];
  for (let i = 0; i < 10_000; i++) {
    const endpoint = i < 5000 ? 0 : 1 + (i % 49);
    const warm = endpoint === 0 && i < 500 ? 200 : 0;
    const regressed = endpoint === 0 && i > 4000 && i < 5000 ? 60 : 0;
    const wallMs = 2 + endpoint * 0.7 + ((i * 7919) % 13) + warm + regressed + (i % 997 === 0 ? 900 : 0);
    const header = {
      ...template.header,
      id: `busy-${i}`,
      path: `/api/endpoint${endpoint}/${i}`,
      start: 1_800_000_000 + i * 0.25,
      wallMs,
      status: i % 211 === 0 ? 500 : 200,
    };
    entries.push({ ...template, file: `/busy/${i}.rprof.json`, header });
  }
  return entries;
}

function showOf(entries: ReadableEntry[], overviewId: string, select: string | null = null): EndpointsShow {
  const { endpoints, scale, requests } = buildEndpointsOverview(entries);
  return { overviewId, endpoints, scale, requests, select, folders: ['/app/.profiles'] };
}

type PageMessage = EndpointsPageNote | { type: 'ready'; page: string };

const messages = (page: Page) => postedMessages<PageMessage>(page);

/** The first message after `after` that passes the test. */
async function waitForMatch<T extends PageMessage>(page: Page, test: (m: PageMessage) => m is T, after: number): Promise<T> {
  for (let waited = 0; waited < 20_000; waited += 25) {
    const found = (await messages(page)).slice(after).find(test);
    if (found) return found;
    await page.waitForTimeout(25);
  }
  throw new Error(`no matching message; got ${JSON.stringify((await messages(page)).slice(after).map((m) => m.type))}`);
}

const isRendered = (m: PageMessage): m is Extract<PageMessage, { type: 'rendered' }> => m.type === 'rendered';
const isOpen = (m: PageMessage): m is Extract<PageMessage, { type: 'openRequest' }> => m.type === 'openRequest';

/** Sends show as the host's channel does, and returns what the page drew of it. */
async function show(page: Page, body: EndpointsProtocol['host']['notes']['show']): Promise<EndpointsRendered> {
  const after = (await messages(page)).length;
  await page.evaluate((m) => window.postMessage(m, '*'), { rp: 1, kind: 'note', type: 'show', body });
  return waitForMatch(page, isRendered, after);
}

describe('endpoints overview webview in Chromium', function () {
  this.timeout(60_000);
  let theme: 'light' | 'dark' = 'light';

  const harness = useWebviewPageServer('endpointsView.js', { page: (origin) => harnessHtml(origin, theme) });

  async function openPage(withTheme: 'light' | 'dark'): Promise<{ page: Page; errors: string[] }> {
    theme = withTheme;
    const page = await harness.browser.newPage({ viewport: { width: 1100, height: 760 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(`${message.text()} ${message.location().url}`);
    });
    await page.goto(harness.origin + '/');
    await waitForMatch(page, (m): m is PageMessage => m.type === 'ready', 0);
    return { page, errors };
  }

  it('lists the endpoints with their counts and a mark per request, and opens a clicked mark by its number only', async () => {
    const { page, errors } = await openPage('light');
    const body = showOf(fixtureEntries(), 'overview-1');
    const rendered = await show(page, body);
    assert.deepEqual(
      rendered.endpoints.map((row) => [row.key, row.count]),
      body.endpoints.map((endpoint) => [endpoint.key, endpoint.count]),
    );
    assert.equal(rendered.endpoints.find((row) => row.key === 'GET /api/users/{id}')?.count, 2);
    assert.equal(await page.locator('tbody tr').count(), body.endpoints.length);
    assert.equal(await page.locator('tbody [data-request]').count(), body.requests);
    assert.equal(rendered.selected, body.endpoints[0].id, 'the slowest endpoint is selected');
    assert.equal(await page.locator('svg.timeline circle.point').count(), rendered.timelineMarks);
    // The row's label is text: the fixture's "<b>bold</b>" path is not markup.
    assert.equal(await page.locator('tbody b').count(), 0);
    assert.ok((await page.locator('tbody td.name').allTextContents()).some((text) => text.includes('GET /<b>bold</b>')));

    const slow = body.endpoints.find((endpoint) => endpoint.key === 'GET /slow')!;
    const after = (await messages(page)).length;
    await page.locator(`tbody [data-request="${slow.marks.request[0]}"]`).click();
    const open = await waitForMatch(page, isOpen, after);
    assert.deepEqual(open, { type: 'openRequest', overviewId: 'overview-1', request: slow.marks.request[0] });
    const title = await page.locator(`tbody [data-request="${slow.marks.request[0]}"] title`).textContent();
    assert.match(title ?? '', /^133 ms · 200 · \d\d:\d\d:\d\d$/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'endpoints-light.png') });
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('sorts by a column, selects with the keyboard and opens a request with Enter', async () => {
    const { page, errors } = await openPage('dark');
    const body = showOf(fixtureEntries(), 'overview-2');
    await show(page, body);
    let after = (await messages(page)).length;
    await page.locator('th button', { hasText: 'Endpoint' }).click();
    const byName = await waitForMatch(page, isRendered, after);
    assert.equal(byName.sort, 'endpoint');
    assert.equal(byName.direction, 'ascending');
    const names = byName.endpoints.map((row) => row.key);
    assert.deepEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );

    // The selection (the slowest endpoint) stays through the sort; Down selects the row below it, and draws its time chart.
    assert.equal(byName.selected, body.endpoints[0].id);
    const below = names[names.indexOf(body.endpoints[0].key) + 1];
    after = (await messages(page)).length;
    await page.locator('tbody').focus();
    await page.keyboard.press('ArrowDown');
    const second = await waitForMatch(page, isRendered, after);
    const secondEndpoint = body.endpoints.find((endpoint) => endpoint.key === below)!;
    assert.equal(second.selected, secondEndpoint.id);
    assert.equal(second.timelineMarks, secondEndpoint.marks.ms.length);

    // Enter on the row goes to its slowest request, Enter again opens it.
    after = (await messages(page)).length;
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    const slowest = secondEndpoint.marks.ms.indexOf(Math.max(...secondEndpoint.marks.ms));
    assert.deepEqual(await waitForMatch(page, isOpen, after), {
      type: 'openRequest',
      overviewId: 'overview-2',
      request: secondEndpoint.marks.request[slowest],
    });

    // The time chart: Right reaches the oldest request, Enter opens it.
    after = (await messages(page)).length;
    await page.locator('svg.timeline').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    assert.deepEqual(await waitForMatch(page, isOpen, after), { type: 'openRequest', overviewId: 'overview-2', request: secondEndpoint.marks.request[0] });

    // A new overview (profiles arrived) keeps the sort, the selection, and the time chart's request,
    // now opened by its number in the new overview.
    // An older request of the same endpoint arrives: the one the keyboard is on moves to index 1.
    const entries = fixtureEntries();
    const onKeyboard = buildEndpointsOverview(entries).files[secondEndpoint.marks.request[0]];
    const original = entries.find((entry) => entry.file === onKeyboard)!;
    const arrived: ReadableEntry = {
      ...original,
      file: '/arrived.rprof.json',
      header: { ...original.header, id: 'arrived', start: original.header.start - 60 },
    };
    const newerEntries = [...entries, arrived];
    const newer = showOf(newerEntries, 'overview-3');
    const again = await show(page, newer);
    assert.equal(again.sort, 'endpoint');
    assert.equal(again.selected, secondEndpoint.id);
    after = (await messages(page)).length;
    await page.keyboard.press('Enter');
    const opened = await waitForMatch(page, isOpen, after);
    assert.equal(opened.overviewId, 'overview-3');
    assert.equal(buildEndpointsOverview(newerEntries).files[opened.request], onKeyboard, 'the same request, by its new number');
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('selects the endpoint the host names, and says when there are no profiles', async () => {
    const { page, errors } = await openPage('light');
    const body = showOf(fixtureEntries(), 'overview-4', 'path:GET /api/users/{id}');
    const rendered = await show(page, body);
    assert.equal(rendered.selected, 'path:GET /api/users/{id}');
    assert.equal(rendered.timelineMarks, 2);
    assert.match((await page.locator('.timeline-title').textContent()) ?? '', /^GET \/api\/users\/\{id\}: durations over time$/);

    const empty = await show(page, showOf([], 'overview-5'));
    assert.deepEqual(empty.endpoints, []);
    assert.equal(empty.selected, null);
    assert.match((await page.locator('.empty').textContent()) ?? '', /No request profiles yet\..*\/app\/\.profiles/);
    assert.equal(await page.locator('table.endpoints').isVisible(), false);
    assert.deepEqual(errors, []);
    await page.close();
  });

  it('draws 10,000 requests of 50 endpoints, marks capped with "N more", the slowest marked', async () => {
    const { page, errors } = await openPage('light');
    const entries = busyEntries();
    const started = performance.now();
    const body = showOf(entries, 'overview-6');
    const computedMs = performance.now() - started;
    const json = JSON.stringify(body).length;
    const sent = performance.now();
    const rendered = await show(page, body);
    const drawnMs = performance.now() - sent;
    assert.equal(rendered.endpoints.length, 50);
    assert.equal(
      rendered.endpoints.reduce((sum, row) => sum + row.count, 0),
      10_000,
    );
    const busy = rendered.endpoints.find((row) => row.key === 'GET /api/endpoint0/{id}')!;
    assert.equal(busy.count, 5000);
    assert.equal(busy.marks, MAX_MARKS);
    for (const row of rendered.endpoints) if (row !== busy) assert.equal(row.marks, row.count, `${row.key}: every request marked`);
    assert.ok(await page.locator('.more', { hasText: `+${(5000 - MAX_MARKS).toLocaleString('en')} more` }).isVisible());
    // Its slowest requests (the 900 ms outliers) are among the marks.
    const first = body.endpoints.find((endpoint) => endpoint.key === 'GET /api/endpoint0/{id}')!;
    assert.equal(first.marks.ms.filter((ms) => ms > 900).length, 6);
    console.log(
      `      10,000 requests, 50 endpoints: overview computed in ${computedMs.toFixed(0)} ms, ${(json / 1024).toFixed(0)} KiB sent, drawn in ${drawnMs.toFixed(0)} ms (show to rendered)`,
    );
    await page.locator('tbody tr', { hasText: 'GET /api/endpoint0/{id}' }).locator('td.name').click();
    await page.screenshot({ path: join(SCREENSHOTS, 'endpoints-busy.png'), fullPage: false });
    assert.deepEqual(errors, []);
    await page.close();
  });
});
