/** The skeleton the webview pages share, and the page of one bundle (src/host/webviewPageHtml.ts). */
import * as assert from 'node:assert/strict';
import { bundledPageHtml, webviewPageHtml } from '../../src/host/webviewPageHtml';

describe('webview page HTML', () => {
  const page = {
    title: 'Request "Profile" <x>',
    csp: "default-src 'none'; script-src 'nonce-n'",
    nonce: 'n',
    scriptUri: 'https://r/dist/webview/profileView.js?a=1&b="2"',
    stylesheet: { id: 'vscode-codicon-stylesheet', href: 'https://r/dist/webview/profileView.css?x=<y>' },
    placeholder: '<main id="app" aria-busy="true"><p class="loading">Loading profile…</p></main>',
  };

  it("has one nonce'd module script, after the placeholder, with no inline code", () => {
    const html = webviewPageHtml(page);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.match(scripts[0][1], /^ type="module" nonce="n" src="/);
    assert.equal(scripts[0][2], '');
    assert.ok(html.indexOf('<main id="app"') < html.indexOf('<script'), 'the placeholder comes first');
    assert.ok(!/<style\b|\son\w+=|style="/.test(html), 'no inline styles or handlers');
  });

  it('escapes every value it puts in an attribute or the title', () => {
    const html = webviewPageHtml(page);
    assert.ok(html.includes('src="https://r/dist/webview/profileView.js?a=1&amp;b=&quot;2&quot;"'), html);
    assert.ok(html.includes('<link id="vscode-codicon-stylesheet" rel="stylesheet" href="https://r/dist/webview/profileView.css?x=&lt;y>">'), html);
    assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-n'">`), html);
    assert.ok(html.includes('<title>Request &quot;Profile&quot; &lt;x></title>'), html);
  });

  it('leaves out the stylesheet, the placeholder and data attributes when not given', () => {
    const html = webviewPageHtml({ title: 't', csp: 'c', nonce: 'n', scriptUri: 's', scriptData: { 'layout-script': 'w"' } });
    assert.ok(!html.includes('<link'));
    assert.ok(!html.includes('<main'));
    assert.ok(html.includes('src="s" data-layout-script="w&quot;"></script>'), html);
  });
});

describe('page of one bundle', () => {
  const input = {
    title: 'Compare profiles',
    cspSource: 'https://r.vscode-cdn.net',
    scriptUri: 'https://r/dist/webview/compareView.js',
    styleUri: 'https://r/dist/webview/compareView.css',
    nonce: 'n0nce',
    loading: 'Comparing <A> & B…',
  };

  it("allows its nonce'd script and the extension's files, fonts and images also as data: URLs, and nothing else", () => {
    const html = bundledPageHtml(input);
    const policy = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
    assert.equal(
      policy,
      "default-src 'none'; script-src 'nonce-n0nce'; style-src https://r.vscode-cdn.net; font-src https://r.vscode-cdn.net data:; img-src https://r.vscode-cdn.net data:",
    );
  });

  it('links the stylesheet by the id the codicons look for and says what it is loading, as text', () => {
    const html = bundledPageHtml(input);
    assert.ok(html.includes('<link id="vscode-codicon-stylesheet" rel="stylesheet" href="https://r/dist/webview/compareView.css">'), html);
    assert.ok(html.includes('<main id="app" aria-busy="true"><p class="loading">Comparing &lt;A&gt; &amp; B…</p></main>'), html);
    assert.ok(html.includes('<script type="module" nonce="n0nce" src="https://r/dist/webview/compareView.js"></script>'), html);
    assert.ok(html.includes('<title>Compare profiles</title>'), html);
  });
});
