/**
 * What the call tree and the callers tree share about paths of functions, so that nothing
 * they do costs more than linear time in a tree's depth (a runaway recursion through distinct
 * frames can be 100,000 calls deep).
 *
 * - Node ids. A node's id spells its path of function indices ("3/17/42") while that stays
 *   short; deeper down, an id that spelt its path would grow with the depth, and a chain's
 *   ids would add up to quadratic time and memory. There, a node's id is its parent's number
 *   in the tree and its function ("~5120/42"): unique, short, readable in tests and logs. The
 *   function index is always the last part. Ids of the deep form mean something only in the
 *   tree that made them: a state that outlives the tree saves paths (expansionState.ts).
 * - Which functions are on a node's path (is a callee a recursive call?), asked at every
 *   expansion. Walking the path each time is quadratic down a chain; PathMarks keeps marks
 *   for the path of one node and moves them to the next node asked about, which costs the
 *   distance between the two: nothing for a child, one step per level for a walk down.
 */

/** Up to this depth (0 for roots) a node's id spells its whole path. */
export const PATH_ID_DEPTH = 64;

/** The id of the child for function fn of a node (parent null: a root). */
export function childNodeId(parent: { readonly id: string; readonly depth: number; readonly serial: number } | null, fn: number): string {
  if (!parent) return String(fn);
  return parent.depth + 1 < PATH_ID_DEPTH ? `${parent.id}/${fn}` : `~${parent.serial}/${fn}`;
}

/** A node as PathMarks sees it: its function, its depth (0 for roots) and its parent. */
export interface PathNode {
  readonly fn: number;
  readonly depth: number;
  readonly parent: PathNode | null;
}

/**
 * Marks the functions on one node's path (the node included). The path of a node that can be
 * expanded never repeats a function (a repeat is a recursive leaf, never expanded), so one
 * mark per function is enough.
 */
export class PathMarks {
  private readonly marks: Uint8Array;
  private at: PathNode | null = null;
  /** Scratch for the nodes to mark when moving down, reused. */
  private readonly down: PathNode[] = [];

  constructor(functionCount: number) {
    this.marks = new Uint8Array(functionCount);
  }

  /** The marks for node's path: marks[fn] is 1 when fn is on it. Valid until the next call. */
  pathOf(node: PathNode | null): Uint8Array {
    let from = this.at;
    let to = node;
    const { marks, down } = this;
    down.length = 0;
    // Up from the old node and from the new one to their common ancestor.
    while (from && (!to || from.depth > to.depth)) {
      marks[from.fn] = 0;
      from = from.parent;
    }
    while (to && (!from || to.depth > from.depth)) {
      down.push(to);
      to = to.parent;
    }
    while (from !== to) {
      marks[from!.fn] = 0;
      from = from!.parent;
      down.push(to!);
      to = to!.parent;
    }
    for (let i = down.length - 1; i >= 0; i--) marks[down[i].fn] = 1;
    down.length = 0;
    this.at = node;
    return marks;
  }
}
