/**
 * The call tree of a sampled profile, built from its stacks (src/core/callTree.ts): each node
 * is a path the samples recorded, so its numbers are measured, never apportioned. The profiles
 * here are chosen so that the tree built from the caller→callee pairs the middleware also
 * writes would be wrong: a function reached by two stacks that spend its time differently.
 */
import * as assert from 'node:assert/strict';
import { CallTree, type CallTreeNode, type FunctionNode } from '../../src/core/callTree';
import { restoreExpansion, saveExpansion } from '../../src/core/expansionState';
import { flameFromStacks, functionPath, type FlameNode } from '../../src/core/flameGraph';
import { hotPath, requestHotPath } from '../../src/core/hotPath';
import type { SampledStack } from '../../src/core/profileFormat';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { formatSampledMs, sampledTimeLine, samplingSummary } from '../../src/core/sampledFigures';
import { revealPath } from '../../src/core/search';
import { PATHS, assertMs, assertTreeConsistent } from './callTreeSamples';
import { sampled, sampledData, sampledFn } from './sampledSamples';

/**
 *   0 handler → 1 view_a → 3 query → 4 execute   30 ms, 5 samples
 *   0 handler → 2 view_b → 3 query               10 ms, 2 samples (query's own code)
 *   0 handler → 2 view_b → 5 render               5 ms, 1 sample
 *   0 handler                                     2 ms, 1 sample
 * From the pairs, query (40 ms, 10 of them its own) would be split 3:1 between its callers:
 * under view_a 7.5 ms own and 22.5 in execute, under view_b 2.5 own and 7.5 in execute. The
 * stacks say view_a's query ran only execute, and view_b's query never called it.
 */
const FUNCTIONS = [
  sampledFn('/app/app.py', 'handler'),
  sampledFn('/app/views.py', 'view_a'),
  sampledFn('/app/views.py', 'view_b'),
  sampledFn('/app/db.py', 'query'),
  sampledFn('/app/db.py', 'execute'),
  sampledFn('/app/app.py', 'render'),
  sampledFn('/usr/lib/python3/dist-packages/django/core/handlers/base.py', 'dispatch'),
];
const TWO_CALLERS = [sampled([0, 1, 3, 4], 30, 5), sampled([0, 2, 3], 10, 2), sampled([0, 2, 5], 5, 1), sampled([0], 2, 1)];

function treeOf(stacks: SampledStack[], options: { foldLibraries?: boolean; threshold?: number } = {}): CallTree {
  const data = sampledData(FUNCTIONS, stacks);
  return new CallTree(buildProfileModel(data, PATHS), { threshold: 0, ...options }, data.stacks);
}

function at(tree: CallTree, path: number[]): FunctionNode {
  return tree.nodeAt(path) ?? assert.fail(`no node at ${path.join('/')}`);
}

