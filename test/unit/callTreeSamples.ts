/**
 * Small profiles for the call-tree tests, written as cProfile would record them. Times are
 * given in milliseconds for readability and stored in seconds, as in the format.
 */
import * as assert from 'node:assert/strict';
import type { CallTree, CallTreeNode } from '../../src/core/callTree';
import type { ProfileData, ProfiledEdge, ProfiledFunction, ProfilePaths } from '../../src/core/profileFormat';

export const PATHS: ProfilePaths = {
  cwd: '/app',
  stdlib: ['/usr/lib/python3.11'],
  sitePackages: ['/usr/lib/python3/dist-packages'],
  prefixes: ['/usr'],
};

const MS = 0.001;

/** A function: calls (primitive, total), own and cumulative milliseconds. */
export function fn(file: string, name: string, cc: number, nc: number, ttMs: number, ctMs: number, qualname: string | null = null): ProfiledFunction {
  return { file, line: 10, name, qualname, cc, nc, tt: ttMs * MS, ct: ctMs * MS };
}

/** A caller→callee edge with the callee's calls and cumulative milliseconds from that caller. */
export function edge(caller: number, callee: number, cc: number, nc: number, ctMs: number): ProfiledEdge {
  return [caller, callee, cc, nc, 0, ctMs * MS];
}

export function profile(functions: ProfiledFunction[], edges: ProfiledEdge[]): ProfileData {
  return { functions, edges, notes: [] };
}

/** Asserts two times (seconds) agree to a nanosecond, with a message naming the node. */
export function assertMs(actualSeconds: number, expectedMs: number, what: string): void {
  assert.ok(Math.abs(actualSeconds - expectedMs * MS) < 1e-9, `${what}: ${actualSeconds / MS} ms, expected ${expectedMs} ms`);
}

/**
 * Checks what must hold at every node whatever the profile: finite, non-negative numbers,
 * and own time plus children never more than the node's total. Walks the whole tree.
 */
export function assertTreeConsistent(tree: CallTree, maxNodes = 100_000): number {
  let count = 0;
  const stack: CallTreeNode[] = [...tree.roots()];
  while (stack.length) {
    const node = stack.pop()!;
    count++;
    assert.ok(count <= maxNodes, 'tree larger than expected');
    for (const value of [node.total, node.own, node.fraction]) assert.ok(Number.isFinite(value) && value >= 0, `${node.id}: ${value}`);
    if (node.kind !== 'function') continue;
    const children = tree.children(node.id);
    const inside = node.own + children.reduce((sum, c) => sum + c.total, 0);
    assert.ok(inside <= node.total * (1 + 1e-9) + 1e-15, `${node.id}: own + children ${inside} > total ${node.total}`);
    if (node.recursive) assert.equal(children.length, 0, `${node.id} is recursive and must not expand`);
    stack.push(...children);
  }
  return count;
}
