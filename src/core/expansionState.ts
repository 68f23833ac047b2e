/**
 * The call tree's expanded nodes in a form that outlives the tree: the view saves it (hidden
 * tab, window reload) and a new tree of the same profile restores it, whatever ids that
 * tree gives its nodes (deep ids are per tree, see treePaths.ts).
 *
 * Nodes are listed as a trie of their paths, flat, three numbers per node: the index of its
 * parent in the list plus one (0 for a root), its function, and 1 if it is expanded (0 for a
 * node listed only because an expanded node is below it). Parents come first. A chain of
 * 100,000 expanded calls costs 300,000 small numbers, where a list of their paths would cost
 * 100,000 paths of up to 100,000 numbers each.
 */
import type { CallTree } from './callTree';

const FIELDS = 3;

/** The expanded function nodes (ids of this tree) as the flat list described above. */
export function saveExpansion(tree: CallTree, expanded: Iterable<string>): number[] {
  const saved: number[] = [];
  /** Index in the list of each node listed so far, by id. */
  const listed = new Map<string, number>();
  const pending: { id: string; fn: number }[] = [];
  for (const id of expanded) {
    const node = tree.node(id);
    if (!node || node.kind !== 'function') continue;
    const known = listed.get(id);
    if (known !== undefined) {
      saved[known * FIELDS + 2] = 1;
      continue;
    }
    // Up to the nearest listed ancestor (or above the root), then list the way back down.
    pending.length = 0;
    let parentIndex = -1;
    for (let at: typeof node | undefined = node; at;) {
      pending.push({ id: at.id, fn: at.fn });
      if (at.parentId === null) break;
      const index = listed.get(at.parentId);
      if (index !== undefined) {
        parentIndex = index;
        break;
      }
      const parent = tree.node(at.parentId);
      at = parent?.kind === 'function' ? parent : undefined;
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const index = saved.length / FIELDS;
      saved.push(parentIndex + 1, pending[i].fn, i === 0 ? 1 : 0);
      listed.set(pending[i].id, index);
      parentIndex = index;
    }
  }
  return saved;
}

/**
 * The ids, in this tree, of the expanded nodes of a saved list. Nodes the tree does not have
 * (other options, a list from elsewhere) are left out, with everything listed below them;
 * anything that is not such a list gives an empty set.
 */
export function restoreExpansion(tree: CallTree, saved: unknown): Set<string> {
  const expanded = new Set<string>();
  if (!Array.isArray(saved) || saved.length % FIELDS !== 0) return expanded;
  const count = saved.length / FIELDS;
  /** The id of each listed node in this tree, or null when it has no such node. */
  const ids: (string | null)[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const [parent, fn, open] = [saved[i * FIELDS], saved[i * FIELDS + 1], saved[i * FIELDS + 2]];
    ids[i] = null;
    if (!Number.isInteger(parent) || !Number.isInteger(fn) || parent < 0 || parent > i) continue;
    const parentId = parent === 0 ? null : ids[parent - 1];
    if (parent > 0 && parentId === null) continue;
    const node = tree.child(parentId, fn);
    if (!node) continue;
    ids[i] = node.id;
    if (open === 1) expanded.add(node.id);
  }
  return expanded;
}