describe('call tree of a sampled profile, from its stacks', () => {
  it('gives a function reached by two stacks the time of each stack, not a share of its total', () => {
    const tree = treeOf(TWO_CALLERS);
    const underA = at(tree, [0, 1, 3]);
    assertMs(underA.total, 30, 'query under view_a');
    assertMs(underA.own, 0, 'query under view_a, own');
    assert.deepEqual(
      tree.children(underA.id).map((c) => c.fn),
      [4],
    );
    assertMs(at(tree, [0, 1, 3, 4]).total, 30, 'execute under view_a');
    const underB = at(tree, [0, 2, 3]);
    assertMs(underB.total, 10, 'query under view_b');
    assertMs(underB.own, 10, 'query under view_b, own');
    assert.equal(underB.hasChildren, false);
    assert.equal(tree.nodeAt([0, 2, 3, 4]), undefined, 'view_b’s query never called execute');
  });

  it('counts samples where cProfile counts calls, and marks nothing as an estimate', () => {
    const tree = treeOf(TWO_CALLERS);
    const [root] = tree.roots();
    assert.equal(root.fn, 0);
    assertMs(root.total, 47, 'handler');
    assertMs(root.own, 2, 'handler own');
    assert.deepEqual([root.cc, root.nc], [9, 9]);
    assert.deepEqual([at(tree, [0, 2]).cc, at(tree, [0, 2, 3]).cc, at(tree, [0, 2, 5]).nc], [3, 2, 1]);
    const nodes = allNodes(tree);
    assert.equal(nodes.length, 7);
    assert.deepEqual(
      nodes.filter((n) => n.kind === 'function' && !n.exact).map((n) => n.id),
      [],
    );
    assertTreeConsistent(tree);
    assert.equal(tree.sampled, true, 'for the view to say samples');
    assert.equal(tree.totalTime, 0.047);
    assert.ok(Math.abs(at(tree, [0, 1]).fraction - 30 / 47) < 1e-12);
  });

  it('shows a function that recurs at each level it recurs, as the stacks have it', () => {
    const tree = treeOf([sampled([0, 3, 3, 4], 10, 2), sampled([0, 3], 5, 1)]);
    const outer = at(tree, [0, 3]);
    assertMs(outer.total, 15, 'outer query');
    assertMs(outer.own, 5, 'outer query own');
    const inner = at(tree, [0, 3, 3]);
    assert.equal(inner.recursive, false);
    assertMs(inner.total, 10, 'inner query');
    assertMs(at(tree, [0, 3, 3, 4]).total, 10, 'execute under the inner query');
  });

  it('shows the time an asyncio request waited as "awaiting" rows, as the flame graph does', () => {
    const stacks = [sampled([0, 1], 20, 4), sampled([0, 1], 50, 10, true), sampled([], 5, 1, true), sampled([0], 10, 2, true)];
    const tree = treeOf(stacks);
    assertMs(tree.totalTime, 85, 'the whole request');
    const top = tree.shownChildren(null);
    assert.deepEqual(
      top.map((n) => n.id),
      ['0', 'awaiting'],
    );
    assertMs(top[1].total, 5, 'awaiting outside the handler');
    const handler = at(tree, [0]);
    assertMs(handler.total, 80, 'handler');
    assertMs(handler.own, 0, 'handler runs no code of its own: it waits');
    assert.deepEqual(
      tree.shownChildren(handler.id).map((n) => [n.id, n.kind, Math.round(n.total * 1000)]),
      [
        ['0/1', 'function', 70],
        ['0/awaiting', 'awaiting', 10],
      ],
    );
    const view = at(tree, [0, 1]);
    assertMs(view.own, 20, 'view runs 20 ms');
    assert.equal(view.hasChildren, true, 'its awaiting row is under it');
    const [awaiting] = tree.shownChildren(view.id);
    assert.equal(awaiting.kind, 'awaiting');
    assert.deepEqual([awaiting.total, awaiting.own, awaiting.cc, awaiting.depth], [0.05, 0.05, 10, 2]);
    assert.equal(tree.node('0/1/awaiting'), awaiting);
    assert.deepEqual(tree.ancestorIds(awaiting.id), ['0', '0/1']);
    assert.deepEqual(tree.children(view.id), [], 'awaiting is not a function: the hot path and the flame graph’s paths skip it');
    assert.deepEqual(requestHotPath(tree), ['0', '0/1']);
    const rows = tree.visibleRows(new Set(['0', '0/1']));
    assert.deepEqual(
      rows.map((r) => r.node.id),
      ['0', '0/1', '0/1/awaiting', '0/awaiting', 'awaiting'],
    );
  });

  it('agrees with the flame graph on every frame, with and without library folding', () => {
    const stacks = [...TWO_CALLERS, sampled([0, 6, 1, 3], 12, 3), sampled([0, 6], 4, 1), sampled([0, 6, 1], 8, 2, true)];
    for (const foldLibraries of [false, true]) {
      const tree = treeOf(stacks, { foldLibraries });
      const graph = flameFromStacks(tree.model, sampledData(FUNCTIONS, stacks).stacks!, { foldLibraries });
      let frames = 0;
      const pending: FlameNode[] = [...graph.root.children];
      while (pending.length) {
        const frame = pending.pop()!;
        pending.push(...frame.children);
        if (frame.kind !== 'function') continue;
        frames++;
        const node = at(tree, functionPath(frame));
        assert.deepEqual(
          [node.total, node.own, node.nc],
          [frame.total, frame.self, frame.samples],
          `${functionPath(frame).join('/')} (folding ${foldLibraries})`,
        );
      }
      assert.equal(frames, foldLibraries ? 7 : 10);
      assertTreeConsistent(tree);
    }
    const folded = treeOf(stacks, { foldLibraries: true });
    assertMs(at(folded, [0, 1]).total, 50, 'view_a: 30 ms straight from handler, 20 through django');
    assertMs(at(folded, [0]).own, 6, 'handler: its own 2 ms and django’s 4');
  });

  it('groups small siblings under the threshold but never the awaiting row', () => {
    const stacks = [sampled([0, 1], 96, 96), sampled([0, 2], 1, 1), sampled([0, 5], 1, 1), sampled([0], 1, 1, true), sampled([0, 3], 1, 1)];
    const tree = treeOf(stacks, { threshold: 0.05 });
    assert.deepEqual(
      tree.shownChildren('0').map((n) => n.kind),
      ['function', 'awaiting', 'other'],
    );
    const other = tree.shownChildren('0')[2];
    assert.equal(other.kind === 'other' && other.functions.length, 3);
    assert.equal(other.cc, 3, 'samples');
  });

  it('restores an expansion on a new tree and follows the hot path by measured time', () => {
    const tree = treeOf(TWO_CALLERS);
    assert.deepEqual(hotPath(tree, '0'), ['0', '0/1', '0/1/3', '0/1/3/4']);
    const expanded = new Set(['0', '0/2', '0/2/3']);
    const again = treeOf(TWO_CALLERS);
    assert.deepEqual([...restoreExpansion(again, saveExpansion(tree, expanded))].sort(), [...expanded].sort());
  });
});

