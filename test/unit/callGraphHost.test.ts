/**
 * The call graph panel's pure parts: the page's HTML and CSP (what the webview may load), the
 * nonce, and the titles and profile message made from a real fixture document.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { callGraphContentSecurityPolicy, callGraphHtml } from '../../src/callGraph/callGraphHtml';
import { makeNonce } from '../../src/host/nonce';
import { callGraphPanelTitle, callGraphTitle, requestName, toCallGraphProfile } from '../../src/callGraph/callGraphProfile';
import { callGraphProfileOf } from '../../src/callGraph/protocol';
import type { ProfileDocument, ProfileHeader } from '../../src/core/profileFormat';
import { parseProfileDocument, ProfileReadError } from '../../src/core/profileHeader';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles');
const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';

function fixtureFile(part: string): string {
  const name = readdirSync(FIXTURES).find((n) => n.includes(part) && n.endsWith('.rprof.json'));
  assert.ok(name, part);
  return join(FIXTURES, name);
}

function fixture(part: string): ProfileDocument {
  return parseProfileDocument(readFileSync(fixtureFile(part), 'utf8'));
}

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values]),
  );
}

describe('call graph panel HTML', () => {
  it('allows only the nonce’d script, wasm, the extension’s files and blob workers', () => {
    const csp = directives(callGraphContentSecurityPolicy(CSP_SOURCE, 'abc'));
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'nonce-abc'", "'wasm-unsafe-eval'", CSP_SOURCE]);
    assert.deepEqual(csp.get('style-src'), [CSP_SOURCE, "'nonce-abc'"]);
    assert.deepEqual(csp.get('connect-src'), [CSP_SOURCE]);
    assert.deepEqual(csp.get('worker-src'), ['blob:']);
    for (const [name, values] of csp) {
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'") && !values.includes('*'), `${name}: ${values.join(' ')}`);
    }
  });

  it('loads the script as a module with the nonce, names the layout script, and holds no inline script or data', () => {
    const html = callGraphHtml({
      cspSource: CSP_SOURCE,
      scriptUri: `${CSP_SOURCE}/ext/dist/webview/callGraph.js`,
      layoutScriptUri: `${CSP_SOURCE}/ext/dist/webview/callGraph.worker.js`,
      nonce: 'n0nce',
    });
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /type="module"/);
    assert.match(scripts[0][1], /nonce="n0nce"/);
    assert.match(scripts[0][1], /src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/callGraph\.js"/);
    assert.match(scripts[0][1], /data-layout-script="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/callGraph\.worker\.js"/);
    assert.equal(scripts[0][2].trim(), '', 'no inline code');
    assert.ok(!/<style\b|\son\w+=|style="/.test(html), 'no inline styles or handlers');
    const meta = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]*)">/);
    assert.ok(meta, 'the CSP is in a meta tag');
    assert.equal(meta[1], callGraphContentSecurityPolicy(CSP_SOURCE, 'n0nce'));
  });

  it('escapes what it puts in attributes', () => {
    const html = callGraphHtml({ cspSource: CSP_SOURCE, scriptUri: 'https://x/a"b<c&d.js', layoutScriptUri: 'https://x/w"<&.js', nonce: 'n' });
    assert.ok(html.includes('src="https://x/a&quot;b&lt;c&amp;d.js"'));
    assert.ok(html.includes('data-layout-script="https://x/w&quot;&lt;&amp;.js"'));
  });

  it('makes a fresh 128-bit base64url nonce each time', () => {
    const nonces = new Set(Array.from({ length: 200 }, makeNonce));
    assert.equal(nonces.size, 200);
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{22}$/);
  });
});

describe('call graph profile message and titles', () => {
  it('names the request with its status and duration, from the /slow fixture', () => {
    const document = fixture('-GET-slow-');
    const profile = toCallGraphProfile(document, 'file:///ws/.profiles/slow.rprof.json');
    assert.equal(profile.id, document.header.id);
    assert.equal(profile.data, document.profile);
    assert.equal(profile.paths, document.paths);
    assert.equal(profile.source, 'file:///ws/.profiles/slow.rprof.json');
    assert.match(profile.title, /^GET \/slow {2}· {2}200 {2}· {2}\d+(\.\d+)? ms$/);
    assert.equal(callGraphPanelTitle(document.header), 'Call Graph: GET /slow');
  });

  it('shows the query, and the error when the app sent no status', () => {
    const raised = fixture('-GET-error-');
    assert.equal(raised.header.status, null);
    assert.match(callGraphTitle(raised.header), new RegExp(`^GET /error  ·  ${raised.header.error}  ·  `));
    const withQuery = { method: 'GET', path: '/search', query: 'q=a%20b&page=2' } as Pick<ProfileHeader, 'method' | 'path' | 'query'>;
    assert.equal(requestName(withQuery), 'GET /search?q=a%20b&page=2');
    assert.equal(requestName({ ...withQuery, query: '' }), 'GET /search');
  });
});

describe('call graph profile sent as the file’s bytes', () => {
  it('parses to the same data as the document, names included', () => {
    for (const part of ['-GET-slow-', '-GET-b_bold_b-']) {
      const bytes = readFileSync(fixtureFile(part));
      const document = parseProfileDocument(bytes.toString('utf8'));
      const profile = callGraphProfileOf({ id: document.header.id, title: 'T', source: 'file:///x', document: new Uint8Array(bytes) });
      assert.deepEqual(profile, { id: document.header.id, title: 'T', source: 'file:///x', data: document.profile });
    }
  });

  it('passes parsed data through untouched', () => {
    const data = { functions: [], edges: [], notes: [] };
    const profile = { id: 'a', title: 'b', data };
    assert.equal(callGraphProfileOf(profile), profile);
  });

  it('refuses bytes that are not a profile document', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    assert.throws(() => callGraphProfileOf({ id: 'a', title: 'b', document: encode('{"format":"request-profiler"}') }), ProfileReadError);
    assert.throws(() => callGraphProfileOf({ id: 'a', title: 'b', document: encode('{"profile":{"functions":[],"edges":') }), ProfileReadError);
  });

  it('refuses bad call data with its path, before the page builds a model from it', () => {
    const text = readFileSync(fixtureFile('-GET-slow-'), 'utf8').replace(/"edges":\[\[\d+,/, '"edges":[[4294967296,');
    assert.throws(
      () => callGraphProfileOf({ id: 'a', title: 'b', document: new TextEncoder().encode(text) }),
      (error: Error) => error instanceof ProfileReadError && /^profile\.edges\[0\]\[0\]: expected a function index .* got 4294967296$/.test(error.message),
    );
  });
});
