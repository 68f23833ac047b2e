/**
 * The Endpoints overview's data (src/core/endpointOverview.ts) and its duration axis
 * (src/core/durationScale.ts): the panel's groups and statistics, one log scale for all, a
 * histogram of every request, at most MAX_MARKS marks (the slowest always among them), and
 * requests named by numbers that lead back to their files.
 */
import * as assert from 'node:assert/strict';
import { histogram, logScaleFor, pickMarks, scalePosition, scaleTicks, tickLabel } from '../../src/core/durationScale';
import { buildEndpointsOverview, HISTOGRAM_BINS, MAX_MARKS, requestOutcome } from '../../src/core/endpointOverview';
import { endpointStats, groupByEndpoint } from '../../src/core/profileGroups';
import type { ReadableEntry } from '../../src/core/profileIndex';
import { makeHeader } from './profileSamples';

function entry(file: string, overrides = {}): ReadableEntry {
  return { file, directory: '/p', mtimeMs: 1, size: 10, format: 'request-profiler', header: makeHeader(overrides) };
}

describe('duration scale', () => {
  it('spans whole decades around every finite duration, one decade at least', () => {
    assert.deepEqual(logScaleFor([0.7, 3, 133]), { minMs: 0.1, maxMs: 1000 });
    assert.deepEqual(logScaleFor([10, 100]), { minMs: 10, maxMs: 100 });
    assert.deepEqual(logScaleFor([5, 5]), { minMs: 1, maxMs: 10 });
    assert.deepEqual(logScaleFor([1, Number.NaN, Infinity]), { minMs: 1, maxMs: 10 });
    assert.deepEqual(logScaleFor([]), { minMs: 1, maxMs: 1000 });
    // A zero duration (a pstats file that records none) sits at the smallest drawn time.
    assert.deepEqual(logScaleFor([0, 2]), { minMs: 0.001, maxMs: 10 });
  });

  it('places durations logarithmically, clamped to the ends', () => {
    const scale = { minMs: 1, maxMs: 1000 };
    assert.equal(scalePosition(scale, 1), 0);
    assert.ok(Math.abs(scalePosition(scale, 10) - 1 / 3) < 1e-12);
    assert.ok(Math.abs(scalePosition(scale, 100) - 2 / 3) < 1e-12);
    assert.equal(scalePosition(scale, 1000), 1);
    assert.equal(scalePosition(scale, 0), 0);
    assert.equal(scalePosition(scale, 5000), 1);
    assert.equal(scalePosition(scale, Number.NaN), 0);
    assert.deepEqual(scaleTicks(scale), [1, 10, 100, 1000]);
    assert.deepEqual(scaleTicks({ minMs: 0.1, maxMs: 10 }), [0.1, 1, 10]);
    assert.deepEqual(scaleTicks({ minMs: 0.001, maxMs: 100_000 }).map(tickLabel), [
      '0.001 ms',
      '0.01 ms',
      '0.1 ms',
      '1 ms',
      '10 ms',
      '100 ms',
      '1 s',
      '10 s',
      '100 s',
    ]);
  });

  it('counts every duration in one bar of the histogram, the largest in the last', () => {
    const scale = { minMs: 1, maxMs: 100 };
    const counts = histogram([1, 1.5, 9.9, 10, 99, 100, 1e6], scale, 4);
    assert.deepEqual(counts, [2, 1, 1, 3]);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      7,
    );
  });

  it('marks every request that fits, else the slowest and the others spread over time', () => {
    assert.deepEqual(pickMarks([3, 1, 2], 5), [0, 1, 2]);
    const durations = Array.from({ length: 1000 }, (_, i) => (i === 777 ? 5000 : i % 10));
    const picked = pickMarks(durations, 100);
    assert.equal(picked.length, 100);
    assert.ok(picked.includes(777), 'the slowest request is marked');
    assert.deepEqual(
      picked,
      [...picked].sort((a, b) => a - b),
      'in time order',
    );
    assert.equal(new Set(picked).size, picked.length);
    // Spread over time: marks reach both ends of the list.
    assert.ok(picked[0] < 20 && picked[picked.length - 1] > 980);
    // The 25 slowest (durations 9, the largest after 5000) are all marked.
    const slowest = durations
      .map((ms, i) => [ms, i])
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .slice(0, 25)
      .map(([, i]) => i);
    for (const i of slowest) assert.ok(picked.includes(i), `slow request ${i} is marked`);
  });
});

