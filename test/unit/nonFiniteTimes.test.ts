/**
 * Times near the top of a double's range are valid in a profile (finite, ≥ 0), but their sums
 * overflow to Infinity: the views show "∞", never a number that looks real. Non-finite times
 * in the file itself are refused at load (validateProfile.test.ts, pstatsFuzz.test.ts).
 */
import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { formatMs } from '../../src/core/format';
import { graphMs } from '../../src/core/graphLabels';
import { parseProfileDocument, ProfileReadError } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { makeHeader, profileText } from './profileSamples';

describe('times whose sums overflow', () => {
  it('shows an overflowed sum as ∞, and no number at all as ?', () => {
    assert.equal(formatMs(Infinity), '∞');
    assert.equal(formatMs(NaN), '?');
    assert.equal(graphMs(Infinity), '∞ ms');
    assert.equal(formatMs(1e308 * 2 * 1000), '∞');
  });

  it('refuses a profile of two roots of 1e308 s each: its total would be ∞ and every share 0 %', () => {
    // Two handlers, nothing calls either: their cumulative times add up to the total.
    const text = profileText(makeHeader())
      .replace('"tt":0.001,"ct":0.011', '"tt":1e308,"ct":1e308')
      .replace('"tt":0.01,"ct":0.01}', '"tt":1e308,"ct":1e308}')
      .replace('"edges":[[0,1,3,3,0.01,0.01]]', '"edges":[]');
    assert.throws(
      () => parseProfileDocument(text),
      (error: Error) => error instanceof ProfileReadError && /add up to more than/.test(error.message),
    );
    // One root of 1e308 s still adds up: it opens, and its share is 100 %, not 0.
    const one = profileText(makeHeader()).replace('"tt":0.001,"ct":0.011', '"tt":1e308,"ct":1e308').replace('"edges":[[0,1,3,3,0.01,0.01]]', '"edges":[]');
    const document = parseProfileDocument(one);
    const model = buildProfileModel(document.profile, document.paths);
    assert.ok(Number.isFinite(model.totalTime));
    const tree = new CallTree(model);
    const root = tree.roots().reduce((a, b) => (a.total > b.total ? a : b));
    assert.ok(root.fraction > 0.99, `the 1e308 s root's share is ${root.fraction}`);
  });
});
