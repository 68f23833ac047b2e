import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { hotPath } from '../../src/core/hotPath';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertMs, assertTreeConsistent, edge, fn, profile } from './callTreeSamples';

/**
 * main calls f, which recurses three levels deep; each level spends 1 ms in its own code
 * and 1 ms in g. cProfile's numbers (counted as _lsprof counts them):
 *   f: nc 3, cc 1, tt 3, ct 6 (counted once across the recursion)
 *   f→f: nc 2, cc 1, ct 4 (only the outermost f→f call, f2's subtree, is timed)
 *   f→g: nc 3, ct 3 (every g, from all levels)
 * At the top f node the raw own 3 + g 3 + recursive f 4 = 10 > 6: own time and g are
 * scaled into the 2 ms the recursive call leaves, giving exactly one level: own 1, g 1.
 */
const SELF_RECURSION = profile(
  [fn('/app/m.py', 'main', 1, 1, 0, 6), fn('/app/m.py', 'f', 1, 3, 3, 6), fn('/app/m.py', 'g', 3, 3, 3, 3)],
  [edge(0, 1, 1, 1, 6), edge(1, 1, 1, 2, 4), edge(1, 2, 3, 3, 3)],
);

/**
 * Mutual recursion: main → a1 → b1 → a2 → b2, each frame 1 ms of own time.
 *   a: nc 2, cc 1, tt 2, ct 4;  b: nc 2, cc 1, tt 2, ct 3
 *   a→b: nc 2, cc 1, ct 3 (b1's subtree);  b→a: nc 1, ct 2 (a2's subtree)
 */
const MUTUAL_RECURSION = profile(
  [fn('/app/m.py', 'main', 1, 1, 0, 4), fn('/app/m.py', 'a', 1, 2, 2, 4), fn('/app/m.py', 'b', 1, 2, 2, 3)],
  [edge(0, 1, 1, 1, 4), edge(1, 2, 1, 2, 3), edge(2, 1, 1, 1, 2)],
);

describe('CallTree: recursion', () => {
  it('shows a self-recursive call as a leaf that never expands', () => {
    const tree = new CallTree(buildProfileModel(SELF_RECURSION), { threshold: 0 });
    const [recursive, g] = tree.children('0/1');
    assert.equal(recursive.id, '0/1/1');
    assert.equal(recursive.recursive, true);
    assert.equal(recursive.hasChildren, false);
    assert.deepEqual(tree.children('0/1/1'), []);
    assertMs(recursive.total, 4, 'recursive f');
    assert.equal(recursive.own, 0);
    assert.deepEqual([recursive.cc, recursive.nc], [1, 2]);
    assert.equal(g.id, '0/1/2');
    assert.equal(g.recursive, false);
  });

  it('fits a recursive node own time and other children into what the recursion leaves', () => {
    const tree = new CallTree(buildProfileModel(SELF_RECURSION), { threshold: 0 });
    const f = tree.children('0')[0];
    assertMs(f.total, 6, 'f');
    assertMs(f.own, 1, 'f own: one level');
    const g = tree.children('0/1').find((c) => c.fn === 2)!;
    assertMs(g.total, 1, 'g: one level');
    assert.equal(g.exact, false, 'scaled numbers are estimates');
    assert.equal(assertTreeConsistent(tree), 4);
  });

  it('ends mutual recursion at the first repeated function', () => {
    const tree = new CallTree(buildProfileModel(MUTUAL_RECURSION), { threshold: 0 });
    // a: raw own 2 + b 3 = 5 > 4, scaled by 0.8.
    const a = tree.children('0')[0];
    assertMs(a.total, 4, 'a');
    assertMs(a.own, 1.6, 'a own');
    const [b] = tree.children('0/1');
    assertMs(b.total, 2.4, 'b under a');
    // b at share 0.8: recursive a keeps 2 × 0.8 = 1.6; own 1.6 is scaled into the 0.8 left.
    assertMs(b.own, 0.8, 'b own');
    const [again] = tree.children('0/1/2');
    assert.equal(again.id, '0/1/2/1');
    assert.equal(again.recursive, true);
    assertMs(again.total, 1.6, 'recursive a');
    assert.equal(assertTreeConsistent(tree), 4);
  });

  it('stops the hot path at a recursive call', () => {
    const tree = new CallTree(buildProfileModel(SELF_RECURSION), { threshold: 0 });
    assert.deepEqual(hotPath(tree, '0'), ['0', '0/1', '0/1/1']);
  });

  it('finds a cycle entered from unprofiled code, which has no function without callers', () => {
    // Only a → b → a recorded: the call into a came from the middleware.
    const cycle = profile([fn('/app/m.py', 'a', 1, 2, 2, 4), fn('/app/m.py', 'b', 1, 2, 2, 3)], [edge(0, 1, 1, 2, 3), edge(1, 0, 1, 1, 2)]);
    const model = buildProfileModel(cycle);
    assert.deepEqual(model.roots, [0]);
    assertMs(model.totalTime, 4, 'profiled time');
    const tree = new CallTree(model, { threshold: 0 });
    assert.deepEqual(hotPath(tree, '0'), ['0', '0/1', '0/1/0']);
    assertTreeConsistent(tree);
  });

  it('stays consistent and finite in a densely recursive graph', () => {
    // Every function calls every function, itself included: every path ends in recursion.
    const n = 7;
    const functions = Array.from({ length: n }, (_, i) => fn('/app/dense.py', `f${i}`, 1, 10, 3, 10 - i));
    const edges = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (j !== 0) edges.push(edge(i, j, 1, 2, 9 - j));
    const tree = new CallTree(buildProfileModel(profile(functions, edges)), { threshold: 0 });
    // The root, then 6 children under each of the 1 + 6 + 6·5 + ... + 6! = 1957 non-recursive nodes.
    assert.equal(assertTreeConsistent(tree), 1 + 6 * 1957);
  });
});
