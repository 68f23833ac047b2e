import * as assert from 'node:assert/strict';
import { hasHiddenCharacters, visibleLines, visibleText } from '../../src/core/displayText';
import { callGraphPanelTitle } from '../../src/callGraph/callGraphProfile';
import { profileTitle } from '../../src/core/profileTitle';
import { statusBadge } from '../../src/core/statusBadge';
import { makeHeader } from './profileSamples';

describe('visibleText: control and bidi characters shown escaped', () => {
  it('escapes the right-to-left override and the other bidi controls, so text reads in its own order', () => {
    assert.equal(visibleText('/invoice\u202Efdp.exe'), '/invoice⟨U+202E⟩fdp.exe');
    for (const code of [0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]) {
      const character = String.fromCodePoint(code);
      assert.equal(visibleText(`a${character}b`), `a⟨U+${code.toString(16).toUpperCase().padStart(4, '0')}⟩b`);
    }
  });

  it('escapes controls, invisible characters, separators, noncharacters, tags and lone surrogates', () => {
    assert.equal(visibleText('a\u0000b\tc\nd\u001be\u007f\u0085'), 'a⟨U+0000⟩b⟨U+0009⟩c⟨U+000A⟩d⟨U+001B⟩e⟨U+007F⟩⟨U+0085⟩');
    assert.equal(visibleText('zero\u200Bwidth\uFEFF\u00AD\u2060'), 'zero⟨U+200B⟩width⟨U+FEFF⟩⟨U+00AD⟩⟨U+2060⟩');
    assert.equal(visibleText('line\u2028para\u2029'), 'line⟨U+2028⟩para⟨U+2029⟩');
    assert.equal(visibleText('f\uFFFEg\uFFFF'), 'f⟨U+FFFE⟩g⟨U+FFFF⟩');
    assert.equal(visibleText('tag\u{E0041}\u{E007F}'), 'tag⟨U+E0041⟩⟨U+E007F⟩');
    assert.equal(visibleText('caf\uDCE9 \uD800x'), 'caf⟨U+DCE9⟩ ⟨U+D800⟩x');
  });

  it('leaves ordinary text of any script alone, pairs of surrogates (emoji) included', () => {
    for (const text of ['GET /api/users?id=7', 'café → naïve', 'שלום עולם', 'مرحبا', '日本語', 'smile 😀', '<module>']) {
      assert.equal(visibleText(text), text);
      assert.equal(hasHiddenCharacters(text), false);
    }
    assert.equal(hasHiddenCharacters('x\u202Ey'), true);
  });

  it('keeps tabs and line breaks in multi-line text (a traceback) and escapes the rest', () => {
    assert.equal(visibleLines('Traceback:\r\n\tFile "a\u202Eb.py"\n'), 'Traceback:\r\n\tFile "a⟨U+202E⟩b.py"\n');
  });

  it('shows a value of the wrong type as text instead of throwing', () => {
    assert.equal(visibleText(42 as unknown as string), '42');
    assert.equal(visibleText(null as unknown as string), 'null');
  });
});

describe('profile titles (panel rows, status bar, editor tabs)', () => {
  it('names a profile by its request, escaped, and a pstats file by its name', () => {
    assert.equal(profileTitle({ method: 'GET', path: '/slow' }, '/p/20261206T185854.123456-GET-slow-1-00000001.rprof.json'), 'GET /slow');
    assert.equal(profileTitle({ method: 'POST', path: '' }, '/p/x.rprof.json'), 'POST /');
    assert.equal(profileTitle({ method: 'GET', path: '/a\u202Etxt.exe' }, '/p/x.rprof.json'), 'GET /a⟨U+202E⟩txt.exe');
    assert.equal(profileTitle({ method: '', path: '' }, '/tmp/run\u202E.prof'), 'run⟨U+202E⟩.prof');
    assert.equal(profileTitle({ method: '', path: '' }, 'C:\\profiles\\script.prof'), 'script.prof');
    assert.equal(callGraphPanelTitle({ method: '', path: '' }, '/tmp/script.prof'), 'Call Graph: script.prof');
    assert.equal(callGraphPanelTitle({ method: 'GET', path: '/\u202Eslow' }, '/p/x.rprof.json'), 'Call Graph: GET /⟨U+202E⟩slow');
  });
});

describe('status badges (at most two characters)', () => {
  const badge = (overrides: Parameters<typeof makeHeader>[0], slowMs = 1000) => statusBadge(makeHeader(overrides), slowMs);

  it('shows the status class, never a cut code: 404 is "4x", not "40"', () => {
    for (const status of [400, 401, 404, 418, 429, 499]) assert.deepEqual(badge({ status }), { badge: '4x', tooltip: `Status ${status}`, tone: 'warning' });
    for (const status of [500, 502, 503, 504, 599]) assert.deepEqual(badge({ status }), { badge: '5x', tooltip: `Status ${status}`, tone: 'error' });
    for (const status of [100, 200, 204, 301, 304, 399]) assert.equal(badge({ status, wallMs: 5 }), undefined);
    for (const status of [100, 200, 301, 404, 500, 999]) assert.ok(badge({ status, wallMs: 5_000 })!.badge.length <= 2);
  });

  it('marks a request whose app raised as a 500, and one that raised after its status as failed', () => {
    assert.deepEqual(badge({ status: null, error: 'ZeroDivisionError' }), {
      badge: '5x',
      tooltip: 'Status 500: the app raised ZeroDivisionError',
      tone: 'error',
    });
    assert.deepEqual(badge({ status: 200, error: 'BrokenPipeError' }), { badge: '!', tooltip: 'Failed: BrokenPipeError after status 200', tone: 'error' });
    assert.equal(badge({ status: null, error: 'Bad\u202EError' })!.tooltip, 'Status 500: the app raised Bad⟨U+202E⟩Error');
  });

  it('marks slow requests, and nothing for a fast success or an unknown status', () => {
    assert.deepEqual(badge({ status: 200, wallMs: 1500 }), { badge: 'S', tooltip: 'Slow: ≥ 1000 ms', tone: 'slow' });
    assert.equal(badge({ status: null, error: null, wallMs: 5 }), undefined);
  });
});
