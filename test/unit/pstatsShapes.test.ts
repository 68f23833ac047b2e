import * as assert from 'node:assert/strict';
import { PstatsReadError } from '../../src/core/pstats/pstatsReadError';
import { MISSING_CALLER_NOTE, PLAIN_COUNT_NOTE, PSTATS_NOTE, readPstats, UNKNOWN_COUNT_NOTE } from '../../src/core/pstats/readPstats';

/**
 * A test-only marshal writer for shapes CPython's dicts cannot hold (repeated keys) or that
 * only hostile files have. Python values: numbers (int32 as 'i', others as 'g'), strings,
 * None, booleans, arrays (tuples) and Dict (pairs in order).
 */
class Dict {
  constructor(readonly pairs: [Value, Value][]) {}
}
type Value = number | string | null | boolean | Value[] | Dict;

function encode(value: Value, out: number[] = []): number[] {
  const int32 = (v: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    out.push(...b);
  };
  if (value === null) out.push(0x4e);
  else if (value === true) out.push(0x54);
  else if (value === false) out.push(0x46);
  else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 2 ** 31) {
    out.push(0x69);
    int32(value);
  } else if (typeof value === 'number') {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    out.push(0x67, ...b);
  } else if (typeof value === 'string') {
    const utf8 = new TextEncoder().encode(value);
    out.push(0x75);
    int32(utf8.length);
    out.push(...utf8);
  } else if (Array.isArray(value)) {
    out.push(0x29, value.length);
    for (const item of value) encode(item, out);
  } else {
    out.push(0x7b);
    for (const [k, v] of value.pairs) encode(v, encode(k, out));
    out.push(0x30);
  }
  return out;
}

const read = (value: Value) => readPstats(Uint8Array.from(encode(value)));

function rejects(value: Value, message: RegExp): void {
  assert.throws(
    () => read(value),
    (error: unknown) => error instanceof PstatsReadError && message.test(error.message),
  );
}

const f = ['app.py', 10, 'f'];
const g = ['app.py', 20, 'g'];
const h = ['lib.py', 5, 'h'];

