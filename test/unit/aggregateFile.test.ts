/**
 * "Open Aggregate Profile"'s pure parts: which files a panel selection merges
 * (src/core/aggregateSelection.ts), and the aggregate as a file (src/core/aggregateFile.ts):
 * laid out as the middleware writes profiles, named by time, the oldest pruned.
 */
import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { aggregateFileName, aggregatesToPrune, profileFileChunks, profileFileText } from '../../src/core/aggregateFile';
import { aggregateSelection, chosenSources, type AggregateSource } from '../../src/core/aggregateSelection';
import { mergeProfiles } from '../../src/core/mergeProfiles';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { groupByEndpoint, groupIntoBursts } from '../../src/core/profileGroups';
import type { ReadableEntry } from '../../src/core/profileIndex';
import { parseProfileDocument, parseProfileHeader } from '../../src/core/profileHeader';
import { makeHeader } from './profileSamples';

const PROFILES = resolve(__dirname, '../../../test/fixtures/profiles');

function fixture(part: string): ProfileDocument {
  const name = readdirSync(PROFILES).find((n) => n.includes(part) && n.endsWith('.rprof.json')) ?? assert.fail(part);
  return parseProfileDocument(readFileSync(join(PROFILES, name), 'utf-8'));
}

function aggregateOf(parts: string[]): ProfileDocument {
  const result = mergeProfiles(parts.map(fixture));
  return result.ok ? result.document : assert.fail(result.reason);
}

function entry(file: string, overrides = {}): ReadableEntry {
  return { file, directory: '/p', mtimeMs: 1, size: 10, format: 'request-profiler', header: makeHeader(overrides) };
}

describe('aggregate profile files', () => {
  it('are laid out as the middleware writes a profile: the listing header alone on line 1', () => {
    const document = aggregateOf(['-GET-api_users_7-', '-GET-root-', '-GET-slow-', '-GET-api_users_8-']);
    const text = profileFileText(document);
    const [first, ...rest] = text.split('\n');
    assert.ok(first.startsWith('{"format":"request-profiler","version":1,"header":{'), first.slice(0, 60));
    assert.ok(first.endsWith('},'));
    assert.deepEqual(parseProfileHeader(`${first}\n`), parseProfileHeader(text));
    assert.equal(parseProfileHeader(`${first}\n`).path, document.header.path);
    // One top-level key per line, the bulk (profile) last, and the whole a JSON document that reads back equal.
    assert.deepEqual(
      rest.filter((line) => line.startsWith('"')).map((line) => line.slice(1, line.indexOf('"', 1))),
      ['request', 'response', 'environ', 'error', 'python', 'paths', 'aggregate', 'profile'],
    );
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(document)));
    assert.deepEqual(parseProfileDocument(text).aggregate, { requests: 3, ids: document.aggregate?.ids, skipped: 1 });
  });

  it('come in pieces of a bounded number of items that make the same text', () => {
    const document = aggregateOf(['-GET-api_users_7-', '-GET-root-', '-GET-slow-']);
    const { functions, edges } = document.profile;
    assert.ok(functions.length > 20 && edges.length > 20);
    const chunks = [...profileFileChunks(document, 7)];
    assert.equal(chunks.join(''), profileFileText(document));
    assert.deepEqual(JSON.parse(chunks.join('')), JSON.parse(JSON.stringify(document)));
    // No piece holds more than 7 functions or edges (the header line and the small keys aside).
    const listPieces = chunks.filter((c) => c.startsWith('{"file"') || c.startsWith(',{"file"') || /^,?\[\d/.test(c));
    assert.ok(listPieces.length >= Math.ceil(functions.length / 7) + Math.ceil(edges.length / 7));
    for (const piece of listPieces) assert.ok((piece.match(/\{"file"|\[\d+,\d+,/g) ?? []).length <= 7, piece.slice(0, 80));
  });

  it('are named by the time they were made, what they merge and how many', () => {
    const document = aggregateOf(['-GET-api_users_7-', '-GET-root-']);
    const name = aggregateFileName(document, new Date(Date.UTC(2026, 11, 7, 3, 31, 45, 123)));
    assert.equal(name, 'aggregate-20261207T033145.123-GET_2_paths-2.rprof.json');
    const one = aggregateOf(['-GET-slow-', '-GET-slow-']);
    assert.equal(aggregateFileName(one, new Date(Date.UTC(2026, 0, 2))), 'aggregate-20260102T000000.000-GET_slow-2.rprof.json');
  });

  it('are pruned oldest first down to the number kept, leaving other files alone', () => {
    const names = [
      'aggregate-20261207T000003.000-GET_a-2.rprof.json',
      'notes.txt',
      'aggregate-20261207T000001.000-GET_a-2.rprof.json',
      '.aggregate-20261207T000004.000-GET_a-2.rprof.json.1.tmp',
      'aggregate-20261207T000002.000-GET_a-2.rprof.json',
      '20261125T172809.655305-GET-api_users_7-16235-00008c16.rprof.json',
    ];
    assert.deepEqual(aggregatesToPrune(names, 1), ['aggregate-20261207T000001.000-GET_a-2.rprof.json', 'aggregate-20261207T000002.000-GET_a-2.rprof.json']);
    assert.deepEqual(aggregatesToPrune(names, 3), []);
    assert.deepEqual(aggregatesToPrune(names, 0).length, 3);
  });
});

describe('what an aggregate merges', () => {
  const a7 = entry('/p/a7', { path: '/api/users/7', start: 100 });
  const a8 = entry('/p/a8', { path: '/api/users/8', start: 101 });
  const root = entry('/p/root', { path: '/', start: 500 });

  it('an endpoint: its profiles, and its pattern for the header', () => {
    const [group] = groupByEndpoint([a7, a8, root]).filter((g) => g.key === 'GET /api/users/{id}');
    assert.deepEqual(aggregateSelection([{ kind: 'endpoint', group }]), { files: ['/p/a7', '/p/a8'], endpointPath: '/api/users/{id}' });
  });

  it('a burst or a mixed selection: each file once, no pattern when the endpoints differ', () => {
    const bursts = groupIntoBursts([root, a8, a7], 60);
    assert.deepEqual(
      bursts.map((b) => b.entries.length),
      [1, 2],
    );
    const sources: AggregateSource[] = [
      { kind: 'burst', burst: bursts[1] },
      { kind: 'profile', entry: a8 },
      { kind: 'profile', entry: root },
      { kind: 'unreadable', entry: { file: '/p/broken', directory: '/p', mtimeMs: 1, size: 3, format: 'request-profiler', error: 'Truncated' } },
    ];
    assert.deepEqual(aggregateSelection(sources), { files: ['/p/a8', '/p/a7', '/p/root', '/p/broken'] });
  });

  it('a context-menu click: the selection when the clicked row is in it, else the clicked row alone', () => {
    assert.deepEqual(chosenSources('b', ['a', 'b']), ['a', 'b']);
    assert.deepEqual(chosenSources('c', ['a', 'b']), ['c']);
    assert.deepEqual(chosenSources('c', undefined), ['c']);
    assert.deepEqual(chosenSources(undefined, undefined), []);
  });
});
