/**
 * Numbers pairs of integers (0 to 2^31 - 1), such as a caller's and a callee's function
 * numbers, 0, 1, 2… in the order they are first seen. An open-addressing table in typed arrays:
 * no object and no key per pair, where a Map of Maps costs a lookup per level and grows an
 * object per caller (merging 1,000 profiles looks up 1.6 million edges).
 */
const EMPTY = -1;

export class PairNumbering {
  private firsts: Int32Array;
  private seconds: Int32Array;
  /** The number at each slot, EMPTY when the slot is free. */
  private numbers: Int32Array;
  private count = 0;

  constructor(expected = 1024) {
    // A power of two at least twice what is expected: probes stay short below half full.
    let slots = 16;
    while (slots < expected * 2) slots *= 2;
    this.firsts = new Int32Array(slots);
    this.seconds = new Int32Array(slots);
    this.numbers = new Int32Array(slots).fill(EMPTY);
  }

  /** How many pairs have a number: the next new pair gets this one. */
  get size(): number {
    return this.count;
  }

  /** The pair's number, given it (the next) if it had none. */
  numberOf(first: number, second: number): number {
    const { firsts, seconds, numbers } = this;
    const mask = numbers.length - 1;
    let slot = slotOf(first, second, mask);
    for (;;) {
      const number = numbers[slot];
      if (number === EMPTY) break;
      if (firsts[slot] === first && seconds[slot] === second) return number;
      slot = (slot + 1) & mask;
    }
    const number = this.count++;
    firsts[slot] = first;
    seconds[slot] = second;
    numbers[slot] = number;
    if (this.count * 2 > numbers.length) this.grow();
    return number;
  }

  private grow(): void {
    const { firsts, seconds, numbers } = this;
    const slots = numbers.length * 2;
    const mask = slots - 1;
    this.firsts = new Int32Array(slots);
    this.seconds = new Int32Array(slots);
    this.numbers = new Int32Array(slots).fill(EMPTY);
    for (let old = 0; old < numbers.length; old++) {
      if (numbers[old] === EMPTY) continue;
      let slot = slotOf(firsts[old], seconds[old], mask);
      while (this.numbers[slot] !== EMPTY) slot = (slot + 1) & mask;
      this.firsts[slot] = firsts[old];
      this.seconds[slot] = seconds[old];
      this.numbers[slot] = numbers[old];
    }
  }
}

/** Multiplicative hashing of both numbers, mixed so that neighbouring pairs land apart. */
function slotOf(first: number, second: number, mask: number): number {
  let hash = Math.imul(first, 0x9e3779b1) ^ Math.imul(second, 0x85ebca6b);
  hash ^= hash >>> 15;
  return hash & mask;
}
