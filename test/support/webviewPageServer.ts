/**
 * The harness the webview page tests (test/integration/*Webview.test.ts, profileViewHeader)
 * share: a small HTTP server on 127.0.0.1 that serves a test's page, the JSON files it fetches
 * and the bundled webview files (dist/webview, built by `node esbuild.mjs`), headless Chromium
 * driven by playwright-core, and the stand-in for VS Code's acquireVsCodeApi that keeps what
 * the page posts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as assert from 'node:assert/strict';
import { extname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';

/** The repository's root (this file runs from out/test/support). */
export const ROOT = join(__dirname, '..', '..', '..');
/** Where `node esbuild.mjs` writes the pages' bundles. */
export const WEBVIEW_DIST = join(ROOT, 'dist', 'webview');
/** Debian's chromium unless CHROMIUM_PATH names another; a test skips when it is not there. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// Loaded at run time: playwright-core reads its own package files, so it cannot be bundled.
const { chromium } = createRequire(__filename)('playwright-core') as typeof import('playwright-core');

const CONTENT_TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf' };

/**
 * A script element that stands in for acquireVsCodeApi: what the page posts over the views'
 * channel (src/core/webviewChannel.ts) is kept in window.__messages, flattened for the tests (a
 * note as its type and its body's fields, ready as { type: 'ready', page }, anything else as its
 * kind and fields), with the time of each post in window.__postedAt; its saved state is kept in
 * window.__state.
 */
export function vsCodeApiStandIn(nonce?: string): string {
  return `<script${nonce === undefined ? '' : ` nonce="${nonce}"`}>
  window.__messages = [];
  window.__postedAt = [];
  window.__state = undefined;
  const flat = (m) =>
    m.kind === 'note' ? { type: m.type, ...m.body } : m.kind === 'ready' ? { type: 'ready', page: m.page } : { type: m.kind, ...m };
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__messages.push(flat(m)); window.__postedAt.push(performance.now()); },
    getState: () => window.__state,
    setState: (s) => { window.__state = s; },
  });
</script>`;
}

/**
 * A page with no policy that loads dist/webview/<bundle>.js and its stylesheet (the link's id is
 * where @vscode-elements' icons look for the codicon font), with the stand-in for acquireVsCodeApi.
 */
export function bundlePage(bundle: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="/${bundle}.css">
${vsCodeApiStandIn()}
</head><body class="vscode-light"><main id="app"></main>
<script type="module" src="/${bundle}.js"></script>
</body></html>`;
}

/** What the page has posted so far, as vsCodeApiStandIn keeps it. */
export async function postedMessages<T>(page: Page): Promise<T[]> {
  return page.evaluate(() => (window as unknown as { __messages: T[] }).__messages);
}

export interface WebviewPageServerOptions {
  /** The page's HTML for a request to `/`, given the server's origin and the request's query ('' or '?…'). */
  page: (origin: string, query: string) => string;
  /** Files served as JSON by path ('/name.json'), looked up when asked, so a test may add one later. */
  json?: Record<string, string>;
}

export interface WebviewPageServer {
  /** http://127.0.0.1:port */
  origin: string;
  browser: Browser;
  close(): Promise<void>;
}

/** Starts the server and Chromium; close() stops both. */
export async function startWebviewPageServer(options: WebviewPageServerOptions): Promise<WebviewPageServer> {
  let origin = '';
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://harness');
    const name = url.pathname;
    if (name === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(options.page(origin, url.search));
    } else if (options.json?.[name] !== undefined) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(options.json[name]);
    } else if (/^\/[\w.-]+$/.test(name) && existsSync(join(WEBVIEW_DIST, name))) {
      response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(name)] ?? 'application/octet-stream' });
      response.end(readFileSync(join(WEBVIEW_DIST, name)));
    } else if (name === '/favicon.ico') {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  } catch (error) {
    server.close();
    throw error;
  }
  return {
    origin,
    browser,
    close: async () => {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * For a describe block: before its tests, skips them where Chromium is not installed (set
 * CHROMIUM_PATH; CI installs Debian's chromium), checks that `bundle` (e.g. 'profileView.js') is
 * built, and starts the server and Chromium; after them, stops both. The returned object's
 * origin and browser are filled in by the time the tests run.
 */
export function useWebviewPageServer(bundle: string, options: WebviewPageServerOptions): { origin: string; browser: Browser } {
  const harness = { origin: '', browser: undefined as unknown as Browser };
  let running: WebviewPageServer | undefined;
  before(async function () {
    if (!existsSync(CHROMIUM)) this.skip();
    assert.ok(existsSync(join(WEBVIEW_DIST, bundle)), `dist/webview/${bundle} is built (node esbuild.mjs)`);
    running = await startWebviewPageServer(options);
    harness.origin = running.origin;
    harness.browser = running.browser;
  });
  after(async () => {
    await running?.close();
  });
  return harness;
}
