/**
 * Numbers pairs of integers (0 to 2^31 - 1), such as a caller's and a callee's function
 * numbers, 0, 1, 2… in the order they are first seen. An open-addressing table in one typed
 * array: no object and no key per pair, where a Map of Maps costs a lookup per level and grows
 * an object per caller (merging 1,000 profiles looks up 1.6 million edges). A slot's three
 * numbers sit side by side, so that a probe reads one cache line: the table outgrows the
 * caches, and lookups land anywhere in it.
 */
const EMPTY = -1;
/** A slot: first, second, the pair's number. */
const SLOT = 3;

export class PairNumbering {
  private slots: Int32Array;
  private count = 0;

  constructor(expected = 1024) {
    // A power of two at least twice what is expected: probes stay short below half full.
    let slots = 16;
    while (slots < expected * 2) slots *= 2;
    this.slots = emptySlots(slots);
  }

  /** How many pairs have a number: the next new pair gets this one. */
  get size(): number {
    return this.count;
  }

  /** The pair's number, given it (the next) if it had none. */
  numberOf(first: number, second: number): number {
    const slots = this.slots;
    const mask = slots.length / SLOT - 1;
    let slot = slotOf(first, second, mask);
    for (;;) {
      const at = slot * SLOT;
      const number = slots[at + 2];
      if (number === EMPTY) break;
      if (slots[at] === first && slots[at + 1] === second) return number;
      slot = (slot + 1) & mask;
    }
    const number = this.count++;
    const at = slot * SLOT;
    slots[at] = first;
    slots[at + 1] = second;
    slots[at + 2] = number;
    if (this.count * 2 > mask + 1) this.grow();
    return number;
  }

  private grow(): void {
    const old = this.slots;
    const slots = emptySlots((old.length / SLOT) * 2);
    const mask = slots.length / SLOT - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from + 2] === EMPTY) continue;
      let slot = slotOf(old[from], old[from + 1], mask);
      while (slots[slot * SLOT + 2] !== EMPTY) slot = (slot + 1) & mask;
      const at = slot * SLOT;
      slots[at] = old[from];
      slots[at + 1] = old[from + 1];
      slots[at + 2] = old[from + 2];
    }
    this.slots = slots;
  }
}

function emptySlots(count: number): Int32Array {
  return new Int32Array(count * SLOT).fill(EMPTY);
}

/** Multiplicative hashing of both numbers, mixed so that neighbouring pairs land apart. */
function slotOf(first: number, second: number, mask: number): number {
  let hash = Math.imul(first, 0x9e3779b1) ^ Math.imul(second, 0x85ebca6b);
  hash ^= hash >>> 15;
  return hash & mask;
}
