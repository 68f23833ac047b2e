/** What the Endpoints overview page draws, as numbers and words (src/core/endpointCharts.ts). */
import * as assert from 'node:assert/strict';
import { fastestFirst, isSlowMark, markTitle, sortEndpoints, spanText, timelinePoint } from '../../src/core/endpointCharts';
import type { OverviewEndpoint, RequestMarks } from '../../src/core/endpointOverview';
import { formatClock } from '../../src/core/format';

function endpoint(key: string, count: number, medianMs: number, errorCount = 0): OverviewEndpoint {
  const marks: RequestMarks = { request: [], ms: [], start: [], outcome: [], failed: [] };
  return {
    id: `path:${key}`,
    key,
    route: null,
    count,
    medianMs,
    p95Ms: medianMs * 2,
    maxMs: medianMs * 3,
    errorCount,
    histogram: [],
    marks,
    firstStart: 0,
    lastStart: 0,
  };
}

describe('endpoints overview drawing', () => {
  // In the host's order: slowest median first.
  const endpoints = [endpoint('GET /slow', 1, 130), endpoint('GET /b', 5, 20, 2), endpoint('GET /a', 5, 10), endpoint('POST /c', 2, 10, 1)];

  it("sorts by a column either way, ties in the host's order", () => {
    const keys = (key: Parameters<typeof sortEndpoints>[1], direction: Parameters<typeof sortEndpoints>[2]) =>
      sortEndpoints(endpoints, key, direction).map((e) => e.key);
    assert.deepEqual(keys('median', 'descending'), ['GET /slow', 'GET /b', 'GET /a', 'POST /c']);
    assert.deepEqual(keys('median', 'ascending'), ['GET /a', 'POST /c', 'GET /b', 'GET /slow']);
    assert.deepEqual(keys('count', 'descending'), ['GET /b', 'GET /a', 'POST /c', 'GET /slow']);
    assert.deepEqual(keys('errors', 'descending'), ['GET /b', 'POST /c', 'GET /slow', 'GET /a']);
    assert.deepEqual(keys('endpoint', 'ascending'), ['GET /a', 'GET /b', 'GET /slow', 'POST /c']);
    assert.deepEqual(keys('max', 'descending'), keys('median', 'descending'));
    assert.deepEqual(keys('p95', 'ascending'), keys('median', 'ascending'));
    assert.equal(endpoints[0].key, 'GET /slow', "the host's list is left as it is");
  });

  it("says each mark's duration, status and time, and walks marks fastest first", () => {
    const marks: RequestMarks = {
      request: [4, 5, 6],
      ms: [133.3, 0.78, 12],
      start: [1_700_000_000, 1_700_000_001, 1_700_000_002],
      outcome: ['200', 'raised KeyError', '500'],
      failed: [false, true, true],
    };
    assert.equal(markTitle(marks, 0), `133 ms · 200 · ${formatClock(1_700_000_000)}`);
    assert.equal(markTitle(marks, 1), `0.78 ms · raised KeyError · ${formatClock(1_700_000_001)}`);
    assert.deepEqual(fastestFirst(marks), [1, 2, 0]);
  });

  it("calls a request slow above its endpoint's p95, never the only one", () => {
    assert.equal(isSlowMark({ count: 20, p95Ms: 50 }, 51), true);
    assert.equal(isSlowMark({ count: 20, p95Ms: 50 }, 50), false);
    assert.equal(isSlowMark({ count: 1, p95Ms: 50 }, 500), false);
  });

  it('places a time chart mark by start time across and log duration up, slow at the top', () => {
    const box = { width: 500, height: 300, left: 50, right: 50, top: 0, bottom: 100 };
    const scale = { minMs: 1, maxMs: 100 };
    assert.deepEqual(timelinePoint(box, scale, 10, 20, 10, 1), { x: 50, y: 200 });
    assert.deepEqual(timelinePoint(box, scale, 10, 20, 20, 100), { x: 450, y: 0 });
    const middle = timelinePoint(box, scale, 10, 20, 15, 10);
    assert.equal(middle.x, 250);
    assert.ok(Math.abs(middle.y - 100) < 1e-9);
    // One request (or all at one instant): in the middle.
    assert.equal(timelinePoint(box, scale, 10, 10, 10, 1).x, 250);
  });

  it('says how long the time axis spans', () => {
    assert.equal(spanText(0), 'at one moment');
    assert.equal(spanText(4.2), 'over 4.20 s');
    assert.equal(spanText(90), 'over 1.5 min');
    assert.equal(spanText(1800), 'over 30 min');
    assert.equal(spanText(3 * 3600), 'over 3.0 h');
  });
});
