import * as assert from 'node:assert/strict';
import type { ProfiledEdge } from '../../src/core/profileFormat';
import { PstatsReadError } from '../../src/core/pstats/pstatsReadError';
import { PLAIN_COUNT_NOTE, PSTATS_NOTE, readPstats, UNKNOWN_COUNT_NOTE } from '../../src/core/pstats/readPstats';
import { loadPstatsFixtures, type ExpectedNumbers } from '../fixtures/pstats/loadFixtures';

const fixtures = loadPstatsFixtures();
const readable = fixtures.filter((f): f is typeof f & { expected: ExpectedNumbers } => f.expected !== undefined);

/** The edges pstats' caller tuples stand for: (nc, cc, tt, ct) becomes [caller, callee, cc, nc, tt, ct]. */
function tupleEdges(expected: ExpectedNumbers): ProfiledEdge[] {
  return expected.functions.flatMap((f, callee) =>
    f.callers.map(([caller, value]): ProfiledEdge => {
      assert.ok(Array.isArray(value), 'a plain-count fixture has no tuple edges');
      const [nc, cc, tt, ct] = value;
      return [caller, callee, cc, nc, tt, ct];
    }),
  );
}

describe('pstats fixtures', () => {
  it('cover every pyenv Python from 3.8 to 3.13, the profile module and Werkzeug', () => {
    const names = fixtures.map((f) => f.name);
    for (const minor of [8, 9, 10, 11, 12, 13]) assert.ok(names.includes(`cprofile-py3.${minor}.prof`), `3.${minor} missing`);
    assert.ok(names.some((n) => /^profile-py3\.\d+\.prof$/.test(n)));
    assert.ok(names.filter((n) => n.startsWith('werkzeug/')).length >= 3);
    assert.ok(readable.length >= 10);
  });

  it('hold recursion, a decorated function, non-ASCII, undecodable and long names', () => {
    for (const { name, expected } of readable.filter((f) => /^cprofile-py/.test(f.name))) {
      const functions = expected.functions;
      const fib = functions.find((f) => f.name === 'fib');
      assert.ok(fib && fib.nc > fib.cc, `${name}: fib is recursive`);
      const slug = functions.find((f) => f.name === 'slug' && f.file.endsWith('main.py'));
      const normalise = functions.find((f) => f.name === 'normalise');
      assert.ok(slug && normalise && normalise.callers.length >= 2, `${name}: normalise has several callers`);
      assert.ok(
        functions.some((f) => f.name === 'grüße' && f.file.endsWith('données.py')),
        `${name}: non-ASCII`,
      );
      assert.ok(
        functions.some((f) => f.file.includes('\udcff')),
        `${name}: undecodable file name`,
      );
      assert.ok(
        functions.some((f) => f.file.length >= 256),
        `${name}: long path`,
      );
      assert.ok(
        functions.some((f) => f.name.length >= 256),
        `${name}: long name`,
      );
    }
  });

  for (const { name, bytes, expected } of readable) {
    describe(name, () => {
      const data = readPstats(bytes);

      it("has pstats' functions, in the file's order, with its exact numbers", () => {
        assert.deepEqual(
          data.functions,
          expected.functions.map(({ file, line, name: fn, cc, nc, tt, ct }) => ({ file, line, name: fn, qualname: null, cc, nc, tt, ct })),
        );
      });

      it('adds up to the totals pstats prints (calls, primitive calls, seconds)', () => {
        assert.equal(
          data.functions.reduce((sum, f) => sum + f.nc, 0),
          expected.totalCalls,
        );
        assert.equal(
          data.functions.reduce((sum, f) => sum + f.cc, 0),
          expected.primitiveCalls,
        );
        assert.equal(
          data.functions.reduce((sum, f) => sum + f.tt, 0),
          expected.totalTime,
        );
      });

      const plainCounts = expected.functions.some((f) => f.callers.some(([, value]) => typeof value === 'number'));
      if (!plainCounts) {
        it("has one edge per caller entry, with cc and nc swapped back from pstats' (nc, cc, tt, ct)", () => {
          assert.deepEqual(data.edges, tupleEdges(expected));
          assert.deepEqual(data.notes, expected.functions.some((f) => f.nc === -1) ? [PSTATS_NOTE, UNKNOWN_COUNT_NOTE] : [PSTATS_NOTE]);
        });
      } else {
        it("shares each callee's times among its callers by their call counts", () => {
          const entries = expected.functions.flatMap((f, callee) => f.callers.map(([caller, count]) => ({ caller, callee, count })));
          assert.equal(data.edges.length, entries.length);
          data.edges.forEach(([caller, callee, cc, nc], i) => {
            assert.deepEqual([caller, callee, cc, nc], [entries[i].caller, entries[i].callee, entries[i].count, entries[i].count]);
          });
          expected.functions.forEach((f, callee) => {
            const incoming = data.edges.filter((e) => e[1] === callee);
            const counted = f.callers.reduce((sum, [, count]) => sum + (count as number), 0);
            if (incoming.length === 0 || counted !== f.nc) return;
            const ct = incoming.reduce((sum, e) => sum + e[5], 0);
            assert.ok(Math.abs(ct - f.ct) <= 1e-12 * Math.max(1, f.ct), `${f.name}: ${ct} != ${f.ct}`);
          });
          assert.match(data.notes.join('\n'), /only call counts for \d+ caller entries/);
          assert.equal(data.notes[1], PLAIN_COUNT_NOTE.replace('%d', String(entries.length)));
        });
      }
    });
  }

  it("reads counts past 2**32 (marshal 'l') exactly", () => {
    const large = readable.find((f) => f.name === 'large-counts.prof');
    assert.ok(large);
    const data = readPstats(large.bytes);
    assert.ok(data.functions.some((f) => f.nc > 2 ** 45));
    assert.ok(data.functions.every((f) => f.nc % 2 ** 40 === 0));
  });

  it('refuses the code object that "python -m profile -o" writes, naming it', () => {
    const cli = fixtures.find((f) => f.name.startsWith('profile-cli-'));
    assert.ok(cli && cli.expected === undefined);
    assert.throws(
      () => readPstats(cli.bytes),
      (error: unknown) => error instanceof PstatsReadError && /code object/.test(error.message),
    );
  });
});
