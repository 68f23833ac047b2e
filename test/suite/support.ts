/** What the extension-host tests share: the extension's test API, waiting, and the workspace. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestProfilerApi } from '../../src/extension';
import { withTimeout } from '../../src/core/withTimeout';
import { makeNonce } from '../../src/host/nonce';

export const EXTENSION_ID = 'request-profiler.request-profiler';

/** Activates the extension and waits until its profile folders are indexed. */
export async function api(): Promise<RequestProfilerApi> {
  const extension = vscode.extensions.getExtension<RequestProfilerApi>(EXTENSION_ID);
  assert.ok(extension, 'extension installed');
  const exports = await extension.activate();
  await exports.ready;
  return exports;
}

/**
 * Polls check() until it gives a value other than undefined, null or false, and returns it;
 * fails naming what it waited for after timeoutMs.
 */
export async function until<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The folder the runner opened (a fresh copy whose .profiles holds the fixtures). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the runner opens a workspace folder');
  return folder.uri.fsPath;
}

/**
 * A copy of a fixture in .profiles (GET /slow unless `sourcePart` names another) with its header
 * changed by patch, under a new name (with namePart in the request part), written atomically as
 * the middleware does. Returns its path.
 */
export function copyFixtureProfile(namePart: string, patch: (header: Record<string, unknown>) => void, sourcePart = '-GET-slow-'): string {
  const dir = path.join(workspaceDir(), '.profiles');
  const source = fs.readdirSync(dir).find((n) => n.includes(sourcePart) && n.endsWith('.rprof.json'));
  assert.ok(source, `the ${sourcePart} fixture is in .profiles`);
  const text = fs.readFileSync(path.join(dir, source), 'utf8');
  const newline = text.indexOf('\n');
  const first = JSON.parse(text.slice(0, newline - 1) + '}') as { header: Record<string, unknown> };
  patch(first.header);
  const name = `20991231T000000.000000-GET-${namePart}-1-00000001.rprof.json`;
  const temporary = path.join(dir, `.${name}.tmp`);
  fs.writeFileSync(temporary, JSON.stringify(first).slice(0, -1) + ',' + text.slice(newline));
  fs.renameSync(temporary, path.join(dir, name));
  return path.join(dir, name);
}

/**
 * Closes every editor once no webview page has a resource request in flight (see
 * untilWebviewsSettle): the tear-down of a test that opened pages, so that the next test's page,
 * whatever test runs next, loads at once.
 */
export async function closeAllEditors(): Promise<void> {
  const pages = vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview || tab.input instanceof vscode.TabInputCustom);
  if (pages.length) await untilWebviewsSettle();
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Waits until a new webview page loads beside the open ones, then closes it.
 *
 * Why: a webview's page fetches its files through VS Code's webview service worker, which asks
 * the frame around the page for each one. A page closed while a fetch is in flight (the codicon
 * font, which a page asks for when it first draws an icon, a moment after it has drawn) leaves
 * that fetch waiting for a frame that is gone, until the worker's 30 s limit (resolveTimeout in
 * vs/workbench/contrib/webview/browser/pre/service-worker.js); every new page registers its own
 * worker, which cannot take over while the old one has a fetch in flight, so the next page of
 * any view stays blank for those 30 s. A new page that loads while the others are still open
 * shows that their fetches have been answered (each by its own page's frame), so closing them
 * then leaves nothing in flight.
 */
export async function untilWebviewsSettle(timeoutMs = 45_000): Promise<void> {
  // Beside the others, in a group of its own: a page hidden behind it would be torn down, fetches and all.
  const probe = vscode.window.createWebviewPanel(
    'requestProfilerTest.settleProbe',
    'webview probe',
    { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
    { enableScripts: true },
  );
  try {
    const loaded = new Promise<void>((resolve) => probe.webview.onDidReceiveMessage(() => resolve()));
    const nonce = makeNonce();
    probe.webview.html = `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'"></head><body><script nonce="${nonce}">acquireVsCodeApi().postMessage('loaded');</script></body></html>`;
    await withTimeout(loaded, timeoutMs, `no webview page loaded within ${timeoutMs / 1000} s`);
  } finally {
    probe.dispose();
  }
}