describe('revealing a function in a sampled tree (search, show in call tree)', () => {
  // query under view_a is heavier, but only view_b's query called execute.
  const stacks = [sampled([0, 1, 3], 30, 5), sampled([0, 2, 3, 4], 10, 2), sampled([0, 6, 1, 3, 4], 4, 1)];

  it('opens the path where the function costs most among the recorded ones', () => {
    const tree = treeOf(stacks);
    assert.deepEqual(tree.heaviestPathTo(4), [0, 2, 3, 4]);
    assert.deepEqual(tree.heaviestPathTo(3), [0, 1, 3]);
    assert.equal(tree.heaviestPathTo(5), null, 'render is in no stack');
    // The best path chained from the pairs runs through the heavier caller: no stack has it.
    const fromPairs = revealPath(tree.model, 4, false);
    assert.deepEqual(fromPairs, [0, 1, 3, 4]);
    assert.equal(tree.nodeAt(fromPairs!), undefined);
  });

  it('opens a node the tree has for every function, with library folding too', () => {
    for (const foldLibraries of [false, true]) {
      const tree = treeOf(stacks, { foldLibraries });
      for (const fn of [0, 1, 2, 3, 4, 6]) {
        const path = tree.heaviestPathTo(fn) ?? assert.fail(`no path to ${fn}`);
        assert.ok(tree.nodeAt(path), `${fn} (folding ${foldLibraries}): ${path.join('/')}`);
      }
    }
    assert.deepEqual(treeOf(stacks, { foldLibraries: true }).heaviestPathTo(6), [0], 'django is folded into the handler');
  });
});

