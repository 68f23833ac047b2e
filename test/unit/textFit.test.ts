/** Labels cut to fit a width on the flame graph's canvas (webview/shared/textFit.ts). */
import * as assert from 'node:assert/strict';
import { TextFitter } from '../../webview/shared/textFit';

/** A monospaced font 7 px a character, counting what it is asked to measure. */
function monospace(): { fitter: TextFitter; measured: string[] } {
  const measured: string[] = [];
  const fitter = new TextFitter((text) => {
    measured.push(text);
    return [...text].length * 7;
  });
  return { fitter, measured };
}

describe('text fitter', () => {
  it('keeps a label that fits, and cuts one that does not with an ellipsis', () => {
    const { fitter } = monospace();
    assert.equal(fitter.fit('render', 42), 'render');
    // 40 px: the ellipsis takes 7, four characters (28 px) fit in the 33 left.
    assert.equal(fitter.fit('abcdefghij', 40), 'abcd…');
    assert.equal(fitter.fit('abcdefghij', 10), '', 'not even one character and the ellipsis');
  });

  it('does not split a character made of two UTF-16 units', () => {
    const { fitter } = monospace();
    assert.equal(fitter.fit('𝒳𝒳𝒳𝒳𝒳', 30), '𝒳𝒳𝒳…');
  });

  it('measures each character once, however many labels use it', () => {
    const { fitter, measured } = monospace();
    fitter.fit('get_queryset', 50);
    fitter.fit('set_query', 200);
    fitter.fit('get_queryset', 70);
    assert.deepEqual(measured.sort(), [...new Set([...'get_querys…'])].sort());
  });
});
