import * as assert from 'node:assert/strict';
import { instance, type Viz } from '@viz-js/viz';
import { buildCallGraph } from '../../src/core/callGraph';
import { dotString, toDot } from '../../src/core/dot';
import { strokeColor } from '../../src/core/graphColors';
import type { ProfileData, ProfiledFunction } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';

function fn(file: string, line: number, name: string, ct: number, tt = 0): ProfiledFunction {
  return { file, line, name, qualname: null, cc: 1, nc: 1, tt, ct };
}

/** Names that break naive DOT writers. */
const AWKWARD = ['<module>', '<script>alert("x")</script>', 'say "hi"', 'back\\slash \\N \\G \\l', 'two\nlines', 'tab\there', 'entity &lt; &#60; and a & b'];

/** root -> each awkward function, 1 s each, so all are drawn; the first call is the hot one. */
function awkwardProfile(): ProfileData {
  const functions = [fn('/app/main.py', 1, 'root', 8, 0.5), ...AWKWARD.map((name, i) => fn('/app/odd.py', i + 1, name, i === 0 ? 5 : 0.25, 0.25))];
  return {
    functions,
    edges: AWKWARD.map((_, i) => [0, i + 1, 1, 1, 0.25, functions[i + 1].ct]),
    notes: [],
  };
}

/**
 * One or more of each kind of character Graphviz or its SVG cannot carry, or that would show
 * misleadingly, with the escape the graph shows instead.
 */
