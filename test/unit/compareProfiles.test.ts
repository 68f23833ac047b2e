/**
 * Comparing two profiles (src/core/compareProfiles.ts): per function A, B and the change,
 * sorted by what explains the difference (own time, which adds up to the total), new and
 * vanished functions marked, in seconds or in shares, with a sentence saying what changed most.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareProfiles } from '../../src/core/compareProfiles';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { PATHS } from './callTreeSamples';
import { BASELINE, CHANGED } from './compareSamples';

const A = BASELINE;
const B = CHANGED;

describe('comparing two profiles', () => {
  it('puts first what explains the difference, in seconds', () => {
    const comparison = compareProfiles({ profile: A, paths: PATHS }, { profile: B, paths: PATHS });
    assert.ok(Math.abs(comparison.difference - 0.12) < 1e-12);
    assert.deepEqual(
      comparison.functions.map((d) => [d.displayName, d.status, Math.round(d.ownChange * 1000)]),
      [
        ['Database.query', 'both', 120],
        ['render', 'both', -5],
        ['lookup', 'new', 5],
        ['handler', 'both', 0],
      ],
    );
    const sum = comparison.functions.reduce((total, d) => total + d.ownChange, 0);
    assert.ok(Math.abs(sum - comparison.difference) < 1e-12, 'own-time changes add up to the difference');
    assert.equal(comparison.summary, 'Database.query +120 ms, 100% of the difference (B is 120 ms slower: 100 ms → 220 ms).');
    const query = comparison.functions[0];
    assert.deepEqual([query.indexA, query.indexB, query.a?.calls, query.b?.calls], [1, 2, 2, 8]);
  });

  it('marks functions that vanished', () => {
    const comparison = compareProfiles({ profile: B, paths: PATHS }, { profile: A, paths: PATHS });
    const lookup = comparison.functions.find((d) => d.name === 'lookup') ?? assert.fail('lookup');
    assert.equal(lookup.status, 'vanished');
    assert.equal(lookup.b, null);
    assert.ok(Math.abs(lookup.ownChange + 0.005) < 1e-12);
    assert.match(comparison.summary, /^Database\.query −120 ms, 100% of the difference \(B is 120 ms faster: 220 ms → 100 ms\)\.$/);
  });

  it('compares shapes in percentage points when normalised', () => {
    const comparison = compareProfiles({ profile: A, paths: PATHS }, { profile: B, paths: PATHS }, 'normalised');
    const query = comparison.functions[0];
    assert.equal(query.displayName, 'Database.query');
    assert.ok(Math.abs(query.ownShareChange - (160 / 220 - 0.4)) < 1e-12);
    assert.equal(comparison.functions[1].displayName, 'render', 'render fell from 50 % to 20 %');
    assert.equal(comparison.summary, "Database.query +33 points of its request's time (40% → 73% own time).");
  });

  it('says so when nothing changed', () => {
    assert.equal(compareProfiles({ profile: A, paths: PATHS }, { profile: A, paths: PATHS }).summary, "No function's time changed (100 ms → 100 ms).");
  });

  it('names what A is when it is not a single request', () => {
    const baseline = { baseline: 'the mean of 5 other requests' };
    const absolute = compareProfiles({ profile: A, paths: PATHS }, { profile: B, paths: PATHS }, 'absolute', baseline);
    assert.equal(absolute.summary, 'Database.query +120 ms, 100% of the difference (B is 120 ms slower than the mean of 5 other requests: 100 ms → 220 ms).');
    const normalised = compareProfiles({ profile: A, paths: PATHS }, { profile: B, paths: PATHS }, 'normalised', baseline);
    assert.equal(normalised.summary, "Database.query +33 points of its request's time against the mean of 5 other requests (40% → 73% own time).");
    const same = compareProfiles({ profile: A, paths: PATHS }, { profile: A, paths: PATHS }, 'absolute', baseline);
    assert.equal(same.summary, "No function's time changed from the mean of 5 other requests (100 ms → 100 ms).");
  });

  it('takes a change in the last bits of a float for no change, never "−0.00 ms"', () => {
    // The same times summed in another order: A's own times carry 1e-17 s of noise.
    const noisy = { ...A, functions: A.functions.map((fn) => ({ ...fn, tt: fn.tt + (fn.tt > 0 ? -1e-17 : 0) })) };
    for (const mode of ['absolute', 'normalised'] as const) {
      const comparison = compareProfiles({ profile: A, paths: PATHS }, { profile: noisy, paths: PATHS }, mode);
      assert.ok(
        comparison.functions.some((d) => d.ownChange !== 0),
        'the noise is there to be ignored',
      );
      assert.equal(comparison.summary, "No function's time changed (100 ms → 100 ms).", mode);
    }
    // A real change too small to show at 0.01 ms has no sign.
    const tiny = { ...A, functions: A.functions.map((fn) => (fn.name === 'query' ? { ...fn, tt: fn.tt - 1e-6 } : fn)) };
    const comparison = compareProfiles({ profile: A, paths: PATHS }, { profile: tiny, paths: PATHS });
    assert.equal(comparison.functions[0].name, 'query');
    assert.match(comparison.summary, /^Database\.query 0\.00 ms \(/, comparison.summary);
  });

  it('finds what makes the demo’s slow endpoint slow in two real profiles', () => {
    const folder = resolve(__dirname, '../../../test/fixtures/profiles');
    const load = (part: string) => {
      const name = readdirSync(folder).find((n) => n.includes(part) && n.endsWith('.rprof.json')) ?? assert.fail(part);
      return parseProfileDocument(readFileSync(join(folder, name), 'utf-8'));
    };
    const root = load('-GET-root-');
    const slow = load('-GET-slow-');
    const comparison = compareProfiles(root, slow);
    // /slow finds primes: its generator expression has the most own time, and is not in /.
    const top = comparison.functions[0];
    assert.deepEqual([top.name, top.status], ['<genexpr>', 'new']);
    assert.ok(comparison.difference > 0.1, `${comparison.difference}`);
    assert.match(comparison.summary, /^is_prime\.<locals>\.<genexpr> \(new in B\) \+\d+(\.\d+)? ms, \d+% of the difference \(B is [\d.]+ ms slower/);
  });
});
