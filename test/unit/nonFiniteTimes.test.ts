/**
 * Times near the top of a double's range are valid in a profile (finite, ≥ 0), but their sums
 * overflow to Infinity: the views show "∞", never a number that looks real. Non-finite times
 * in the file itself are refused at load (validateProfile.test.ts, pstatsFuzz.test.ts).
 */
import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { formatMs } from '../../src/core/format';
import { graphMs } from '../../src/core/graphLabels';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { makeHeader, profileText } from './profileSamples';

describe('times whose sums overflow', () => {
  it('shows an overflowed sum as ∞, and no number at all as ?', () => {
    assert.equal(formatMs(Infinity), '∞');
    assert.equal(formatMs(NaN), '?');
    assert.equal(graphMs(Infinity), '∞ ms');
    assert.equal(formatMs(1e308 * 2 * 1000), '∞');
  });

  it('opens a profile of two roots of 1e308 s each: the total is ∞, each root its own time', () => {
    // Two handlers, nothing calls either: their cumulative times add up to the total.
    const text = profileText(makeHeader())
      .replace('"tt":0.001,"ct":0.011', '"tt":1e308,"ct":1e308')
      .replace('"tt":0.01,"ct":0.01}', '"tt":1e308,"ct":1e308}')
      .replace('"edges":[[0,1,3,3,0.01,0.01]]', '"edges":[]');
    const document = parseProfileDocument(text);
    const model = buildProfileModel(document.profile, document.paths);
    assert.equal(model.roots.length, 2);
    assert.equal(model.totalTime, Infinity);
    assert.equal(formatMs(model.totalTime * 1000), '∞');
    const tree = new CallTree(model);
    for (const row of tree.visibleRows(new Set(), new Set())) {
      assert.notEqual(formatMs(row.node.total * 1000), '?', 'a root of 1e308 s has a real time, shown as such');
    }
  });
});
