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

/**
 * Functions called once each, a row [file, name, own ms, cumulative ms]: the times left out are
 * 0, for tests whose times come from elsewhere (sampled stacks).
 */
export function calledOnce(rows: ReadonlyArray<readonly [file: string, name: string, ttMs?: number, ctMs?: number]>): ProfiledFunction[] {
  return rows.map(([file, name, ttMs = 0, ctMs = 0]) => fn(file, name, 1, 1, ttMs, ctMs));
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

/**
 * A 100 ms request in which query() has two callers:
 *   0 handler  ct 100 tt 10 -> a 60, b 30
 *   1 a        ct 60  tt 20 -> query 40 (4 calls)
 *   2 b        ct 30  tt 10 -> query 20 (2 calls)
 *   3 query    ct 60  tt 15 -> execute 45 (6 calls)
 *   4 execute  ct 45  tt 45  (one caller, but below a function with two)
 * Under a, query stands for 40 of its 60 ms: share 2/3, so own 15 × 2/3 = 10 and
 * execute 45 × 2/3 = 30. Under b: share 1/3, own 5, execute 15.
 */
export const SPLIT = profile(
  [
    fn('/app/app.py', 'handler', 1, 1, 10, 100),
    fn('/app/app.py', 'a', 1, 1, 20, 60),
    fn('/app/app.py', 'b', 1, 1, 10, 30),
    fn('/app/db.py', 'query', 6, 6, 15, 60),
    fn('/app/db.py', 'execute', 6, 6, 45, 45),
  ],
  [edge(0, 1, 1, 1, 60), edge(0, 2, 1, 1, 30), edge(1, 3, 4, 4, 40), edge(2, 3, 2, 2, 20), edge(3, 4, 6, 6, 45)],
);
