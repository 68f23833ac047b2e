import * as assert from 'node:assert/strict';
import { ProfileIndex, type ReadableEntry } from '../../src/core/profileIndex';
import { matchesFilter, parseDuration, parseStatusFilter } from '../../src/core/profileFilter';
import { durationStats, endpointKey, endpointStats, groupByEndpoint, groupIntoBursts, isFailedRequest, percentile } from '../../src/core/profileGroups';
import { formatAge, formatMs } from '../../src/core/format';
import { makeHeader } from './profileSamples';

function entry(file: string, overrides = {}): ReadableEntry {
  return { file, directory: '/p', mtimeMs: 1, size: 10, format: 'request-profiler', header: makeHeader(overrides) };
}

describe('ProfileIndex', () => {
  it('lists newest first with unreadable files at the end, and updates one file at a time', () => {
    const index = new ProfileIndex();
    index.upsert(entry('/p/a', { start: 10 }));
    index.upsert({ file: '/p/bad', directory: '/p', mtimeMs: 99, size: 3, format: 'request-profiler', error: 'Truncated' });
    index.upsert(entry('/p/b', { start: 30 }));
    index.upsert(entry('/p/c', { start: 20 }));
    assert.deepEqual(
      index.list().map((e) => e.file),
      ['/p/b', '/p/c', '/p/a', '/p/bad'],
    );
    index.remove('/p/b');
    index.upsert(entry('/p/a', { start: 40 }));
    assert.deepEqual(
      index.list().map((e) => e.file),
      ['/p/a', '/p/c', '/p/bad'],
    );
    assert.equal(index.newest()?.file, '/p/a');
    index.removeDirectory('/p');
    assert.equal(index.size, 0);
  });
});

describe('filter', () => {
  it('parses statuses and durations, and refuses nonsense with a message', () => {
    assert.deepEqual(parseStatusFilter('5xx, 404'), [{ classDigit: 5 }, { code: 404 }]);
    assert.throws(() => parseStatusFilter('teapot'), /"teapot" is not a status/);
    assert.equal(parseDuration('250'), 250);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.throws(() => parseDuration('fast'), /not a duration/);
  });

  it('matches path text, status class and minimum duration together', () => {
    const slowError = makeHeader({ path: '/api/users', status: 503, wallMs: 900 });
    const fastOk = makeHeader({ path: '/api/users', status: 200, wallMs: 5 });
    const filter = { text: 'API/USERS', statuses: parseStatusFilter('5xx'), minDurationMs: 100 };
    assert.equal(matchesFilter(slowError, filter), true);
    assert.equal(matchesFilter(fastOk, filter), false);
    assert.equal(matchesFilter(fastOk, { text: 'users' }), true);
    assert.equal(matchesFilter(makeHeader({ status: null, error: 'ValueError' }), { statuses: parseStatusFilter('error') }), true);
  });
});

describe('grouping', () => {
  it('splits bursts where the gap between requests exceeds the limit', () => {
    const list = [
      entry('/p/1', { start: 100 }),
      entry('/p/2', { start: 99 }),
      entry('/p/3', { start: 50, wallMs: 70 }),
      entry('/p/4', { start: 48, wallMs: 30 }),
    ];
    const bursts = groupIntoBursts(list, 5);
    assert.deepEqual(
      bursts.map((b) => b.entries.length),
      [2, 2],
    );
    assert.equal(bursts[1].firstStart, 48);
    assert.equal(bursts[1].lastStart, 50);
    assert.equal(bursts[1].maxWallMs, 70);
  });

  it('names endpoints with ids folded', () => {
    assert.equal(endpointKey({ method: 'GET', path: '/users/123/posts/550e8400-e29b-41d4-a716-446655440000' }), 'GET /users/{id}/posts/{id}');
    assert.equal(endpointKey({ method: 'GET', path: '/static/app.css' }), 'GET /static/app.css');
    assert.equal(endpointKey({ method: 'POST', path: '' }), 'POST /');
  });

  it('computes median, p95 and max per endpoint, slowest first', () => {
    assert.deepEqual(durationStats([5, 1, 3, 2, 4]), { count: 5, medianMs: 3, p95Ms: 5, maxMs: 5 });
    assert.equal(durationStats([1, 2, 3, 4]).medianMs, 2.5);
    assert.equal(
      percentile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        95,
      ),
      95,
    );
    const groups = groupByEndpoint([
      entry('/p/a', { path: '/fast', wallMs: 1 }),
      entry('/p/b', { path: '/slow/1', wallMs: 100 }),
      entry('/p/c', { path: '/slow/2', wallMs: 300 }),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.key, g.stats.count, g.stats.medianMs]),
      [
        ['GET /slow/{id}', 2, 200],
        ['GET /fast', 1, 1],
      ],
    );
  });
});

