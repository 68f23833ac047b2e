/**
 * Digests (src/core/profileDigest.ts) and the numbering of pairs under them
 * (src/core/pairNumbering.ts): profiles digested by several digesters and added in their
 * order give the aggregate that adding the documents gives, first-known qualnames included,
 * and pairs are numbered in the order first seen, however large the table grows.
 */
import * as assert from 'node:assert/strict';
import { DigestSource, mergeProfiles, ProfileMerger } from '../../src/core/mergeProfiles';
import { PairNumbering } from '../../src/core/pairNumbering';
import { ProfileDigester } from '../../src/core/profileDigest';
import type { ProfileDocument, ProfiledFunction } from '../../src/core/profileFormat';
import { makeLargeProfileData } from '../support/makeLargeProfile.mjs';
import { makeHeader, profileText } from './profileSamples';

function documentWith(functions: ProfiledFunction[], edges: ProfileDocument['profile']['edges']): ProfileDocument {
  const document = JSON.parse(profileText(makeHeader())) as ProfileDocument;
  document.profile = { functions, edges, notes: [] };
  return document;
}

const fn = (file: string, line: number, name: string, qualname: string | null, tt: number): ProfiledFunction => ({
  file,
  line,
  name,
  qualname,
  cc: 1,
  nc: 1,
  tt,
  ct: tt * 2,
});

describe('profile digests', () => {
  it('merged from two digesters in turn give what adding the documents gives', () => {
    // One name and line in two files (two functions), listed in either order; qualnames known late, and differing.
    const documents = [
      documentWith([fn('/a.py', 1, 'f', null, 0.1), fn('/b.py', 1, 'f', null, 0.2)], [[0, 1, 1, 1, 0.1, 0.2]]),
      documentWith([fn('/b.py', 1, 'f', 'B.f', 0.3), fn('/a.py', 1, 'f', null, 0.4)], [[1, 0, 2, 2, 0.3, 0.4]]),
      documentWith(
        [fn('/a.py', 1, 'f', 'A.f', 0.5), fn('/b.py', 1, 'f', 'other', 0.6), fn('/c.py', 9, 'g', null, 0.7)],
        [
          [0, 1, 1, 1, 0.5, 0.6],
          [2, 0, 1, 1, 0.1, 0.1],
        ],
      ),
      documentWith([fn('/a.py', 1, 'f', 'late', 0.8)], []),
    ];
    const digesters = [new ProfileDigester(), new ProfileDigester()];
    const sources = [new DigestSource(), new DigestSource()];
    const merger = new ProfileMerger();
    // Digester 0 gets the first and third, digester 1 the second and fourth: each in the merge's order.
    documents.forEach((document, i) => merger.addDigest(sources[i % 2], digesters[i % 2].digest(document)));
    const result = merger.result();
    assert.deepStrictEqual(result, mergeProfiles(documents));
    if (!result.ok) return assert.fail(result.reason);
    assert.deepEqual(
      result.document.profile.functions.map((f) => [f.file, f.qualname]),
      [
        ['/a.py', 'A.f'],
        ['/b.py', 'B.f'],
        ['/c.py', null],
      ],
    );
    assert.deepEqual(
      result.document.profile.edges.map((e) => e.slice(0, 4)),
      [
        [0, 1, 4, 4],
        [2, 0, 1, 1],
      ],
    );
  });

  it('send each function’s name once per digester, and each pair once', () => {
    const digester = new ProfileDigester();
    const data = makeLargeProfileData(300, 1200, 7);
    const document = documentWith(data.functions, data.edges);
    const first = digester.digest(document);
    const again = digester.digest(document);
    assert.equal(first.newFunctions.length, new Set(data.functions.map((f) => `${f.file}:${f.line}:${f.name}`)).size);
    assert.equal(first.newEdges.length / 2, new Set(data.edges.map((e) => `${e[0]}>${e[1]}`)).size);
    assert.deepEqual([again.newFunctions.length, again.newEdges.length, again.qualnames.length], [0, 0, 0]);
    assert.deepEqual(again.functionIds, first.functionIds);
    assert.deepEqual(again.edgeIds, first.edgeIds);
  });
});

describe('PairNumbering', () => {
  it('numbers pairs in the order first seen, as a Map of their keys would, through many growths', () => {
    const numbering = new PairNumbering(4);
    const reference = new Map<string, number>();
    let seed = 12345;
    const random = (limit: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % limit;
    };
    for (let i = 0; i < 50_000; i++) {
      // Small numbers (neighbours collide most), large ones and the largest.
      const first = i % 3 === 0 ? random(50) : i % 3 === 1 ? random(2 ** 31 - 1) : 2 ** 31 - 1 - random(3);
      const second = random(i % 2 ? 40 : 70_000);
      const key = `${first},${second}`;
      if (!reference.has(key)) reference.set(key, reference.size);
      assert.equal(numbering.numberOf(first, second), reference.get(key), key);
    }
    assert.equal(numbering.size, reference.size);
  });
});