const UNSHOWABLE: [what: string, characters: string[]][] = [
  ["NUL (ends Graphviz's string)", ['\u0000']],
  ['C0 controls (not XML characters)', ['\u0001', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f']],
  ['DEL and C1 controls (invisible)', ['\u007f', '\u0080', '\u0085', '\u009f']],
  ['U+FFFE and U+FFFF (not XML characters)', ['\ufffe', '\uffff']],
  ['other noncharacters', ['\ufdd0', '\ufdef', '\u{1fffe}', '\u{1ffff}', '\u{10fffe}', '\u{10ffff}']],
  ['lone surrogates (Graphviz writes U+FFFD)', ['\ud800', '\udbff', '\udc00', '\udfff']],
  [
    'bidi controls (reorder the text)',
    ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c'],
  ],
  ['zero-width and other format characters', ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u{e0001}']],
  ['line and paragraph separators', ['\u2028', '\u2029']],
];

/** The escape shown for a character: "⟨U+FFFE⟩", "⟨U+1FFFE⟩" (displayText.ts). */
function escapeOf(character: string): string {
  return `⟨U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}⟩`;
}

/** XML 1.0's Char production: what an SVG parsed as XML may hold. */
function isXmlCharacter(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** root -> one function per character, named and filed with it, all drawn. */
function unshowableProfile(characters: string[]): ProfileData {
  const functions = [fn('/app/main.py', 1, 'root', characters.length + 1, 1), ...characters.map((c, i) => fn(`/app/odd${c}.py`, i + 1, `f${c}g`, 1, 1))];
  return { functions, edges: characters.map((_, i) => [0, i + 1, 1, 1, 1, 1]), notes: [] };
}

/** The text of every <text> element of an SVG, XML entities decoded. */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
      .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(parseInt(code, 16)))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

describe('dotString', () => {
  const cases: [string, string, string][] = [
    ['plain text', 'handler', '"handler"'],
    ['quotes', 'say "hi"', '"say \\"hi\\""'],
    ['backslashes before quotes', 'a\\"', '"a\\\\\\""'],
    ['newlines of any kind', 'a\nb\r\nc\rd', '"a\\nb\\nc\\nd"'],
    ['tabs (Graphviz has no tab escape)', 'a\tb', '"a b"'],
    ['control characters, visibly', 'a\u0000b\u001bc', '"a⟨U+0000⟩b⟨U+001B⟩c"'],
    ['U+FFFE and a lone surrogate, visibly', 'a\ufffeb\ud800', '"a⟨U+FFFE⟩b⟨U+D800⟩"'],
    ['entity-like text', '&lt; &#60; &#x3c; a & b', '"&amp;lt; &amp;#60; &amp;#x3c; a & b"'],
    ['angle brackets, unchanged', '<module>', '"<module>"'],
  ];
  for (const [what, text, expected] of cases) {
    it(`escapes ${what}`, () => assert.equal(dotString(text), expected));
  }
});

describe('toDot', () => {
  const graph = buildCallGraph(buildProfileModel(awkwardProfile()));

  it('writes one line per node and edge with safe ids', () => {
    const dot = toDot(graph);
    assert.ok(dot.startsWith('digraph callgraph {\n'));
    assert.ok(dot.endsWith('}\n'));
    assert.equal(dot.match(/^ {2}n\d+ \[/gm)?.length, 8);
    assert.equal(dot.match(/^ {2}n\d+ -> n\d+ \[/gm)?.length, 7);
  });

  it('draws the hot path red and thicker, with classes the webview can find', () => {
    const dot = toDot(graph);
    const hotEdge = dot.split('\n').find((line) => line.startsWith('  n0 -> n1 '))!;
    // weight 5/8: pen 4 × 0.625 = 2.5, plus 2 for the hot path
    assert.match(hotEdge, /color="#ff0000", fontcolor="#ff0000", penwidth=4\.5, /);
    assert.match(hotEdge, /id="call0", class="call hot"/);
    const coldEdge = dot.split('\n').find((line) => line.startsWith('  n0 -> n2 '))!;
    assert.match(coldEdge, /penwidth=0\.5, .*class="call"\]/);
    assert.match(dot, /n1 \[.*color="#ff0000", penwidth=3, id="fn1", class="function hot"/);
  });

  it('uses lighter strokes and the given foreground on a dark theme', () => {
    const dot = toDot(graph, { theme: 'dark', foreground: '#d4d4d4', title: 'GET /x' });
    const coldEdge = dot.split('\n').find((line) => line.startsWith('  n0 -> n2 '))!;
    assert.ok(coldEdge.includes(`color="${strokeColor(0.25 / 8, 'dark')}"`));
    assert.match(dot, /graph \[label="GET \/x\\nAll functions and calls are drawn\.", .*fontcolor="#d4d4d4"/);
    assert.match(toDot(graph, { title: 'GET /x', caption: false }), /graph \[label="", /);
  });

  it('bounds Graphviz effort on large graphs only, unless told', () => {
    const quick = /nslimit=2, nslimit1=2, mclimit=0\.2/;
    assert.doesNotMatch(toDot(graph), quick); // 8 nodes: full effort
    assert.match(toDot(graph, { layoutEffort: 'quick' }), quick);
    const big = buildCallGraph(
      buildProfileModel({
        functions: Array.from({ length: 70 }, (_, i) => fn('/app/big.py', i + 1, `f${i}`, i === 0 ? 70 : 1, 1)),
        edges: Array.from({ length: 69 }, (_, i) => [0, i + 1, 1, 1, 1, 1]),
        notes: [],
      }),
    );
    assert.equal(big.nodes.length, 70);
    assert.match(toDot(big), quick);
    assert.doesNotMatch(toDot(big, { layoutEffort: 'full' }), quick);
  });

  describe('rendered by Graphviz', function () {
    this.timeout(20_000);
    let viz: Viz;
    before(async () => {
      viz = await instance();
    });

    it('shows every awkward name exactly as written', () => {
      const svg = viz.renderString(toDot(graph), { format: 'svg' });
      const texts = svgTexts(svg);
      for (const name of AWKWARD) {
        const shown = name.replace(/\t/g, ' ').split('\n');
        for (const line of shown) assert.ok(texts.includes(line), `${JSON.stringify(line)} shown; texts: ${JSON.stringify(texts)}`);
      }
      assert.ok(!svg.includes('<script>'), 'no live markup in the SVG');
    });

    for (const [what, characters] of UNSHOWABLE) {
      it(`draws ${what} as visible escapes, in an SVG that is valid XML`, () => {
        const escaped = buildCallGraph(buildProfileModel(unshowableProfile(characters)), { nodeThreshold: 0, edgeThreshold: 0 });
        assert.equal(escaped.nodes.length, characters.length + 1);
        const result = viz.render(toDot(escaped), { format: 'svg' });
        assert.equal(result.status, 'success', JSON.stringify(result.errors));
        const svg = result.output!;
        const invalid = [...svg].map((c) => c.codePointAt(0)!).filter((code) => !isXmlCharacter(code));
        assert.deepEqual(
          invalid.map((code) => code.toString(16)),
          [],
          'characters XML does not allow',
        );
        const texts = svgTexts(svg);
        for (const c of characters) {
          assert.ok(!svg.includes(c), `${escapeOf(c)} is not in the SVG as it is`);
          assert.ok(texts.includes(`f${escapeOf(c)}g`), `f${escapeOf(c)}g shown; texts: ${JSON.stringify(texts)}`);
          assert.ok(svg.includes(`/app/odd${escapeOf(c)}.py`), `the tooltip shows the file as /app/odd${escapeOf(c)}.py`);
        }
      });
    }

    it('shows other text exactly, astral characters and U+FFFD included', () => {
      const names = ['café', '名前', '😀', '👨‍👩‍👧'.replace(/\u200d/g, ''), 'a\ufffdb', 'אבג'];
      const plain = buildCallGraph(buildProfileModel(unshowableProfile(names)), { nodeThreshold: 0, edgeThreshold: 0 });
      const texts = svgTexts(viz.renderString(toDot(plain), { format: 'svg' }));
      for (const name of names) assert.ok(texts.includes(`f${name}g`), `f${name}g shown; texts: ${JSON.stringify(texts)}`);
    });

    it('gives the SVG elements the ids and classes of the DOT', () => {
      const svg = viz.renderString(toDot(graph), { format: 'svg' });
      assert.match(svg, /<g id="fn1" class="node function hot">/);
      assert.match(svg, /<g id="call0" class="edge call hot">/);
      assert.match(svg, /<g id="fn3" class="node function">/);
    });
  });
});
