import * as assert from 'node:assert/strict';
import { CallersTree } from '../../src/core/callers';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertMs, edge, fn, profile, SPLIT } from './callTreeSamples';

describe('CallersTree', () => {
  it('starts at the chosen function with its own numbers', () => {
    const root = new CallersTree(buildProfileModel(SPLIT), 3).root();
    assert.equal(root.id, '3');
    assertMs(root.time, 60, 'query');
    assert.equal(root.shareOfTarget, 1);
    assert.equal(root.fraction, 0.6);
    assert.deepEqual([root.cc, root.nc], [6, 6]);
    assert.equal(root.hasCallers, true);
  });

  it('gives each direct caller its recorded share, biggest first', () => {
    const callers = new CallersTree(buildProfileModel(SPLIT), 3).callers('3');
    assert.deepEqual(
      callers.map((c) => c.id),
      ['3/1', '3/2'],
    );
    assertMs(callers[0].time, 40, 'from a');
    assertMs(callers[1].time, 20, 'from b');
    assert.ok(Math.abs(callers[0].shareOfTarget - 2 / 3) < 1e-12);
    assert.deepEqual([callers[0].cc, callers[0].nc], [4, 4]);
    assert.equal(callers[0].exact, true, 'a direct caller’s share is recorded, not estimated');
  });

  it('apportions further up in proportion to the edges into each caller', () => {
    const tree = new CallersTree(buildProfileModel(SPLIT), 4);
    const [query] = tree.callers('4');
    assertMs(query.time, 45, 'execute from query');
    const [viaA, viaB] = tree.callers('4/3');
    assert.equal(viaA.id, '4/3/1');
    assertMs(viaA.time, 30, 'execute through a: 45 × 40/60');
    assertMs(viaB.time, 15, 'execute through b: 45 × 20/60');
    assert.equal(viaA.exact, false, 'query has two callers: apportioned');
    const [handler] = tree.callers('4/3/1');
    assertMs(handler.time, 30, 'through a from handler');
    assert.equal(handler.hasCallers, false, 'handler is a root');
    assert.deepEqual(tree.callers('4/3/1/0'), []);
  });

  it('lists visible rows and resolves a restored id', () => {
    const tree = new CallersTree(buildProfileModel(SPLIT), 4);
    assert.deepEqual(
      tree.visibleRows(new Set(['4', '4/3'])).map((n) => n.id),
      ['4', '4/3', '4/3/1', '4/3/2'],
    );
    const fresh = new CallersTree(buildProfileModel(SPLIT), 4);
    assertMs(fresh.node('4/3/2/0')!.time, 15, 'restored chain');
    assert.equal(fresh.node('4/1'), undefined, 'a is not a caller of execute');
    assert.equal(fresh.node('3'), undefined, 'another function’s chain');
  });

  it('leaves out self-calls and stops at a function already in the chain', () => {
    // main → a → b → a → b (mutual recursion); a: ct 4, edges in: main 4, b 2.
    const mutual = profile(
      [fn('/app/m.py', 'main', 1, 1, 0, 4), fn('/app/m.py', 'a', 1, 2, 2, 4), fn('/app/m.py', 'b', 1, 2, 2, 3)],
      [edge(0, 1, 1, 1, 4), edge(1, 2, 1, 2, 3), edge(2, 1, 1, 1, 2), edge(2, 2, 0, 1, 1)],
    );
    const tree = new CallersTree(buildProfileModel(mutual), 2);
    const [a] = tree.callers('2');
    assert.equal(a.id, '2/1', 'b’s self-call is not a caller');
    assertMs(a.time, 3, 'b from a');
    // Edges into a add up to 6 > its 4 ms: scaled, main 3 × 4/6, b 3 × 2/6.
    const [main, b] = tree.callers('2/1');
    assertMs(main.time, 2, 'through main');
    assertMs(b.time, 1, 'through b again');
    assert.equal(b.recursive, true);
    assert.equal(b.hasCallers, false);
    assert.deepEqual(tree.callers('2/1/2'), []);
    assert.equal(main.exact, false);
  });

  it('shows a root as a function without callers', () => {
    const tree = new CallersTree(buildProfileModel(SPLIT), 0);
    assert.equal(tree.root().hasCallers, false);
    assert.deepEqual(tree.callers('0'), []);
    assert.deepEqual(
      tree.visibleRows(new Set(['0'])).map((n) => n.id),
      ['0'],
    );
  });
});
