/**
 * Aggregate profiles (src/core/mergeProfiles.ts): real profiles merged give exactly what pstats'
 * Stats.add gives for the same data (test/fixtures/aggregate/pstats-merged.json, made by
 * scripts/make-aggregate-fixture.py through the middleware's own to-pstats), and what cannot
 * be merged soundly is refused with the reason.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatMs } from '../../src/core/format';
import { mergeProfiles, ProfileMerger, type MergeOptions } from '../../src/core/mergeProfiles';
import type { ProfileDocument, SampledStack } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import type { PstatsEntry } from '../fixtures/pstats/loadFixtures';
import { makeLargeProfileData } from '../support/makeLargeProfile.mjs';
import { makeHeader, profileText } from './profileSamples';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');

interface PstatsFunction extends PstatsEntry {
  callers: PstatsEntry[];
}

function fixture(name: string): ProfileDocument {
  return parseProfileDocument(readFileSync(join(FIXTURES, 'profiles', name), 'utf-8'));
}

function merged(documents: ProfileDocument[], options?: MergeOptions): ProfileDocument {
  const result = mergeProfiles(documents, options);
  if (!result.ok) return assert.fail(result.reason);
  return result.document;
}

const key = (f: { file: string; line: number; name: string }) => `${f.file}:${f.line}:${f.name}`;

function assertClose(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual}, pstats says ${expected}`);
}

describe('aggregate profiles', () => {
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'aggregate', 'pstats-merged.json'), 'utf-8')) as {
    sources: string[];
    functions: PstatsFunction[];
  };

  it('adds up real profiles exactly as pstats does, function by function and caller by caller', () => {
    const document = merged(expected.sources.map(fixture));
    const { functions, edges } = document.profile;
    assert.equal(functions.length, expected.functions.length);
    const byKey = new Map(functions.map((f, i) => [key(f), i]));
    for (const want of expected.functions) {
      const at = byKey.get(key(want));
      assert.ok(at !== undefined, `${key(want)} is in the aggregate`);
      const got = functions[at];
      for (const field of ['cc', 'nc', 'tt', 'ct'] as const) assertClose(got[field], want[field], `${key(want)} ${field}`);
      const callers = edges.filter((e) => e[1] === at);
      assert.equal(callers.length, want.callers.length, `${key(want)}: callers`);
      for (const caller of want.callers) {
        const edge = callers.find((e) => key(functions[e[0]]) === key(caller)) ?? assert.fail(`${key(caller)} → ${key(want)}`);
        assertClose(edge[2], caller.cc, `${key(caller)} → ${key(want)} cc`);
        assertClose(edge[3], caller.nc, `${key(caller)} → ${key(want)} nc`);
        assertClose(edge[4], caller.tt, `${key(caller)} → ${key(want)} tt`);
        assertClose(edge[5], caller.ct, `${key(caller)} → ${key(want)} ct`);
      }
    }
    assert.deepEqual(document.aggregate, { requests: 4, ids: expected.sources.map((s) => s.replace('.rprof.json', '')), skipped: 0 });
    assert.match(document.profile.notes[0], /^aggregate of 4 requests: every number is a sum over them; divide by 4 for the mean per request/);
  });

  it('sums the headers, keeps what all share and says what they do not', () => {
    const sources = expected.sources.map(fixture);
    const document = merged(sources);
    const wall = sources.reduce((sum, d) => sum + d.header.wallMs, 0);
    assertClose(document.header.wallMs, wall, 'wallMs');
    assert.equal(document.header.method, 'GET');
    assert.equal(document.header.path, `4 paths · 4 requests · mean ${formatMs(wall / 4)}`);
    assert.equal(merged(sources, { path: '/{page}' }).header.path, `/{page} · 4 requests · mean ${formatMs(wall / 4)}`);
    const one = sources[0];
    assert.equal(merged([one, one]).header.path, `${one.header.path} · 2 requests · mean ${formatMs(one.header.wallMs)}`);
    assert.equal(merged([one], { path: '/{page}' }).header.path, `/{page} · 1 request · mean ${formatMs(one.header.wallMs)}`);
    assert.equal(document.header.functionCount, document.profile.functions.length);
    assert.equal(document.header.error, '1 of 4 raised');
    assert.equal(document.version, 1);
  });

  it('leaves out requests served unprofiled, and counts them', () => {
    const unprofiled = readdirSync(join(FIXTURES, 'profiles')).find((n) => n.includes('-GET-api_users_8-')) ?? assert.fail('fixture');
    const document = merged([fixture(expected.sources[0]), fixture(unprofiled)]);
    assert.equal(document.aggregate?.requests, 1);
    assert.equal(document.aggregate?.skipped, 1);
    assert.ok(document.profile.notes.includes('1 request was served unprofiled and left out'));
    const none = mergeProfiles([fixture(unprofiled)]);
    assert.deepEqual(none, { ok: false, reason: 'None of the 1 requests was profiled: nothing to merge.' });
  });

  it('refuses to merge cProfile with sampled profiles', () => {
    const result = mergeProfiles([fixture(expected.sources[0]), sampled([[[0, 1], [1, 2], false, 0.01, 0.005, 10]])]);
    assert.equal(result.ok, false);
    assert.match(result.ok ? '' : result.reason, /cProfile and sampled profiles cannot be merged/);
  });

  it('merges one document at a time as all at once, each caller→callee pair once', () => {
    // Each profile has functions of its own (a different file per seed); the fourth repeats the first.
    const documents = [1, 2, 3, 1].map((seed) => {
      const document = JSON.parse(profileText(makeHeader({ id: `r${seed}` }))) as ProfileDocument;
      const data = makeLargeProfileData(700, 2800, seed);
      document.profile = { ...data, functions: data.functions.map((f) => ({ ...f, file: `/srv/app/seed${seed}.py` })), notes: [] };
      return document;
    });
    const merger = new ProfileMerger();
    for (const document of documents) merger.add(document);
    const result = merger.result();
    if (!result.ok) return assert.fail(result.reason);
    const { functions, edges } = result.document.profile;
    assert.equal(functions.length, 2100);
    // The fourth profile repeats the first: it adds to its edges, none new, each doubled.
    const pairCount = (document: ProfileDocument) => new Set(document.profile.edges.map((e) => `${e[0]}>${e[1]}`)).size;
    assert.equal(edges.length, pairCount(documents[0]) + pairCount(documents[1]) + pairCount(documents[2]));
    const pairs = new Set(edges.map((e) => `${e[0]}>${e[1]}`));
    assert.equal(pairs.size, edges.length, 'each caller→callee pair once');
    const calls = (list: readonly (readonly number[])[]) => list.reduce((sum, e) => sum + e[3], 0);
    assert.equal(calls(edges), calls(documents[0].profile.edges) * 2 + calls(documents[1].profile.edges) + calls(documents[2].profile.edges));
    assert.deepEqual(result.document, merged(documents));
  });

  it('sums sampled stacks by their functions, lines and awaiting', () => {
    const a = sampled([
      [[0, 1], [1, 2], false, 0.01, 0.005, 10],
      [[0], [1], false, 0.002, 0.002, 2],
    ]);
    const b = sampled([
      [[0, 1], [1, 2], false, 0.02, 0.01, 20],
      [[0, 1], [1, 2], true, 0.03, 0, 30],
    ]);
    const document = merged([a, b]);
    assert.equal(document.version, 2);
    assert.equal(document.header.engine, 'sample');
    assert.deepEqual(
      document.profile.stacks?.map((s) => [s[0], s[2], Math.round(s[3] * 1000), s[5]]),
      [
        [[0, 1], false, 30, 30],
        [[0, 1], true, 30, 30],
        [[0], false, 2, 2],
      ],
    );
    assert.equal(document.profile.sampling?.samples, 62);
    assert.equal(document.profile.sampling?.distinctStacks, 3);
  });
});

/** A small sampled profile (handler → len) with these stacks. */
function sampled(stacks: SampledStack[]): ProfileDocument {
  const document = JSON.parse(profileText(makeHeader({ engine: 'sample' }))) as ProfileDocument;
  document.version = 2;
  document.profile.engine = 'sample';
  document.profile.stacks = stacks;
  const samples = stacks.reduce((sum, s) => sum + s[5], 0);
  document.profile.sampling = {
    intervalMs: 1,
    samples,
    rateHz: 1000,
    maxGapMs: 1,
    sampledMs: samples,
    cpuMs: 1,
    unsampledTailMs: 0,
    unattributedMs: 0,
    overflowMs: 0,
    distinctStacks: stacks.length,
  };
  return document;
}
