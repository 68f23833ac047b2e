/**
 * The hottest call path from a root to every function: the path along which the call tree
 * gives the function its largest estimated time. Search uses it to reveal a match in the
 * tree where it matters most.
 *
 * Along a path the tree's estimate is multiplicative: a callee reached from a node that
 * stands for share s of its caller gets edge.ct × s, i.e. est(callee) = est(caller) ×
 * edge.ct / caller.ct. Factors are at most 1, so the best estimate only falls along a path
 * and a Dijkstra-style search (largest estimate first) finds every function's best path in
 * O(E log V), once per profile. Recursion cannot improve an estimate, so paths never repeat
 * a function, and every path is a real node of the (unfolded) call tree.
 */
import type { ProfileModel } from './profileModel';

export interface HottestPaths {
  /** The caller on the hottest path to each function; -1 for roots and unreached functions. */
  via: Int32Array;
  /** The call tree's estimate along that path, seconds; -1 when unreached. */
  estimate: Float64Array;
}

const cache = new WeakMap<ProfileModel, HottestPaths>();

export function hottestPaths(model: ProfileModel): HottestPaths {
  let paths = cache.get(model);
  if (!paths) {
    paths = computeHottestPaths(model);
    cache.set(model, paths);
  }
  return paths;
}

/** Function indices from a root down to fn along its hottest path; [] if no root reaches fn. */
export function hottestPathTo(model: ProfileModel, fn: number): number[] {
  const { via, estimate } = hottestPaths(model);
  if (!(estimate[fn] >= 0)) return [];
  const path = [fn];
  for (let f = via[fn]; f >= 0; f = via[f]) path.push(f);
  return path.reverse();
}

function computeHottestPaths(model: ProfileModel): HottestPaths {
  const n = model.functions.length;
  const via = new Int32Array(n).fill(-1);
  const estimate = new Float64Array(n).fill(-1);
  const settled = new Uint8Array(n);
  const heap = new MaxHeap();
  for (const root of model.roots) {
    estimate[root] = model.functions[root].ct;
    heap.push(root, estimate[root]);
  }
  for (;;) {
    const top = heap.pop();
    if (!top) break;
    const [f, value] = top;
    if (settled[f] || value < estimate[f]) continue; // a stale heap entry
    settled[f] = 1;
    const ct = model.functions[f].ct;
    for (const e of model.calleesOf[f]) {
      const edge = model.edges[e];
      const callee = edge.callee;
      if (settled[callee]) continue;
      const factor = ct > 0 ? Math.min(1, edge.ct / ct) : 0;
      const candidate = value * factor;
      if (candidate > estimate[callee]) {
        estimate[callee] = candidate;
        via[callee] = f;
        heap.push(callee, candidate);
      }
    }
  }
  return { via, estimate };
}

/** A binary max-heap of (function, value) pairs; duplicates allowed, stale ones skipped by the caller. */
class MaxHeap {
  private readonly items: number[] = [];
  private readonly values: number[] = [];

  push(item: number, value: number): void {
    this.items.push(item);
    this.values.push(value);
    let i = this.items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.values[parent] >= this.values[i]) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): [number, number] | undefined {
    if (!this.items.length) return undefined;
    const top: [number, number] = [this.items[0], this.values[0]];
    const lastItem = this.items.pop()!;
    const lastValue = this.values.pop()!;
    if (this.items.length) {
      this.items[0] = lastItem;
      this.values[0] = lastValue;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let largest = i;
        if (left < this.items.length && this.values[left] > this.values[largest]) largest = left;
        if (right < this.items.length && this.values[right] > this.values[largest]) largest = right;
        if (largest === i) break;
        this.swap(i, largest);
        i = largest;
      }
    }
    return top;
  }

  private swap(a: number, b: number): void {
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
    [this.values[a], this.values[b]] = [this.values[b], this.values[a]];
  }
}
