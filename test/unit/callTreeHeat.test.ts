import * as assert from 'node:assert/strict';
import { heatColor } from '../../src/core/graphColors';
import { heatCss, heatHex, heatHsl } from '../../src/core/heat';

describe('heat colour', () => {
  it('runs from gprof2dot’s cold dark blue to hot red', () => {
    assert.deepEqual(heatHsl(0), [2 / 3, 0.8, 0.25]);
    assert.deepEqual(heatHsl(1), [0, 1, 0.5]);
    assert.equal(heatCss(0), 'hsl(240, 80%, 25%)');
    assert.equal(heatCss(1), 'hsl(0, 100%, 50%)');
  });

  it('interpolates linearly (gamma 1)', () => {
    // Half way: h = 1/3 (120°), s = 0.9, l = 0.375.
    assert.equal(heatCss(0.5), 'hsl(120, 90%, 37.5%)');
    // Chroma (1 − |0.75 − 1|) × 0.9 = 0.675, m = 0.0375: rgb(0.0375, 0.7125, 0.0375).
    assert.equal(heatHex(0.5), '#0ab60a');
  });

  it('converts to hex', () => {
    // Chroma 0.4, m = 0.05: rgb(0.05, 0.05, 0.45) → 13, 13, 115.
    assert.equal(heatHex(0), '#0d0d73');
    assert.equal(heatHex(1), '#ff0000');
    // A quarter: h = 0.5 (180°, cyan), s = 0.85, l = 0.3125; chroma 0.625 × 0.85 = 0.53125,
    // m = 0.046875: rgb(0.046875, 0.578125, 0.578125) → 12, 147, 147.
    assert.equal(heatHex(0.25), '#0c9393');
  });

  it('clamps out-of-range and unknown shares', () => {
    assert.equal(heatHex(-1), heatHex(0));
    assert.equal(heatHex(7), heatHex(1));
    assert.equal(heatHex(Number.NaN), heatHex(0));
  });

  it('makes translucent CSS for bars over theme colours', () => {
    assert.equal(heatCss(1, 0.35), 'hsla(0, 100%, 50%, 0.35)');
  });

  it('shades exactly like the call graph’s node fills', () => {
    for (let w = 0; w <= 1.0001; w += 0.05) assert.equal(heatHex(w), heatColor(w), `at ${w}`);
  });
});
