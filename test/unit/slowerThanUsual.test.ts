import * as assert from 'node:assert/strict';
import type { ReadableEntry } from '../../src/core/profileIndex';
import { durationStats, percentile } from '../../src/core/profileGroups';
import { slowerThanUsual, slowerThanUsualByFile, slowerThanUsualText, MIN_OTHERS } from '../../src/core/slowerThanUsual';
import { makeHeader } from './profileSamples';

function entry(file: string, path: string, wallMs: number, profiled = true): ReadableEntry {
  return { file, directory: '/p', mtimeMs: 1, size: 10, format: 'request-profiler', header: makeHeader({ path, wallMs, profiled }) };
}

/** The rule written out plainly on a copy of the others' list: what the fast version must agree with. */
function naive(wallMs: number, others: number[]): { ratio: number; medianMs: number; p90Ms: number } | undefined {
  if (others.length < 5) return undefined;
  const { medianMs } = durationStats(others);
  const p90Ms = percentile(
    [...others].sort((a, b) => a - b),
    90,
  );
  return medianMs > 0 && wallMs >= 2 * medianMs && wallMs > p90Ms ? { ratio: wallMs / medianMs, medianMs, p90Ms } : undefined;
}

describe('slowerThanUsual', () => {
  it('flags a request at least twice the median and above the p90 of at least 5 others', () => {
    const slow = slowerThanUsual(34, [10, 9, 11, 10, 10, 12], 'GET /a');
    assert.deepEqual(slow, { ratio: 3.4, medianMs: 10, p90Ms: 12, others: 6, endpoint: 'GET /a' });
    assert.equal(slowerThanUsualText(slow!), '3.4× the median of 6 requests to GET /a (median 10.0 ms, p90 12.0 ms)');
  });

  it('says nothing with fewer than 5 other requests', () => {
    assert.equal(MIN_OTHERS, 5);
    assert.equal(slowerThanUsual(1000, [10, 10, 10, 10], 'GET /a'), undefined);
    assert.ok(slowerThanUsual(1000, [10, 10, 10, 10, 10], 'GET /a'));
  });

  it('needs both: twice the median, and above the p90', () => {
    // 1.9 times the median, above every other request.
    assert.equal(slowerThanUsual(19, [10, 10, 10, 10, 10, 10], 'GET /a'), undefined);
    // Exactly twice counts.
    assert.equal(slowerThanUsual(20, [10, 10, 10, 10, 10, 10], 'GET /a')?.ratio, 2);
    // Three times the median, but the endpoint's slow tenth is slower still: not unusual.
    const spread = [10, 10, 10, 10, 10, 10, 50, 50];
    assert.equal(slowerThanUsual(30, spread, 'GET /a'), undefined);
    assert.equal(slowerThanUsual(60, spread, 'GET /a')?.p90Ms, 50);
  });

  it('says nothing when the median is 0 ms (times below the clock)', () => {
    assert.equal(slowerThanUsual(5, [0, 0, 0, 0, 0, 0], 'GET /a'), undefined);
  });
});

describe('slowerThanUsualByFile', () => {
  it('measures each request against the other profiled requests of its endpoint', () => {
    const entries = [
      ...[10, 11, 9, 10, 12].map((ms, i) => entry(`/p/u${i}`, `/users/${i + 1}`, ms)),
      entry('/p/slow', '/users/99', 40),
      // Unprofiled: neither counted among the others nor flagged.
      entry('/p/unprofiled', '/users/3', 500, false),
      // pstats files that name no request (no method): no endpoint, however slow one of them is.
      ...[10, 10, 10, 10, 10, 400].map((ms, i): ReadableEntry => ({
        ...entry(`/p/pstats${i}`, '', ms),
        format: 'pstats',
        header: makeHeader({ method: '', path: '', wallMs: ms }),
      })),
      // Another endpoint, as slow: its own requests are too few.
      entry('/p/other', '/orders', 40),
    ];
    const slow = slowerThanUsualByFile(entries);
    assert.deepEqual([...slow.keys()], ['/p/slow']);
    assert.deepEqual(slow.get('/p/slow'), { ratio: 4, medianMs: 10, p90Ms: 12, others: 5, endpoint: 'GET /users/{id}' });
  });

  it('agrees with the rule applied to each request and a copy of the others, on random endpoints', () => {
    let seed = 7;
    let flagged = 0;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const count = 1 + Math.floor(random() * 30);
      // Ties and outliers: whole milliseconds, a few of them far out.
      const times = Array.from({ length: count }, () => Math.round(random() < 0.15 ? 50 + random() * 200 : 5 + random() * 20));
      const entries = times.map((ms, i) => entry(`/p/${i}`, `/e/${i}`, ms));
      const slow = slowerThanUsualByFile(entries);
      flagged += slow.size;
      times.forEach((ms, i) => {
        const expected = naive(
          ms,
          times.filter((_, j) => j !== i),
        );
        const got = slow.get(`/p/${i}`);
        assert.deepEqual(
          got && { ratio: got.ratio, medianMs: got.medianMs, p90Ms: got.p90Ms },
          expected,
          `round ${round}, request ${i} of ${JSON.stringify(times)}`,
        );
      });
    }
    assert.ok(flagged > 20, `the random endpoints hold slow requests (${flagged})`);
  });
});