describe('sampled figures as the views word them', () => {
  it('counts the samples that ended at a node: its own, running', () => {
    const tree = treeOf([sampled([0, 1], 20, 4), sampled([0, 1], 50, 10, true), sampled([0], 3, 3)]);
    assert.deepEqual([tree.ownSamples('0'), tree.ownSamples('0/1'), tree.ownSamples('0/1/awaiting'), tree.ownSamples('9')], [3, 4, 10, 0]);
  });

  it('rounds sampled times to a tenth of a millisecond, and says where they come from', () => {
    assert.deepEqual(
      [formatSampledMs(0.0123), formatSampledMs(4.26), formatSampledMs(12.34), formatSampledMs(1234)],
      ['0.0 ms', '4.3 ms', '12.3 ms', '1.23 s'],
    );
    assert.equal(samplingSummary({ samples: 41, rateHz: 162.4, maxGapMs: 6.3 }), 'Times from 41 samples at 162 Hz (longest gap 6.30 ms)');
    assert.equal(samplingSummary({ samples: 1, rateHz: 4.5, maxGapMs: 220 }), 'Times from 1 sample at 4.5 Hz (longest gap 220 ms)');
    assert.equal(sampledTimeLine(0.047, 9, 0.002, 1), '47.0 ms in 9 samples, 2.0 ms in 1 of them running here');
    assert.equal(sampledTimeLine(0.0301, 5, 0, 0), '30.1 ms in 5 samples');
  });
});

describe('a 100,000-deep sampled stack', function () {
  this.timeout(300_000);
  const DEPTH = 100_000;

  function deepModel(): { model: ProfileModel; stacks: SampledStack[] } {
    const functions = Array.from({ length: DEPTH }, (_, i) => sampledFn(`/app/deep/level_${i % 97}.py`, `level_${i}`));
    const frames = functions.map((_, i) => i);
    // The whole chain, and a sample ending at every 10,000th level, every other one awaiting there.
    const stacks = [
      sampled(frames, 100, 100),
      ...frames.filter((i) => i % 10_000 === 9_999).map((i) => sampled(frames.slice(0, i + 1), 1, 1, i % 20_000 === 9_999)),
    ];
    const data = sampledData(functions, stacks);
    return { model: buildProfileModel(data, PATHS), stacks: data.stacks! };
  }

  it('builds, expands its hot path and lists every row, with short ids', () => {
    const { model, stacks } = deepModel();
    const tree = new CallTree(model, {}, stacks);
    const hot = requestHotPath(tree);
    assert.equal(hot.length, DEPTH);
    const rows = tree.visibleRows(new Set(hot));
    // Every level, and an awaiting row under every 20,000th.
    assert.equal(rows.length, DEPTH + 5);
    const last = rows.find((r) => r.node.depth === DEPTH - 1)?.node as FunctionNode;
    assert.equal(last.fn, DEPTH - 1);
    assertMs(last.total, 101, 'the deepest frame: the whole chain’s samples and its own one');
    assertMs(last.own, 101, 'the deepest frame’s own time');
    assert.ok(Math.max(...rows.map((r) => r.node.id.length)) < 500);
    assert.equal(tree.nodeAt(tree.functionPath(last.id)), last);
    const restored = restoreExpansion(new CallTree(model, {}, stacks), saveExpansion(tree, hot));
    assert.equal(restored.size, DEPTH);
  });

  it('builds a stack of one function recurring 100,000 times', () => {
    const functions = [sampledFn('/app/app.py', 'recurse')];
    const data = sampledData(functions, [sampled(new Array<number>(DEPTH).fill(0), 10, 10)]);
    const tree = new CallTree(buildProfileModel(data, PATHS), {}, data.stacks);
    const hot = requestHotPath(tree);
    assert.equal(hot.length, DEPTH);
    assert.equal(tree.node(hot[hot.length - 1])?.depth, DEPTH - 1);
  });
});

function allNodes(tree: CallTree): CallTreeNode[] {
  const nodes: CallTreeNode[] = [];
  const pending: CallTreeNode[] = tree.shownChildren(null);
  while (pending.length) {
    const node = pending.pop()!;
    nodes.push(node);
    if (node.kind === 'function') pending.push(...tree.shownChildren(node.id));
  }
  return nodes;
}
