/**
 * The profile view's header in headless Chromium (dist/webview/profileView.js, built by `node
 * esbuild.mjs`), as the host sends it: an aggregate says what it is (the requests merged, the
 * total and the per-request mean, the skipped ones) and its Request tab shows what was merged,
 * not one request's status or environ; a request slower than usual says how much, and its
 * "Compare with the usual" button asks the host, naming nothing; a request the host gives no
 * endpoint for offers nothing.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { profileFileText } from '../../src/core/aggregateFile';
import { mergeProfiles } from '../../src/core/mergeProfiles';
import { parseProfileDocument } from '../../src/core/profileHeader';
import type { EndpointContext } from '../../src/profileView/protocol';
import { bundlePage, ROOT, useWebviewPageServer } from '../support/webviewPageServer';

const PROFILES = join(ROOT, 'test', 'fixtures', 'profiles');

const PAGE = bundlePage('profileView');

const USERS_7 = '20261125T172809.655305-GET-api_users_7-16235-00008c16.rprof.json';
const USERS_8_UNPROFILED = '20261125T172809.864984-GET-api_users_8-16235-0006cea5.rprof.json';
const ROOT_REQUEST = '20261125T172809.682426-GET-root-16235-00019f00.rprof.json';

function fixture(name: string) {
  return parseProfileDocument(readFileSync(join(PROFILES, name), 'utf8'));
}

/** The aggregate "Open Aggregate Profile" writes for GET /api/users/7 twice and /api/users/8 (unprofiled). */
function usersAggregate(): string {
  const result = mergeProfiles([fixture(USERS_7), fixture(USERS_7), fixture(USERS_8_UNPROFILED)], { path: '/api/users/{id}' });
  if (!result.ok) throw new Error(result.reason);
  return profileFileText(result.document);
}

interface Drawn {
  title: string;
  fields: Record<string, string>;
  hint: string | null;
  buttons: string[];
  tabLabels: string[];
  requestTab: string;
}

