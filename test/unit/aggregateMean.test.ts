/**
 * An aggregate as the mean request (src/core/aggregateMean.ts), on real profiles: the mean of
 * three copies of one request is that request, number for number, so comparing them finds no
 * change; the mean of two requests is half their sum; and the words the views show.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aggregateDescription, aggregateEndpoint, perRequestMean } from '../../src/core/aggregateMean';
import { compareProfiles } from '../../src/core/compareProfiles';
import { mergeProfiles } from '../../src/core/mergeProfiles';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { documentTitle } from '../../src/core/profileTitle';

const PROFILES = resolve(__dirname, '../../../test/fixtures/profiles');
const ROOT = '20261125T172809.682426-GET-root-16235-00019f00.rprof.json';
const SLOW = '20261125T172809.698446-GET-slow-16235-0002f2a1.rprof.json';

function fixture(name: string): ProfileDocument {
  return parseProfileDocument(readFileSync(join(PROFILES, name), 'utf-8'));
}

function merged(documents: ProfileDocument[], path?: string): ProfileDocument {
  const result = mergeProfiles(documents, path === undefined ? {} : { path });
  if (!result.ok) return assert.fail(result.reason);
  return result.document;
}

const close = (x: number, y: number) => Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(x), Math.abs(y));

describe('perRequestMean', () => {
  it('makes the aggregate of three copies of a request that request again, number for number', () => {
    const root = fixture(ROOT);
    const aggregate = merged([root, fixture(ROOT), fixture(ROOT)]);
    const mean = perRequestMean(aggregate);
    assert.equal(mean.profile.functions.length, root.profile.functions.length);
    mean.profile.functions.forEach((fn, i) => {
      const own = root.profile.functions[i];
      assert.equal(`${fn.file}:${fn.line}:${fn.name}`, `${own.file}:${own.line}:${own.name}`);
      for (const key of ['cc', 'nc', 'tt', 'ct'] as const) assert.ok(close(fn[key], own[key]), `${fn.name}.${key}: ${fn[key]} against ${own[key]}`);
    });
    mean.profile.edges.forEach((edge, i) => edge.forEach((value, j) => assert.ok(close(value, root.profile.edges[i][j]), `edge ${i}[${j}]`)));
    assert.ok(close(mean.header.wallMs, root.header.wallMs));
    assert.ok(close(buildProfileModel(mean.profile, mean.paths).totalTime, buildProfileModel(root.profile, root.paths).totalTime));
    const comparison = compareProfiles(mean, root);
    assert.ok(Math.abs(comparison.difference) < 1e-12, `difference ${comparison.difference}`);
    // (a + a + a) / 3 is a to the last bit or two: no function changed by more than float noise.
    assert.ok(Math.abs(comparison.functions[0].ownChange) < 1e-12, comparison.summary);
  });

  it('divides every sum by the number of requests, and says so', () => {
    const root = fixture(ROOT);
    const slow = fixture(SLOW);
    const aggregate = merged([root, slow], '/things');
    const mean = perRequestMean(aggregate);
    const byKey = (d: ProfileDocument) => new Map(d.profile.functions.map((fn) => [`${fn.file}\0${fn.line}\0${fn.name}`, fn]));
    const sums = byKey(aggregate);
    for (const [key, fn] of byKey(mean)) {
      const sum = sums.get(key)!;
      assert.ok(close(fn.tt * 2, sum.tt) && close(fn.ct * 2, sum.ct) && close(fn.nc * 2, sum.nc), key);
    }
    assert.ok(close(mean.header.wallMs, (root.header.wallMs + slow.header.wallMs) / 2));
    assert.equal(mean.header.path, '/things · mean of 2 requests');
    assert.deepEqual(mean.aggregate, { ...aggregate.aggregate, mean: true });
    assert.match(mean.profile.notes[0], /^mean of 2 requests: every number is the aggregate's sum divided by 2/);
    assert.ok(!mean.profile.notes.some((note) => note.startsWith('aggregate of')), 'the note that numbers are sums is gone');
    // The aggregate itself is left as it was.
    assert.match(aggregate.header.path, /^\/things · 2 requests · mean /);
    assert.equal(aggregate.aggregate?.mean, undefined);
  });

  it('divides sampled stacks and the sampling sums', () => {
    const aggregate = merged([fixture(ROOT), fixture(ROOT)]);
    aggregate.profile.stacks = [[[0], [1], false, 0.5, 0.25, 10]];
    aggregate.profile.sampling = {
      intervalMs: 1,
      samples: 10,
      rateHz: 900,
      maxGapMs: 3,
      sampledMs: 12,
      cpuMs: null,
      unsampledTailMs: 2,
      unattributedMs: 4,
      overflowMs: 0,
      distinctStacks: 1,
    };
    const mean = perRequestMean(aggregate);
    assert.deepEqual(mean.profile.stacks, [[[0], [1], false, 0.25, 0.125, 5]]);
    assert.deepEqual(mean.profile.sampling, { ...aggregate.profile.sampling, samples: 5, sampledMs: 6, unsampledTailMs: 1, unattributedMs: 2 });
  });

  it('refuses a request of its own, and a mean already divided', () => {
    assert.throws(() => perRequestMean(fixture(ROOT)), /not an aggregate/);
    const mean = perRequestMean(merged([fixture(ROOT)]));
    assert.throws(() => perRequestMean(mean), /already a per-request mean/);
  });
});

describe('aggregateDescription', () => {
  it('names the requests merged and the endpoint, without the header path’s count and mean', () => {
    const aggregate = merged([fixture(ROOT), fixture(SLOW)], '/api/users/{id}');
    assert.equal(aggregateEndpoint(aggregate.header), 'GET /api/users/{id}');
    assert.equal(aggregateDescription(aggregate), 'Aggregate of 2 requests to GET /api/users/{id}');
    assert.equal(aggregateDescription(perRequestMean(aggregate)), 'Mean of 2 requests to GET /api/users/{id}');
    assert.equal(aggregateDescription(fixture(ROOT)), undefined);
    assert.equal(aggregateEndpoint({ method: '*', path: '3 paths · 3 requests · mean 1 ms' }), '3 paths');
  });

  it("titles an aggregate's editor tab with it, and a request's with the request", () => {
    const aggregate = merged([fixture(ROOT), fixture(SLOW)], '/api/users/{id}');
    assert.equal(documentTitle(aggregate, '/storage/aggregate-x.rprof.json'), 'Aggregate of 2 requests to GET /api/users/{id}');
    assert.equal(documentTitle(fixture(SLOW), '/p/x.rprof.json'), 'GET /slow');
  });
});
