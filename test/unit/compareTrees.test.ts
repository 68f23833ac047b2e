/**
 * Comparing two call trees node by node (src/core/compareTrees.ts): nodes match by their path of
 * functions, a function being its (file, line, name) whatever its index in each profile; paths
 * only in B are new, only in A vanished; the change is in seconds and in shares; the path that
 * explains the difference; B's differential flame graph. Numbers are small enough to check by hand.
 */
import * as assert from 'node:assert/strict';
import {
  changeColour,
  compareProfileTrees,
  compareTrees,
  differentialFlame,
  explainingPath,
  largestSelfChange,
  type TreeComparison,
  type TreeDifference,
} from '../../src/core/compareTrees';
import { flameFromStacks } from '../../src/core/flameGraph';
import type { SampledStack } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { PATHS, assertMs, edge, fn, profile } from './callTreeSamples';
import { BASELINE, CHANGED } from './compareSamples';

const MS = 0.001;

/** The node at a path of display names from the root (the root's children first). */
function at(comparison: TreeComparison, ...names: string[]): TreeDifference {
  let node = comparison.nodes[0];
  for (const name of names) {
    const next = node.children.map((i) => comparison.nodes[i]).find((n) => n.name === name);
    node = next ?? assert.fail(`no ${name} under ${node.name}: ${node.children.map((i) => comparison.nodes[i].name).join(', ')}`);
  }
  return node;
}

function names(comparison: TreeComparison, path: number[]): string[] {
  return path.map((i) => comparison.nodes[i].name);
}

