import * as assert from 'node:assert/strict';
import { PstatsReadError } from '../../src/core/pstats/pstatsReadError';
import { readPstats } from '../../src/core/pstats/readPstats';
import { readPstatsDocument } from '../../src/core/pstats';
import { ProfileReadError } from '../../src/core/profileReadError';
import { seededRandom } from '../support/makeLargeProfile.mjs';
import { loadPstatsFixtures } from '../fixtures/pstats/loadFixtures';

const fixtures = loadPstatsFixtures().filter((f) => f.expected !== undefined);

/** Runs readPstats; anything thrown must be a PstatsReadError. Returns its message, if any. */
function readOrReason(bytes: Uint8Array, label: string): string | undefined {
  try {
    readPstats(bytes);
    return undefined;
  } catch (error) {
    if (!(error instanceof PstatsReadError)) {
      assert.fail(`${label}: threw ${(error as Error)?.constructor?.name}: ${String(error)}`);
    }
    return error.message;
  }
}

describe('pstats reader under hostile input', function () {
  this.timeout(60_000);

  /** Cutting bytes to length must give an error that says "truncated". */
  function assertTruncated(name: string, bytes: Uint8Array, length: number): void {
    const reason = readOrReason(bytes.subarray(0, length), `${name} cut at ${length}`);
    assert.ok(reason !== undefined && /truncated/i.test(reason), `${name} cut at ${length}: ${reason}`);
  }

  // Between them these hold every type code pstats files use: z Z a A u t i l g r { ) 0.
  const cutEverywhere = ['cprofile-py3.8.prof', 'cprofile-py3.13.prof', 'large-counts.prof'];

  it(`says "truncated" for every cut of ${cutEverywhere.join(', ')}`, () => {
    let cuts = 0;
    for (const name of cutEverywhere) {
      const fixture = fixtures.find((f) => f.name === name);
      assert.ok(fixture, `${name} missing`);
      for (let length = 0; length < fixture.bytes.length; length++) assertTruncated(name, fixture.bytes, length);
      cuts += fixture.bytes.length;
    }
    assert.ok(cuts > 1000, `only ${cuts} cuts were tried`);
  });

  it('says "truncated" for cuts of the other fixtures, at the ends and at random', () => {
    const random = seededRandom(0xc07);
    for (const { name, bytes } of fixtures.filter((f) => !cutEverywhere.includes(f.name))) {
      const lengths = [0, 1, 2, bytes.length - 2, bytes.length - 1];
      for (let i = 0; i < 200; i++) lengths.push(Math.floor(random() * bytes.length));
      for (const length of lengths) assertTruncated(name, bytes, length);
    }
  });

  it('gives only its own error for random bytes', () => {
    const random = seededRandom(0x5eed);
    // Biased toward the type codes pstats uses, so the reader gets past the first byte.
    const codes = [...'{)(ilgzZaAutr0NTF'].map((c) => c.charCodeAt(0));
    for (let i = 0; i < 3000; i++) {
      const bytes = new Uint8Array(1 + Math.floor(random() * 300));
      for (let j = 0; j < bytes.length; j++) {
        const r = random();
        bytes[j] = r < 0.5 ? codes[Math.floor(random() * codes.length)] | (random() < 0.3 ? 0x80 : 0) : Math.floor(random() * 256);
      }
      readOrReason(bytes, `random input ${i}`);
    }
  });

  it('gives only its own error, or a profile, for mutated fixtures', () => {
    const random = seededRandom(0xf022);
    let refused = 0;
    const total = 3000;
    for (let i = 0; i < total; i++) {
      const { name, bytes: original } = fixtures[i % fixtures.length];
      const bytes = original.slice();
      const changes = 1 + Math.floor(random() * 8);
      for (let c = 0; c < changes; c++) {
        const at = Math.floor(random() * bytes.length);
        // Flip a bit, or write a value that is often a length, a count or a reference.
        bytes[at] = random() < 0.5 ? bytes[at] ^ (1 << Math.floor(random() * 8)) : [0x00, 0x7f, 0x80, 0xff][Math.floor(random() * 4)];
      }
      if (readOrReason(bytes, `${name} mutation ${i}`) !== undefined) refused++;
    }
    // Most mutations break the structure; some only change a number, which is still a profile.
    assert.ok(refused > total / 2, `${refused} of ${total} refused`);
  });

  it('refuses a callers dict shared among many functions without expanding it', () => {
    // {(f, i, 'x'): (1, 1, 0.0, 0.0, <the same dict of N callers>) for i in range(N)}:
    // expanded, N * N = 25 million edges from a 0.4 MB file.
    const n = 5_000;
    const parts: number[] = [];
    const int32 = (v: number) => {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, v, true);
      parts.push(...b);
    };
    const label = (i: number) => {
      parts.push(0x29, 3, 0x7a, 1, 0x66, 0x69); // ('f', i,
      int32(i);
      parts.push(0x7a, 1, 0x78); // 'x')
    };
    parts.push(0x7b); // the functions dict (no reference slot)
    let sharedSlot = -1;
    for (let i = 0; i < n; i++) {
      label(i);
      parts.push(0x29, 5, 0x69, 1, 0, 0, 0, 0x69, 1, 0, 0, 0, 0x67, 0, 0, 0, 0, 0, 0, 0, 0, 0x67, 0, 0, 0, 0, 0, 0, 0, 0);
      if (sharedSlot < 0) {
        parts.push(0x7b | 0x80); // the callers dict, slot 0
        sharedSlot = 0;
        for (let j = 0; j < n; j++) {
          label(j);
          parts.push(0x29, 4, 0x69, 1, 0, 0, 0, 0x69, 1, 0, 0, 0, 0x67, 0, 0, 0, 0, 0, 0, 0, 0, 0x67, 0, 0, 0, 0, 0, 0, 0, 0);
        }
        parts.push(0x30);
      } else {
        parts.push(0x72);
        int32(sharedSlot);
      }
    }
    parts.push(0x30);
    const reason = readOrReason(Uint8Array.from(parts), 'shared callers');
    assert.match(reason ?? '', /callers tables are shared/);
  });
  /** {('f', 1, 'x'): (1, 1, tt, 0.0, {('f', 1, 'x'): (1, 1, 0.0, callerCt)})}: marshal bytes, floats as 'g'. */
  function oneFunction(tt: number, callerCt: number): Uint8Array {
    const parts: number[] = [];
    const float = (v: number) => {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, true);
      parts.push(0x67, ...b);
    };
    const label = () => parts.push(0x29, 3, 0x7a, 1, 0x66, 0x69, 1, 0, 0, 0, 0x7a, 1, 0x78);
    parts.push(0x7b);
    label();
    parts.push(0x29, 5, 0x69, 1, 0, 0, 0, 0x69, 1, 0, 0, 0);
    float(tt);
    float(0);
    parts.push(0x7b);
    label();
    parts.push(0x29, 4, 0x69, 1, 0, 0, 0, 0x69, 1, 0, 0, 0);
    float(0);
    float(callerCt);
    parts.push(0x30, 0x30);
    return Uint8Array.from(parts);
  }

  it('refuses NaN and infinite times, in a function and in a caller entry', () => {
    assert.equal(readOrReason(oneFunction(0.5, 0.25), 'finite'), undefined, 'the hand-made file is a profile');
    for (const bad of [NaN, Infinity, -Infinity]) {
      assert.match(readOrReason(oneFunction(bad, 0), `tt ${bad}`) ?? '', new RegExp(`f:1\\(x\\) hold ${bad}, not a finite number`));
      assert.match(readOrReason(oneFunction(0, bad), `caller ct ${bad}`) ?? '', new RegExp(`caller entry of f:1\\(x\\) holds ${bad}, not a finite number`));
    }
  });

  it('refuses a file whose times are each finite but add up to more than a double holds', () => {
    assert.doesNotThrow(() => readPstatsDocument(oneFunction(1e308, 1e308)), 'one function of 1e308 s adds up');
    // Every float of a real file set to 1e308: each is finite, their sums are not.
    const bytes = fixtures.find((f) => f.name === 'cprofile-py3.13.prof')!.bytes.slice();
    let floats = 0;
    for (let at = 0; at + 9 <= bytes.length; at++) {
      if ((bytes[at] & 0x7f) !== 0x67) continue;
      const copy = bytes.slice();
      new DataView(copy.buffer).setFloat64(at + 1, 1e308, true);
      if (readOrReason(copy, `float at ${at}`) !== undefined) continue; // a 'g' byte that is not a float
      bytes.set(copy);
      floats++;
    }
    assert.ok(floats > 10, `only ${floats} floats found`);
    assert.throws(
      () => readPstatsDocument(bytes),
      (error: Error) => error instanceof ProfileReadError && /add up to more than/.test(error.message),
    );
  });

  it('never gives a non-finite number: every float of two fixtures made NaN or infinite', () => {
    let refused = 0;
    // cProfile's caller tuples, and the profile module's plain counts (times estimated from them).
    for (const { name, bytes: original } of fixtures.filter((f) => ['cprofile-py3.13.prof', 'profile-py3.13.prof'].includes(f.name))) {
      for (let at = 0; at + 9 <= original.length; at++) {
        if ((original[at] & 0x7f) !== 0x67) continue; // 'g', maybe with the reference flag
        for (const bad of [NaN, Infinity, -Infinity]) {
          const bytes = original.slice();
          new DataView(bytes.buffer).setFloat64(at + 1, bad, true);
          const label = `${name} float at ${at} made ${bad}`;
          if (readOrReason(bytes, label) !== undefined) {
            refused++;
            continue;
          }
          // Not a float after all (a 'g' byte inside a string or an integer): what was read is still finite.
          const data = readPstats(bytes);
          for (const f of data.functions) assert.ok([f.cc, f.nc, f.tt, f.ct].every(Number.isFinite), label);
          for (const e of data.edges) assert.ok(e.every(Number.isFinite), label);
        }
      }
    }
    assert.ok(refused > 300, `only ${refused} non-finite floats were refused`);
  });
});
