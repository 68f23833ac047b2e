import * as assert from 'node:assert/strict';
import { MarshalDict, MAX_NESTING, readMarshal } from '../../src/core/pstats/marshalReader';
import { PstatsReadError } from '../../src/core/pstats/pstatsReadError';

/** Bytes from hex; the hex strings below are CPython 3.11's marshal.dumps of the expression named. */
function hex(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  return Uint8Array.from(clean.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) out.push(...part);
  return Uint8Array.from(out);
}

function int32(value: number): number[] {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, value, true);
  return [...bytes];
}

const code = (c: string): number => c.charCodeAt(0);

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(
    () => readMarshal(bytes),
    (error: unknown) => {
      assert.ok(error instanceof PstatsReadError, `expected a PstatsReadError, got ${String(error)}`);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe('readMarshal: what CPython writes', () => {
  it('reads ints, floats and singletons', () => {
    // (0, 1, -1, 2**31-1, -2**31, 1.5, -0.0, float('inf'), None, True, False)
    const value = readMarshal(hex('a90be900000000e901000000e9ffffffffe9ffffff7fe900000080e7000000000000f83fe7000000000000008067000000000000f07f4e5446'));
    assert.deepEqual(value, [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 1.5, -0, Infinity, null, true, false]);
    assert.ok(Object.is((value as number[])[6], -0));
  });

  it("reads arbitrary-size ints ('l'), rounding like float(int) past 2**53", () => {
    // (2**31, -2**31-1, 2**40, -(2**45), 2**45, 2**53+1, 2**64-1, -(2**100))
    const value = readMarshal(
      hex(
        'a908ec03000000000000000200ecfdffffff010000000200ec03000000000000000004ecfcffffff0000000000000100ec040000000000000000000100' +
          'ec040000000100000000000001ec05000000ff7fff7fff7fff7f0f006cf9ffffff0000000000000000000000000004',
      ),
    );
    assert.deepEqual(value, [2 ** 31, -(2 ** 31) - 1, 2 ** 40, -(2 ** 45), 2 ** 45, 2 ** 53, 2 ** 64, -(2 ** 100)]);
  });

  it('reads short, long, non-ASCII and surrogate-holding strings', () => {
    // ('', 'abc', 'é', 'grüße', '\U0001F600', 'x'*300, 'a\udcffb')
    const value = readMarshal(
      hex('a907da00da03616263f502000000c3a9f5070000006772c3bcc39f65f504000000f09f9880c12c010000' + '78'.repeat(300) + 'f50500000061edb3bf62'),
    );
    assert.deepEqual(value, ['', 'abc', 'é', 'grüße', '\u{1F600}', 'x'.repeat(300), 'a\udcffb']);
  });

  it('resolves back-references to strings and to containers', () => {
    // ('same', 'same', ('t',)): the outer tuple takes slot 0 before its items, 'same' slot 1
    assert.deepEqual(readMarshal(hex('a903da0473616d657201000000a901da0174')), ['same', 'same', ['t']]);
    // {('key', 1): (k, k)} with k the same key tuple: both items refer to slot 1
    const dict = readMarshal(hex('fba902da036b6579e90100000029027201000000720100000030'));
    assert.ok(dict instanceof MarshalDict);
    const [[key, value]] = dict.entries;
    assert.deepEqual(key, ['key', 1]);
    assert.deepEqual(value, [key, key]);
    assert.equal((value as unknown[])[0], key);
  });

  it("reads tuples of 256 items and more ('(' with a 32-bit size)", () => {
    const items = Array.from({ length: 300 }, (_, i) => i);
    const bytes = concat([code('(')], int32(300), ...items.map((i) => [code('i'), ...int32(i)]));
    assert.deepEqual(readMarshal(bytes), items);
  });

  it("reads ASCII strings' bytes above 0x7f as Latin-1, as CPython does", () => {
    assert.equal(readMarshal(Uint8Array.from([code('z'), 2, 0x41, 0xe9])), 'A\u00e9');
  });

  it('ignores FLAG_REF on None, True and False, as CPython does', () => {
    // (None with the flag, 'x' with the flag, r 1): 'x' is slot 1 because None took no slot
    const bytes = concat([code(')') | 0x80, 3, code('N') | 0x80, code('z') | 0x80, 1, code('x'), code('r')], int32(1));
    assert.deepEqual(readMarshal(bytes), [null, 'x', 'x']);
  });
});

describe('readMarshal: refusals', () => {
  it('says an empty file is truncated', () => {
    rejects(new Uint8Array(0), /Truncated.*empty/);
  });

  it('names unsupported type codes and their offset', () => {
    rejects(Uint8Array.from([code('[') | 0x80, 0, 0, 0, 0]), /Unsupported marshal type code '\[' \(a list\).*at byte 0/);
    rejects(Uint8Array.from([code(')'), 1, code('c') | 0x80]), /'c' \(a code object\).*python -m profile -o.*at byte 2/);
    rejects(Uint8Array.from([code(')'), 1, code('s'), 0, 0, 0, 0]), /bytes object/);
    rejects(Uint8Array.from([0x01]), /Unknown marshal type code 0x01/);
  });

  it('refuses lengths claiming more than the file holds, before allocating', () => {
    const cases: [string, Uint8Array][] = [
      ['a 2 GB ASCII string', concat([code('a')], int32(0x7fffffff), [0x41])],
      ['a 2 GB UTF-8 string', concat([code('u')], int32(0x7fffffff))],
      ['a tuple of 2**31-1 items', concat([code('(')], int32(0x7fffffff), [code('N')])],
      ['an integer of 2**31-1 digits', concat([code('l')], int32(0x7fffffff), [1, 0])],
      ['an integer of -(2**31) digits', concat([code('l')], int32(-0x80000000))],
    ];
    for (const [name, bytes] of cases) {
      // Memory, not time, shows an allocation: the claimed sizes would add gigabytes.
      const before = process.memoryUsage().arrayBuffers;
      rejects(bytes, /Truncated or corrupt: .* needs \d+ more byte\(s\) but only \d+ remain/);
      const grown = process.memoryUsage().arrayBuffers - before;
      assert.ok(grown < 1024 * 1024, `${name}: ${grown} bytes of buffers allocated`);
    }
  });

  it('refuses negative lengths', () => {
    rejects(concat([code('a')], int32(-1)), /Negative length -1/);
    rejects(concat([code('(')], int32(-5)), /Negative length -5/);
  });

  it('refuses integers too wide for a double', () => {
    const digits = 71;
    const bytes = concat([code('l')], int32(digits), ...Array.from({ length: digits }, () => [1, 0]));
    rejects(bytes, /71 15-bit digits is too large/);
  });

  it('refuses malformed integers as CPython does', () => {
    rejects(concat([code('l')], int32(1), [0x00, 0x80]), /digit 32768 is out of range/);
    rejects(concat([code('l')], int32(2), [1, 0, 0, 0]), /leading zero digit/);
  });

  it('refuses invalid back-references and references into unfinished containers', () => {
    rejects(concat([code(')'), 1, code('r')], int32(0)), /Invalid back-reference 0: only 0 object/);
    rejects(concat([code(')'), 1, code('r')], int32(-1)), /Invalid back-reference -1/);
    // A tuple that contains itself: slot 0 is the tuple being read.
    rejects(concat([code(')') | 0x80, 1, code('r')], int32(0)), /still being read/);
  });

  it(`refuses containers nested more than ${MAX_NESTING} deep`, () => {
    const ok = concat(Array.from({ length: MAX_NESTING }, () => [code(')'), 1]).flat(), [code('N')]);
    assert.ok(readMarshal(ok));
    const deep = concat(Array.from({ length: MAX_NESTING + 1 }, () => [code(')'), 1]).flat(), [code('N')]);
    rejects(deep, /nested more than 16 deep/);
    // Deep enough to overflow the stack if the limit were missing.
    const hostile = new Uint8Array(200_000).fill(code('{'));
    rejects(hostile, /nested more than/);
  });

  it('refuses invalid UTF-8 but not surrogates', () => {
    rejects(Uint8Array.from([code('u'), 2, 0, 0, 0, 0xc3, 0x28]), /not valid UTF-8/);
    rejects(Uint8Array.from([code('u'), 2, 0, 0, 0, 0xc0, 0x80]), /not valid UTF-8/); // overlong
    rejects(Uint8Array.from([code('u'), 4, 0, 0, 0, 0xf4, 0x90, 0x80, 0x80]), /not valid UTF-8/); // > U+10FFFF
    rejects(Uint8Array.from([code('u'), 2, 0, 0, 0, 0xe2, 0x82]), /not valid UTF-8/); // cut inside the string
    assert.equal(readMarshal(Uint8Array.from([code('u'), 3, 0, 0, 0, 0xed, 0xa0, 0x80])), '\ud800');
  });

  it('refuses a dict terminator outside a dict, a key without a value, and trailing bytes', () => {
    rejects(Uint8Array.from([code('0')]), /only a dict terminator/);
    rejects(Uint8Array.from([code(')'), 1, code('0')]), /terminator .* inside a tuple/);
    rejects(Uint8Array.from([code('{'), code('N'), code('0')]), /key without a value/);
    rejects(Uint8Array.from([code('N'), code('N')]), /1 unexpected byte\(s\) after/);
  });

  it('says a dict cut before its terminator is truncated', () => {
    rejects(Uint8Array.from([code('{'), code('N'), code('N')]), /Truncated/);
  });
});