describe('readPstats: the shapes pstats files take', () => {
  it('swaps the callers tuple (nc, cc, tt, ct) into the edge order [cc, nc, tt, ct]', () => {
    const data = read(
      new Dict([
        [f, [3, 5, 0.25, 0.5, new Dict([[g, [5, 3, 0.25, 0.5]]])]],
        [g, [1, 1, 0.5, 1.0, new Dict([])]],
      ]),
    );
    assert.deepEqual(
      data.functions.map((fn) => [fn.name, fn.cc, fn.nc, fn.tt, fn.ct]),
      [
        ['f', 3, 5, 0.25, 0.5],
        ['g', 1, 1, 0.5, 1.0],
      ],
    );
    assert.deepEqual(data.edges, [[1, 0, 3, 5, 0.25, 0.5]]);
    assert.deepEqual(data.notes, [PSTATS_NOTE]);
  });

  it('adds callers that have no entry of their own, with zero numbers, and says so', () => {
    const data = read(new Dict([[f, [1, 1, 0.5, 0.5, new Dict([[h, [1, 1, 0.5, 0.5]]])]]]));
    assert.deepEqual(data.functions[1], { file: 'lib.py', line: 5, name: 'h', qualname: null, cc: 0, nc: 0, tt: 0, ct: 0 });
    assert.deepEqual(data.edges, [[1, 0, 1, 1, 0.5, 0.5]]);
    assert.deepEqual(data.notes, [PSTATS_NOTE, MISSING_CALLER_NOTE.replace('%d', '1')]);
  });

  it('keeps the first position and the last value of a repeated key, as a Python dict does', () => {
    const data = read(
      new Dict([
        [f, [1, 1, 0.1, 0.1, new Dict([])]],
        [
          g,
          [
            1,
            1,
            0.2,
            0.2,
            new Dict([
              [f, [1, 1, 0.2, 0.2]],
              [f, [2, 2, 0.3, 0.3]],
            ]),
          ],
        ],
        [f, [4, 4, 0.4, 0.4, new Dict([])]],
      ]),
    );
    assert.deepEqual(
      data.functions.map((fn) => [fn.name, fn.nc]),
      [
        ['f', 4],
        ['g', 1],
      ],
    );
    assert.deepEqual(data.edges, [[0, 1, 2, 2, 0.3, 0.3]]);
  });

  it("shares the profile module's plain call counts out in proportion", () => {
    const data = read(
      new Dict([
        [f, [1, 1, 0, 0.1, new Dict([])]],
        [g, [1, 1, 0, 0.1, new Dict([])]],
        [
          h,
          [
            4,
            4,
            0.2,
            0.8,
            new Dict([
              [f, 1],
              [g, 3],
            ]),
          ],
        ],
      ]),
    );
    assert.deepEqual(data.edges, [
      [0, 2, 1, 1, 0.05, 0.2],
      [1, 2, 3, 3, 0.15000000000000002, 0.6000000000000001],
    ]);
    assert.deepEqual(data.notes, [PSTATS_NOTE, PLAIN_COUNT_NOTE.replace('%d', '2')]);
  });

  it("shares evenly when the callee's count is unknown (-1), and notes unknown counts", () => {
    const data = read(
      new Dict([
        [f, [-1, -1, 0, 0.2, new Dict([])]],
        [g, [-1, -1, 0, 0.2, new Dict([])]],
        [
          h,
          [
            -1,
            -1,
            0.4,
            0.8,
            new Dict([
              [f, -1],
              [g, -1],
            ]),
          ],
        ],
      ]),
    );
    assert.deepEqual(data.edges, [
      [0, 2, -1, -1, 0.2, 0.4],
      [1, 2, -1, -1, 0.2, 0.4],
    ]);
    assert.ok(data.notes.includes(UNKNOWN_COUNT_NOTE));
  });

  it('accepts an empty profile', () => {
    assert.deepEqual(read(new Dict([])), { functions: [], edges: [], notes: [PSTATS_NOTE] });
  });
});

describe('readPstats: refusals name what is wrong', () => {
  const cases: [string, Value, RegExp][] = [
    ['a top level that is not a dict', [1, 2], /Not a pstats file: it holds a tuple of 2 items, not a dict of functions/],
    [
      'a key that is not (file, line, name)',
      new Dict([
        [
          ['app.py', 1],
          [1, 1, 0, 0, new Dict([])],
        ],
      ]),
      /a function key is a tuple of 2 items/,
    ],
    [
      'a line that is not an integer',
      new Dict([
        [
          ['app.py', 1.5, 'f'],
          [1, 1, 0, 0, new Dict([])],
        ],
      ]),
      /not \(file, line, name\)/,
    ],
    ['an entry of four numbers', new Dict([[f, [1, 1, 0, 0]]]), /The entry of app\.py:10\(f\) holds a tuple of 4 items/],
    ['a count that is a string', new Dict([[f, ['1', 1, 0, 0, new Dict([])]]]), /numbers of app\.py:10\(f\) are not all numbers/],
    ['a count that is a boolean', new Dict([[f, [true, 1, 0, 0, new Dict([])]]]), /not all numbers/],
    ['callers that are not a dict', new Dict([[f, [1, 1, 0, 0, null]]]), /callers of app\.py:10\(f\) are None, not a dict/],
    ['a caller value of three numbers', new Dict([[f, [1, 1, 0, 0, new Dict([[g, [1, 1, 0]]])]]]), /caller entry of app\.py:10\(f\) holds a tuple of 3 items/],
    ['a caller key that is a string', new Dict([[f, [1, 1, 0, 0, new Dict([['g', [1, 1, 0, 0]]])]]]), /a caller key of app\.py:10\(f\) is a string/],
  ];
  for (const [name, value, message] of cases) {
    it(`refuses ${name}`, () => rejects(value, message));
  }
});