describe('endpoints from routes', () => {
  const flaskUser = { template: '/users/<int:id>', name: 'user', framework: 'flask' };

  it('names an endpoint by its route when the profile has one, by its folded path otherwise', () => {
    assert.equal(endpointKey({ method: 'GET', path: '/users/7', route: flaskUser }), 'GET /users/<int:id>');
    assert.equal(endpointKey({ method: 'GET', path: '/users/7' }), 'GET /users/{id}');
  });

  it('counts as failed the requests that raised or answered 5xx', () => {
    assert.equal(isFailedRequest({ status: 500, error: null }), true);
    assert.equal(isFailedRequest({ status: null, error: 'ValueError' }), true);
    assert.equal(isFailedRequest({ status: 200, error: 'BrokenPipeError' }), true);
    assert.equal(isFailedRequest({ status: 404, error: null }), false);
    assert.equal(isFailedRequest({ status: null, error: null }), false);
  });

  it('gives count, median, p95, max and errors of one endpoint', () => {
    const headers = [10, 20, 30, 40].map((wallMs, i) => ({ wallMs, status: i === 3 ? 503 : 200, error: null }));
    assert.deepEqual(endpointStats(headers), { count: 4, medianMs: 25, p95Ms: 40, maxMs: 40, errorCount: 1 });
  });

  it('groups by route, apart from guessed patterns and other frameworks that read the same', () => {
    const pyramidItem = { template: '/items/{id}', name: 'item', framework: 'pyramid' };
    const groups = groupByEndpoint([
      entry('/p/1', { path: '/users/1', wallMs: 10, route: flaskUser }),
      entry('/p/2', { path: '/users/2', wallMs: 30, route: flaskUser, status: 500 }),
      // A path the route's converter refused (a 404): no route, so its own guessed group.
      entry('/p/3', { path: '/users/x', wallMs: 1, status: 404 }),
      entry('/p/4', { path: '/items/5', wallMs: 5, route: pyramidItem }),
      entry('/p/5', { path: '/items/6', wallMs: 7 }),
      entry('/p/6', { path: '/items/7', wallMs: 9, route: { ...pyramidItem, framework: 'starlette' } }),
    ]);
    assert.deepEqual(
      groups.map((g) => [g.key, g.route?.framework ?? null, g.stats.count, g.stats.medianMs, g.stats.errorCount]),
      [
        ['GET /users/<int:id>', 'flask', 2, 20, 1],
        ['GET /items/{id}', 'starlette', 1, 9, 0],
        ['GET /items/{id}', null, 1, 7, 0],
        ['GET /items/{id}', 'pyramid', 1, 5, 0],
        ['GET /users/x', null, 1, 1, 0],
      ],
    );
    assert.equal(new Set(groups.map((g) => g.id)).size, groups.length, 'every group its own id');
    assert.deepEqual(groups[0].route, flaskUser);
  });
});

describe('format', () => {
  it('formats durations and ages', () => {
    assert.equal(formatMs(1.234), '1.23 ms');
    assert.equal(formatMs(123.4), '123 ms');
    assert.equal(formatMs(1534), '1.53 s');
    assert.equal(formatAge(1000, 1000 * 1000 + 1000 * 125), '2 min ago');
    assert.equal(formatAge(1000, 1000 * 1000), 'just now');
  });
});
