/**
 * Finding a tree node's child for a function while building a tree from stacks (the flame graph,
 * a sampled function's callers): most nodes have one or a few children, so each is looked at;
 * past SCANNED_CHILDREN a map is made for that node. A map for every level of a 100,000-deep
 * stack cost more than the rest of the build.
 */

/** Up to this many children a node's child for a function is found by looking at each. */
const SCANNED_CHILDREN = 8;

export class ChildrenByFunction<T extends { readonly fn: number; readonly children: T[] }> {
  private readonly maps = new Map<T, Map<number, T>>();

  /** parent's child for fn, if it has one. */
  find(parent: T, fn: number): T | undefined {
    const siblings = parent.children;
    if (siblings.length <= SCANNED_CHILDREN) {
      for (let i = 0; i < siblings.length; i++) if (siblings[i].fn === fn) return siblings[i];
      return undefined;
    }
    let byFn = this.maps.get(parent);
    if (!byFn) this.maps.set(parent, (byFn = new Map(siblings.map((c) => [c.fn, c]))));
    return byFn.get(fn);
  }

  /** Adds child to parent's children (after find said it has none for child.fn); returns it. */
  add(parent: T, child: T): T {
    parent.children.push(child);
    this.maps.get(parent)?.set(child.fn, child);
    return child;
  }
}