describe('endpoints overview', () => {
  const entries = [
    entry('/p/u7', { method: 'GET', path: '/users/7', wallMs: 12, start: 100, status: 200 }),
    entry('/p/u8', { method: 'GET', path: '/users/8', wallMs: 480, start: 105, status: 500 }),
    entry('/p/u9', { method: 'GET', path: '/users/9', wallMs: 30, start: 101, status: null, error: 'KeyError' }),
    entry('/p/root', { method: 'GET', path: '/', wallMs: 2, start: 103, status: 200 }),
    entry('/p/flask', {
      method: 'POST',
      path: '/items/3',
      wallMs: 9000,
      start: 102,
      status: 201,
      route: { template: '/items/<int:id>', name: 'items.create', framework: 'flask' },
    }),
  ];

  it("lists the panel's groups with the panel's statistics, in its order", () => {
    const overview = buildEndpointsOverview(entries);
    const groups = groupByEndpoint(entries);
    assert.deepEqual(
      overview.endpoints.map((e) => [e.id, e.key, e.count, e.medianMs, e.p95Ms, e.maxMs, e.errorCount]),
      groups.map((g) => [g.id, g.key, g.stats.count, g.stats.medianMs, g.stats.p95Ms, g.stats.maxMs, g.stats.errorCount]),
    );
    assert.deepEqual(
      overview.endpoints.map((e) => e.key),
      ['POST /items/<int:id>', 'GET /users/{id}', 'GET /'],
    );
    const users = overview.endpoints[1];
    assert.deepEqual(users, { ...users, ...endpointStats(entries.slice(0, 3).map((e) => e.header)) });
    assert.equal(users.errorCount, 2, 'the 500 and the raised one');
    assert.deepEqual(overview.endpoints[0].route, { framework: 'flask', name: 'items.create' });
    assert.equal(users.route, null);
    assert.equal(overview.requests, 5);
    assert.deepEqual(overview.scale, { minMs: 1, maxMs: 10_000 });
  });

  it('marks each request oldest first, with a number that leads to its file', () => {
    const overview = buildEndpointsOverview(entries);
    const users = overview.endpoints.find((e) => e.key === 'GET /users/{id}')!;
    assert.deepEqual(users.marks.ms, [12, 30, 480]);
    assert.deepEqual(users.marks.start, [100, 101, 105]);
    assert.deepEqual(users.marks.outcome, ['200', 'raised KeyError', '500']);
    assert.deepEqual(users.marks.failed, [false, true, true]);
    assert.deepEqual(
      users.marks.request.map((n) => overview.files[n]),
      ['/p/u7', '/p/u9', '/p/u8'],
    );
    assert.equal(users.firstStart, 100);
    assert.equal(users.lastStart, 105);
    assert.equal(overview.files.length, 5, 'one number per marked request');
    assert.equal(
      users.histogram.reduce((a, b) => a + b, 0),
      3,
    );
    assert.equal(users.histogram.length, HISTOGRAM_BINS);
  });

  it('caps the marks of a busy endpoint, the histogram still counting every request', () => {
    const many = Array.from({ length: 5000 }, (_, i) => entry(`/p/${i}`, { path: '/busy', wallMs: i === 4321 ? 2500 : 5 + (i % 7), start: 1000 + i }));
    const overview = buildEndpointsOverview(many);
    const [busy] = overview.endpoints;
    assert.equal(busy.count, 5000);
    assert.equal(busy.marks.ms.length, MAX_MARKS);
    assert.ok(busy.marks.ms.includes(2500), 'the slowest request is marked');
    assert.equal(
      busy.histogram.reduce((a, b) => a + b, 0),
      5000,
    );
    assert.equal(overview.files.length, busy.marks.ms.length);
  });

  it('is empty without profiles', () => {
    const overview = buildEndpointsOverview([]);
    assert.deepEqual(overview.endpoints, []);
    assert.equal(overview.requests, 0);
    assert.deepEqual(overview.files, []);
  });

  it('says the outcome as a status, a raise, or no response', () => {
    assert.equal(requestOutcome({ status: 200, error: null }), '200');
    assert.equal(requestOutcome({ status: null, error: 'ValueError' }), 'raised ValueError');
    assert.equal(requestOutcome({ status: 200, error: 'BrokenPipeError' }), '200, then raised BrokenPipeError');
    assert.equal(requestOutcome({ status: null, error: null }), 'no response');
  });
});
