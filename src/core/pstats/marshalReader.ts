/**
 * A strict reader for the subset of Python's marshal format (version 4, Python 3.4+) that
 * pstats files hold: a dict of tuples of numbers and strings. Everything else is refused by
 * name. Bounded by construction: every length and back-reference is checked against the
 * bytes that remain or the objects read so far before anything is allocated, containers
 * nest at most MAX_NESTING deep, and each byte is read once, so any input ends quickly in a
 * value or a PstatsReadError. Works on a Uint8Array alone (no Node Buffer): runs in webviews.
 *
 * Semantics follow CPython's Python/marshal.c (r_object), which is what pstats uses.
 */
import { PstatsReadError } from './pstatsReadError';
import { decodeLatin1, decodeUtf8SurrogatePass } from './utf8SurrogatePass';

/** A Python dict in file order. Keys stay values (tuples are not valid JS Map keys). */
export class MarshalDict {
  constructor(readonly entries: ReadonlyArray<readonly [MarshalValue, MarshalValue]>) {}
}

/** Tuples become frozen arrays; there is no list type, since pstats files hold none. */
export type MarshalTuple = readonly MarshalValue[];

/** int and float are both numbers: pstats gives no reason to tell 3 from 3.0 apart. */
export type MarshalValue = null | boolean | number | string | MarshalTuple | MarshalDict;

/** Containers inside containers. pstats files nest 4 deep (dict > tuple > dict > tuple). */
export const MAX_NESTING = 16;

/**
 * Integers wider than this many 15-bit digits (1050 bits) would not even fit a double;
 * no call count or line number comes near.
 */
const MAX_LONG_DIGITS = 70;

/** Set on a type byte: the object also goes into the back-reference table. */
const FLAG_REF = 0x80;

/** Marks a container's reserved reference slot while its children are read. */
const PENDING: unique symbol = Symbol('pending');

/** Type codes marshal can write that pstats files never contain, named for the error. */
const UNSUPPORTED: Record<string, string> = {
  c: 'a code object',
  '[': 'a list',
  '<': 'a set',
  '>': 'a frozenset',
  s: 'a bytes object',
  f: 'a float stored as text (marshal version 0 or 1)',
  x: 'a complex number stored as text',
  y: 'a complex number',
  I: 'a 64-bit integer (marshal version 0)',
  S: 'StopIteration',
  '.': 'Ellipsis',
  '?': 'an unknown object',
};

/** Reads one marshalled object that must fill bytes exactly. */
export function readMarshal(bytes: Uint8Array): MarshalValue {
  if (bytes.length === 0) throw new PstatsReadError('Truncated: the file is empty (it may still be being written).');
  const reader = new MarshalReader(bytes);
  const value = reader.readValue(0);
  if (value === END_OF_DICT) throw new PstatsReadError('The file holds only a dict terminator (type code "0").', 0);
  reader.expectEnd();
  return value;
}

/** What the '0' code reads as: the end of a dict's pairs, and nothing else. */
const END_OF_DICT: unique symbol = Symbol('end of dict');

class MarshalReader {
  private position = 0;
  private readonly view: DataView;
  private readonly references: (MarshalValue | typeof PENDING)[] = [];

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  expectEnd(): void {
    const extra = this.bytes.length - this.position;
    if (extra > 0) {
      throw new PstatsReadError(`${extra} unexpected byte(s) after the marshalled data: not a pstats file, or two files joined.`, this.position);
    }
  }

  /** depth: how many containers enclose the value being read. */
  readValue(depth: number): MarshalValue | typeof END_OF_DICT {
    const start = this.position;
    const byte = this.readUint8('a type code');
    const code = String.fromCharCode(byte & ~FLAG_REF);
    const addReference = (byte & FLAG_REF) !== 0;
    switch (code) {
      // Singletons: CPython ignores FLAG_REF on them and adds no table entry.
      case '0':
        return END_OF_DICT;
      case 'N':
        return null;
      case 'T':
        return true;
      case 'F':
        return false;
      case 'r':
        return this.readBackReference(start);
      case 'i':
        return this.remember(addReference, this.readInt32('an int'));
      case 'g':
        return this.remember(addReference, this.readFloat64());
      case 'l':
        return this.remember(addReference, this.readLong(start));
      case 'z':
      case 'Z':
        return this.remember(addReference, this.readAscii(this.readUint8('a string length'), start));
      case 'a':
      case 'A':
        return this.remember(addReference, this.readAscii(this.readLength('a string', start), start));
      case 'u':
      case 't':
        return this.remember(addReference, this.readUtf8(this.readLength('a string', start), start));
      case ')':
        return this.readTuple(this.readUint8('a tuple size'), depth, addReference, start);
      case '(':
        return this.readTuple(this.readLength('a tuple', start), depth, addReference, start);
      case '{':
        return this.readDict(depth, addReference, start);
      default:
        throw unsupported(byte, start);
    }
  }

  private remember<T extends MarshalValue>(addReference: boolean, value: T): T {
    if (addReference) this.references.push(value);
    return value;
  }

  /** Reserves the container's table slot before its children, as CPython does. */
  private reserve(addReference: boolean): number {
    if (!addReference) return -1;
    return this.references.push(PENDING) - 1;
  }

  private fill(slot: number, value: MarshalValue): void {
    if (slot >= 0) this.references[slot] = value;
  }

  private readBackReference(start: number): MarshalValue {
    const index = this.readInt32('a back-reference');
    if (index < 0 || index >= this.references.length) {
      throw new PstatsReadError(`Invalid back-reference ${index}: only ${this.references.length} object(s) were stored before it.`, start);
    }
    const value = this.references[index];
    // Only a container that contains itself can do this; pstats data never does, and
    // accepting it would hand a cyclic structure to code that walks it.
    if (value === PENDING) throw new PstatsReadError(`Back-reference ${index} points into a container that is still being read.`, start);
    return value;
  }