describe('comparing two call trees', () => {
  // A: handler (100 ms, own 10) → query 40, render 50. B: handler (220) → query 160, render 45, lookup 5 (new).
  const comparison = compareProfileTrees({ profile: BASELINE, paths: PATHS }, { profile: CHANGED, paths: PATHS });

  it('matches nodes by their path of functions, whatever their index in each profile', () => {
    const query = at(comparison, 'handler', 'Database.query');
    assert.equal(query.status, 'both');
    assert.deepEqual([query.fnA, query.fnB], [1, 2], 'query is function 1 in A and 2 in B');
    assertMs(query.a!.total, 40, 'query in A');
    assertMs(query.b!.total, 160, 'query in B');
    assertMs(query.totalChange, 120, 'query total change');
    assertMs(query.selfChange, 120, 'query own change');
    assert.ok(Math.abs(query.totalShareChange - (160 / 220 - 40 / 100)) < 1e-12, 'in shares: 40 % → 72.7 %');
    const render = at(comparison, 'handler', 'render');
    assertMs(render.totalChange, -5, 'render');
    assert.ok(Math.abs(render.totalShareChange - (45 / 220 - 0.5)) < 1e-12);
    const handler = at(comparison, 'handler');
    assertMs(handler.totalChange, 120, 'handler total');
    assertMs(handler.selfChange, 0, 'handler own');
    assert.equal(handler.totalShareChange, 0, 'a lone entry point is the whole of each request');
    assertMs(comparison.nodes[0].totalChange, 120, 'the root: the whole difference');
    assert.equal(comparison.nodes.length, 5, 'root, handler, query, render, lookup');
  });

  it('marks a path only in B as new, with A empty', () => {
    const lookup = at(comparison, 'handler', 'lookup');
    assert.equal(lookup.status, 'new');
    assert.equal(lookup.a, null);
    assert.equal(lookup.fnA, null);
    assertMs(lookup.totalChange, 5, 'lookup');
    assert.equal(lookup.depth, 2);
  });

  it('lists children in B’s order (heaviest first), vanished ones after them, and the whole tree once', () => {
    const swapped = compareProfileTrees({ profile: CHANGED, paths: PATHS }, { profile: BASELINE, paths: PATHS });
    const handler = at(swapped, 'handler');
    assert.deepEqual(
      handler.children.map((i) => [swapped.nodes[i].name, swapped.nodes[i].status]),
      [
        ['render', 'both'],
        ['Database.query', 'both'],
        ['lookup', 'vanished'],
      ],
    );
    const lookup = at(swapped, 'handler', 'lookup');
    assert.equal(lookup.b, null);
    assertMs(lookup.totalChange, -5, 'vanished lookup');
    for (const node of swapped.nodes) {
      if (node.parent >= 0) assert.ok(swapped.nodes[node.parent].children.includes(node.index), `${node.name} is listed under its parent`);
    }
  });

  it('tells a function called from a new place apart from the same function where it was', () => {
    // A: handler → render → lookup. B: handler → lookup and handler → render (render no longer looks up).
    const a = profile(
      [fn('/app/app.py', 'handler', 1, 1, 0, 30), fn('/app/app.py', 'render', 1, 1, 10, 30), fn('/app/cache.py', 'lookup', 1, 1, 20, 20)],
      [edge(0, 1, 1, 1, 30), edge(1, 2, 1, 1, 20)],
    );
    const b = profile(
      [fn('/app/cache.py', 'lookup', 1, 1, 20, 20), fn('/app/app.py', 'handler', 1, 1, 0, 30), fn('/app/app.py', 'render', 1, 1, 10, 10)],
      [edge(1, 0, 1, 1, 20), edge(1, 2, 1, 1, 10)],
    );
    const moved = compareProfileTrees({ profile: a, paths: PATHS }, { profile: b, paths: PATHS });
    assert.equal(at(moved, 'handler', 'lookup').status, 'new');
    assert.equal(at(moved, 'handler', 'render', 'lookup').status, 'vanished');
    assertMs(at(moved, 'handler', 'render').totalChange, -20, 'render lost its lookup');
    assertMs(at(moved, 'handler').totalChange, 0, 'the request took as long');
  });

  it('finds a path the flame graph left out as too small in the other request’s call tree: it is in both', () => {
    // A: handler → big 99.995 ms and tiny 0.005 ms (5e-5 of the request: under the flame graph's cut);
    // B: handler → big 50, tiny 50. tiny is in both, 0.005 ms → 50 ms; only B's gone is new.
    const a = profile(
      [fn('/app/app.py', 'handler', 1, 1, 0, 100), fn('/app/a.py', 'big', 1, 1, 99.995, 99.995), fn('/app/a.py', 'tiny', 1, 1, 0.005, 0.005)],
      [edge(0, 1, 1, 1, 99.995), edge(0, 2, 1, 1, 0.005)],
    );
    const b = profile(
      [
        fn('/app/app.py', 'handler', 1, 1, 0, 100.001),
        fn('/app/a.py', 'tiny', 1, 1, 40, 50),
        fn('/app/a.py', 'big', 1, 1, 50, 50),
        fn('/app/a.py', 'below', 1, 1, 10, 10),
        fn('/app/a.py', 'gone', 1, 1, 0.001, 0.001),
      ],
      [edge(0, 1, 1, 1, 50), edge(0, 2, 1, 1, 50), edge(1, 3, 1, 1, 10), edge(0, 4, 1, 1, 0.001)],
    );
    const small = compareProfileTrees({ profile: a, paths: PATHS }, { profile: b, paths: PATHS });
    const tiny = at(small, 'handler', 'tiny');
    assert.equal(tiny.status, 'both', 'tiny runs under handler in A too, under the cut');
    assert.equal(tiny.fnA, 2);
    assertMs(tiny.a!.total, 0.005, 'tiny in A, from its call tree');
    assertMs(tiny.totalChange, 49.995, 'tiny');
    assert.equal(at(small, 'handler', 'tiny', 'below').status, 'new', 'tiny calls below only in B');
    // And the other way: gone (1 µs of B's 100 ms) is in B's call tree, not its flame graph.
    const back = compareProfileTrees({ profile: b, paths: PATHS }, { profile: a, paths: PATHS });
    assert.equal(at(back, 'handler', 'tiny').status, 'both');
    assert.equal(at(back, 'handler', 'tiny', 'below').status, 'vanished');
    assert.equal(small.nodes.find((n) => n.name === 'gone')?.status, undefined, 'gone is under both cuts: not shown');
  });

  it('matches sampled stacks, awaiting frames included, and everything under a vanished node vanished', () => {
    const functions = [fn('/app/app.py', 'handler', 1, 1, 0, 0), fn('/app/db.py', 'query', 1, 1, 0, 0), fn('/app/db.py', 'connect', 1, 1, 0, 0)];
    const model = buildProfileModel(profile(functions, []), PATHS);
    const stack = (frames: number[], wallMs: number, awaiting = false): SampledStack => [frames, frames.map(() => 1), awaiting, wallMs * MS, 0, 1];
    // A: handler own 10, handler→query→connect 30, handler awaiting 20. B: handler own 10, handler→query 5, awaiting 50.
    const graphA = flameFromStacks(model, [stack([0], 10), stack([0, 1, 2], 30), stack([0], 20, true)]);
    const graphB = flameFromStacks(model, [stack([0], 10), stack([0, 1], 5), stack([0], 50, true)]);
    const sampled = compareTrees({ model, graph: graphA }, { model, graph: graphB });
    assert.equal(sampled.exact, true);
    assertMs(at(sampled, 'handler', 'awaiting').totalChange, 30, 'waiting');
    const query = at(sampled, 'handler', 'query');
    assertMs(query.totalChange, -25, 'query');
    assertMs(query.selfChange, 5, 'query’s own time: its connect time is gone, 5 ms of its own');
    const connect = at(sampled, 'handler', 'query', 'connect');
    assert.equal(connect.status, 'vanished');
    assert.deepEqual(names(sampled, explainingPath(sampled, 'absolute')), ['all', 'handler', 'awaiting']);
  });

  it('follows the path that explains most of the difference, and stops where the change spreads', () => {
    assert.deepEqual(names(comparison, explainingPath(comparison, 'absolute')), ['all', 'handler', 'Database.query']);
    // In shares the entry point is always 100 %: the lone child is followed anyway.
    assert.deepEqual(names(comparison, explainingPath(comparison, 'normalised')), ['all', 'handler', 'Database.query']);
    // Three children each 5 ms slower: none holds half of handler's 15 ms.
    const three = (ms: number) =>
      profile(
        [
          fn('/app/app.py', 'handler', 1, 1, 0, 3 * ms),
          fn('/app/a.py', 'x', 1, 1, ms, ms),
          fn('/app/a.py', 'y', 1, 1, ms, ms),
          fn('/app/a.py', 'z', 1, 1, ms, ms),
        ],
        [edge(0, 1, 1, 1, ms), edge(0, 2, 1, 1, ms), edge(0, 3, 1, 1, ms)],
      );
    const spread = compareProfileTrees({ profile: three(10), paths: PATHS }, { profile: three(15), paths: PATHS });
    assert.deepEqual(names(spread, explainingPath(spread, 'absolute')), ['all', 'handler']);
  });

  it('rebuilds B’s flame graph with each frame’s change, and lists what vanished', () => {
    const swapped = compareProfileTrees({ profile: CHANGED, paths: PATHS }, { profile: BASELINE, paths: PATHS });
    const flame = differentialFlame(swapped);
    assertMs(flame.graph.root.total, 100, 'the width is B’s time');
    const handler = flame.graph.root.children[0];
    assert.deepEqual(
      handler.children.map((f) => [flame.differenceOf(f).name, Math.round(f.total / MS)]),
      [
        ['render', 50],
        ['Database.query', 40],
      ],
    );
    assert.equal(handler.fn, 0, 'frames carry B’s function index');
    assert.deepEqual(
      flame.vanished.map((n) => n.name),
      ['lookup'],
    );
    assert.equal(flame.graph.height, 2);
    assertMs(flame.differenceOf(handler.children[1]).totalChange, -120, 'query');
  });

  it('colours slower frames red and faster ones blue-green, by their own time’s change', () => {
    const largest = largestSelfChange(comparison, 'absolute');
    assertMs(largest, 120, 'query’s own time changed most');
    const [slowHue, slowSaturation] = changeColour(at(comparison, 'handler', 'Database.query'), largest, 'absolute');
    const [fastHue, fastSaturation] = changeColour(at(comparison, 'handler', 'render'), largest, 'absolute');
    assert.equal(slowHue, 0, 'red');
    assert.ok(fastHue > 0.4 && fastHue < 0.55, `blue-green: ${fastHue}`);
    assert.ok(slowSaturation > fastSaturation, 'the larger change is the stronger colour');
    assert.deepEqual(changeColour(at(comparison, 'handler'), largest, 'absolute'), [0, 0, 0.62], 'handler’s own time did not change: grey');
  });

  it('is linear and iterative: two chains 100,000 calls deep', () => {
    const depth = 100_000;
    const functions = Array.from({ length: depth }, (_, i) => fn('/app/deep.py', `f${i}`, 1, 1, 0, 0));
    const model = buildProfileModel(profile(functions, []), PATHS);
    const frames = Array.from({ length: depth }, (_, i) => i);
    const graphA = flameFromStacks(model, [[frames, frames.map(() => 1), false, 0.01, 0, 1]]);
    const graphB = flameFromStacks(model, [[frames.slice(0, -1), frames.slice(0, -1).map(() => 1), false, 0.02, 0, 1]]);
    const deep = compareTrees({ model, graph: graphA }, { model, graph: graphB });
    assert.equal(deep.nodes.length, depth + 1);
    assert.equal(deep.nodes.filter((n) => n.status === 'vanished').length, 1);
    assert.equal(explainingPath(deep, 'absolute').length, depth + 1);
    assert.equal(differentialFlame(deep).graph.height, depth - 1);
  });
});