describe('profile view header in Chromium', function () {
  this.timeout(60_000);
  const files: Record<string, string> = {
    '/aggregate.rprof.json': usersAggregate(),
    '/users7.rprof.json': readFileSync(join(PROFILES, USERS_7), 'utf8'),
    '/root.rprof.json': readFileSync(join(PROFILES, ROOT_REQUEST), 'utf8'),
  };

  const harness = useWebviewPageServer('profileView.js', { page: () => PAGE, json: files });

  /** The page showing a file as the host sends it (with the endpoint context, if any), and what its header and Request tab say. */
  async function open(file: string, endpoint?: EndpointContext): Promise<{ page: Page; drawn: Drawn }> {
    const page = await harness.browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(harness.origin);
    await page.waitForFunction(() => (window as unknown as { __messages: { type: string }[] }).__messages.some((m) => m.type === 'ready'));
    await page.evaluate(
      async ({ file, endpoint }) => {
        const bytes = new Uint8Array(await (await fetch(file)).arrayBuffer());
        const show = { fileName: file.slice(1), profile: { bytes }, defaults: { hideLibraryFrames: true }, ...(endpoint ? { endpoint } : {}) };
        window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'show', body: show } }));
      },
      { file, endpoint },
    );
    await page.waitForSelector('vscode-tab-panel[data-tab="tree"] .vrow');
    const drawn = await page.evaluate(() => {
      const header = document.querySelector('.profile-header')!;
      const fields: Record<string, string> = {};
      for (const field of header.querySelectorAll('.field')) fields[field.querySelector('.label')!.textContent!] = field.querySelector('.value')!.textContent!;
      return {
        title: header.querySelector('h1')!.textContent!,
        fields,
        hint: header.querySelector('.slower-hint span')?.textContent ?? null,
        buttons: [...header.querySelectorAll('vscode-button')].map((b) => b.textContent!),
        tabLabels: [...document.querySelectorAll('vscode-tab-header')].map((t) => t.textContent!),
        requestTab: (document.querySelector('vscode-tab-panel[data-tab="request"]') as HTMLElement).innerText,
      };
    });
    assert.deepEqual(errors, []);
    return { page, drawn };
  }

  it('says an aggregate is one: how many requests, the total and the per-request mean, the skipped one', async () => {
    const { page, drawn } = await open('/aggregate.rprof.json');
    try {
      const users7 = fixture(USERS_7).header.wallMs;
      assert.equal(drawn.title.trim(), 'Aggregate of 2 requests to GET /api/users/{id}');
      const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;
      assert.equal(drawn.fields['Total'], ms(2 * users7));
      assert.equal(drawn.fields['Mean per request'], ms(users7));
      assert.equal(drawn.fields['Requests'], '2');
      assert.equal(drawn.fields['Skipped'], '1 unprofiled');
      assert.equal(drawn.fields['Content-Type'], undefined, "no one response's content type");
      assert.ok(!/\b200\b/.test(drawn.title), 'no status in the title');
      assert.deepEqual(drawn.buttons, [], 'an aggregate offers no comparison with itself');
      assert.equal(drawn.tabLabels.at(-1), 'Aggregate');
      assert.match(drawn.requestTab, /Requests merged\s*2/);
      assert.match(drawn.requestTab, /Unprofiled, left out\s*1/);
      assert.match(drawn.requestTab, /Merged requests \(header ids\)/);
      assert.doesNotMatch(drawn.requestTab, /Request headers|WSGI environ|Remote address/);
    } finally {
      await page.close();
    }
  });

  it('says a request is slower than usual, and "Compare with the usual" asks the host, naming nothing', async () => {
    const slower = { ratio: 3.4, medianMs: 10, p90Ms: 12, others: 41, endpoint: 'GET /api/users/{id}' };
    const { page, drawn } = await open('/users7.rprof.json', { slower });
    try {
      assert.equal(drawn.hint, 'Slower than usual: 3.4× the median of 41 requests to GET /api/users/{id} (median 10.0 ms, p90 12.0 ms).');
      assert.deepEqual(drawn.buttons, ['Compare with the usual']);
      assert.equal(drawn.tabLabels.at(-1), 'Request');
      await page.click('.slower-hint vscode-button');
      const notes = await page.evaluate(() =>
        (window as unknown as { __messages: { type: string }[] }).__messages.filter((m) => m.type === 'compareWithAggregate'),
      );
      assert.deepEqual(notes, [{ type: 'compareWithAggregate' }]);
    } finally {
      await page.close();
    }
  });

  it("puts the host's later word on the endpoint in place, keeping the rest of the page", async () => {
    const { page, drawn } = await open('/users7.rprof.json', {});
    try {
      assert.deepEqual(drawn.buttons, ['Compare with Endpoint Aggregate']);
      const tell = (endpoint: EndpointContext | undefined) =>
        page.evaluate((endpoint) => {
          const body = endpoint ? { endpoint } : {};
          window.dispatchEvent(new MessageEvent('message', { data: { rp: 1, kind: 'note', type: 'endpoint', body } }));
        }, endpoint);
      const header = () =>
        page.evaluate(() => {
          const header = document.querySelector('.profile-header')!;
          return {
            hint: header.querySelector('.slower-hint span')?.textContent ?? null,
            buttons: [...header.querySelectorAll('vscode-button')].map((b) => b.textContent!),
            rows: document.querySelectorAll('vscode-tab-panel[data-tab="tree"] .vrow').length,
          };
        });
      await tell({ slower: { ratio: 2.5, medianMs: 10, p90Ms: 12, others: 6, endpoint: 'GET /api/users/{id}' } });
      const slower = await header();
      assert.equal(slower.hint, 'Slower than usual: 2.5× the median of 6 requests to GET /api/users/{id} (median 10.0 ms, p90 12.0 ms).');
      assert.deepEqual(slower.buttons, ['Compare with the usual']);
      assert.ok(slower.rows > 0, 'the call tree is still drawn');
      await tell({});
      assert.deepEqual(await header(), { hint: null, buttons: ['Compare with Endpoint Aggregate'], rows: slower.rows });
      await tell(undefined);
      assert.deepEqual((await header()).buttons, [], 'no longer listed: nothing to compare with');
    } finally {
      await page.close();
    }
  });

  it('offers "Compare with Endpoint Aggregate" for a listed request that is not slow, and nothing without an endpoint', async () => {
    const listed = await open('/root.rprof.json', {});
    try {
      assert.equal(listed.drawn.hint, null);
      assert.deepEqual(listed.drawn.buttons, ['Compare with Endpoint Aggregate']);
    } finally {
      await listed.page.close();
    }
    const unlisted = await open('/root.rprof.json');
    try {
      assert.deepEqual(unlisted.drawn.buttons, []);
      assert.match(unlisted.drawn.title, /^GET \/ 200/);
    } finally {
      await unlisted.page.close();
    }
  });
});