  private readTuple(size: number, depth: number, addReference: boolean, start: number): MarshalTuple {
    this.checkNesting(depth, start);
    // Each item takes at least one byte: a size beyond what remains cannot be honest.
    this.need(size, `a tuple of ${size} items`, start);
    const slot = this.reserve(addReference);
    const items: MarshalValue[] = [];
    for (let i = 0; i < size; i++) {
      const itemStart = this.position;
      const item = this.readValue(depth + 1);
      if (item === END_OF_DICT) throw new PstatsReadError('A dict terminator (type code "0") inside a tuple.', itemStart);
      items.push(item);
    }
    const tuple = Object.freeze(items);
    this.fill(slot, tuple);
    return tuple;
  }

  private readDict(depth: number, addReference: boolean, start: number): MarshalDict {
    this.checkNesting(depth, start);
    const slot = this.reserve(addReference);
    const entries: [MarshalValue, MarshalValue][] = [];
    for (;;) {
      const key = this.readValue(depth + 1);
      if (key === END_OF_DICT) break;
      const valueStart = this.position;
      const value = this.readValue(depth + 1);
      // CPython silently ends the dict here; no writer does this, so it is corruption.
      if (value === END_OF_DICT) throw new PstatsReadError('A dict key without a value.', valueStart);
      entries.push([key, value]);
    }
    const dict = new MarshalDict(entries);
    this.fill(slot, dict);
    return dict;
  }

  private checkNesting(depth: number, start: number): void {
    if (depth >= MAX_NESTING) {
      throw new PstatsReadError(`Containers nested more than ${MAX_NESTING} deep: pstats files nest 4 deep.`, start);
    }
  }

  /** Python's arbitrary-size int: a signed digit count, then 15-bit digits, least significant first. */
  private readLong(start: number): number {
    const signedCount = this.readInt32('an integer size');
    const count = Math.abs(signedCount);
    this.need(2 * count, `an integer of ${count} digits`, start);
    if (count > MAX_LONG_DIGITS) {
      throw new PstatsReadError(`An integer of ${count} 15-bit digits is too large to be a profile number.`, start);
    }
    const digits: number[] = [];
    for (let i = 0; i < count; i++) {
      const digit = this.view.getUint16(this.position, true);
      if (digit >= 0x8000) throw new PstatsReadError(`Integer digit ${digit} is out of range (digits are 15-bit).`, this.position);
      digits.push(digit);
      this.position += 2;
    }
    if (count > 0 && digits[count - 1] === 0) throw new PstatsReadError('Integer with a leading zero digit (not normalised).', start);
    let magnitude: number;
    if (count <= 3) {
      // Up to 45 bits: exact in a double.
      magnitude = digits.reduceRight((sum, digit) => sum * 0x8000 + digit, 0);
    } else {
      // Larger: build it exactly, then round once, as Python's float(int) does.
      magnitude = Number(digits.reduceRight((sum, digit) => (sum << 15n) | BigInt(digit), 0n));
    }
    return signedCount < 0 ? -magnitude : magnitude;
  }

  private readAscii(length: number, start: number): string {
    this.need(length, `a string of ${length} bytes`, start);
    const text = decodeLatin1(this.bytes, this.position, this.position + length);
    this.position += length;
    return text;
  }

  private readUtf8(length: number, start: number): string {
    this.need(length, `a string of ${length} bytes`, start);
    const text = decodeUtf8SurrogatePass(this.bytes, this.position, this.position + length);
    if (text === undefined) throw new PstatsReadError('A string that is not valid UTF-8.', start);
    this.position += length;
    return text;
  }

  /** A 32-bit length field: negative is corrupt; the caller checks it against what remains. */
  private readLength(what: string, start: number): number {
    const length = this.readInt32(`the length of ${what}`);
    if (length < 0) throw new PstatsReadError(`Negative length ${length} for ${what}.`, start);
    return length;
  }

  /** Refuses, before any allocation, a claim of more bytes than the file has left. */
  private need(count: number, what: string, start: number): void {
    const remaining = this.bytes.length - this.position;
    if (count > remaining) {
      throw new PstatsReadError(`Truncated or corrupt: ${what} needs ${count} more byte(s) but only ${remaining} remain in the file.`, start);
    }
  }

  private readUint8(what: string): number {
    this.need(1, what, this.position);
    return this.bytes[this.position++];
  }

  private readInt32(what: string): number {
    this.need(4, what, this.position);
    const value = this.view.getInt32(this.position, true);
    this.position += 4;
    return value;
  }

  private readFloat64(): number {
    this.need(8, 'a float', this.position);
    const value = this.view.getFloat64(this.position, true);
    this.position += 8;
    return value;
  }
}

function unsupported(byte: number, offset: number): PstatsReadError {
  const base = byte & ~FLAG_REF;
  const code = String.fromCharCode(base);
  const printable = base >= 0x20 && base < 0x7f ? `'${code}'` : `0x${byte.toString(16).padStart(2, '0')}`;
  const known = UNSUPPORTED[code];
  if (known === undefined) {
    return new PstatsReadError(`Unknown marshal type code ${printable}: not a pstats file, or a corrupt one.`, offset);
  }
  const hint = code === 'c' ? ' Files written by "python -m profile -o" hold one (the script\'s code); "python -m cProfile -o" files do not.' : '';
  return new PstatsReadError(
    `Unsupported marshal type code ${printable} (${known}): pstats files hold only dicts, tuples, numbers and strings.${hint}`,
    offset,
  );
}
