/**
 * The flame graph's model (src/core/flameGraph.ts): frames from a sampled profile's stacks are
 * exact; from a cProfile profile they come through the call tree, and where a function has
 * several callers they are marked as estimates. Layout, zoom, search and keyboard moves work on
 * any depth without recursion.
 */
import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import {
  ancestry,
  flameFromStacks,
  functionPath,
  layoutFlame,
  moduleHue,
  nodeAtPath,
  searchFlame,
  selfHeat,
  type FlameGraph,
  type FlameNode,
} from '../../src/core/flameGraph';
import { flameFromCallTree } from '../../src/core/flameFromCallTree';
import { FlameRows, type FlameDirection } from '../../src/core/flameRows';
import type { SampledStack } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { PATHS, SPLIT, calledOnce, fn, profile } from './callTreeSamples';

const MS = 0.001;

/**
 *   0 handler (app)   1 query (app, reached from handler and from render)   2 render (app)
 *   3 django dispatch (library)   4 view (app, called through django)   5 sleep (built-in)
 */
const FUNCTIONS = calledOnce([
  ['/app/app.py', 'handler'],
  ['/app/db.py', 'query'],
  ['/app/app.py', 'render'],
  ['/usr/lib/python3/dist-packages/django/core/handlers/base.py', 'dispatch'],
  ['/app/views.py', 'view'],
  ['~', '<built-in method time.sleep>'],
]);
const MODEL = buildProfileModel(profile(FUNCTIONS, []), PATHS);

function stack(frames: number[], wallMs: number, samples: number, awaiting = false): SampledStack {
  return [frames, frames.map(() => 1), awaiting, wallMs * MS, 0, samples];
}

function child(node: FlameNode, index: number): FlameNode {
  return node.children.filter((c) => c.kind !== 'awaiting').find((c) => c.fn === index) ?? assert.fail(`no child ${index} under ${node.fn}`);
}

function near(actual: number, expectedMs: number, what: string): void {
  assert.ok(Math.abs(actual - expectedMs * MS) < 1e-9, `${what}: ${actual / MS} ms, expected ${expectedMs}`);
}

describe('flame graph from sampled stacks', () => {
  const stacks = [stack([0, 1], 30, 30), stack([0, 2, 1], 20, 20), stack([0, 2], 15, 15), stack([0], 5, 5)];
  const graph = flameFromStacks(MODEL, stacks);

  it('adds up each path exactly, heaviest child first', () => {
    assert.equal(graph.exact, true);
    near(graph.root.total, 70, 'root');
    const handler = child(graph.root, 0);
    near(handler.total, 70, 'handler');
    near(handler.self, 5, 'handler self');
    assert.deepEqual(
      handler.children.map((c) => c.fn),
      [2, 1],
      'render (35 ms) before query (30 ms)',
    );
    near(child(handler, 1).total, 30, 'query under handler');
    const render = child(handler, 2);
    near(render.total, 35, 'render');
    near(render.self, 15, 'render self');
    near(child(render, 1).total, 20, 'query under render');
    assert.equal(child(render, 1).samples, 20);
    assert.equal(graph.height, 3);
    assert.ok(!handler.estimated && !render.estimated);
  });

  it('shows an asyncio request waiting as an awaiting frame under the frame that waited', () => {
    const waited = flameFromStacks(MODEL, [stack([0, 1], 8, 8, true), stack([0, 1], 2, 2)]);
    const query = child(child(waited.root, 0), 1);
    near(query.total, 10, 'query');
    near(query.self, 2, 'query runs 2 ms');
    const awaiting = query.children.find((c) => c.kind === 'awaiting') ?? assert.fail('no awaiting frame');
    near(awaiting.total, 8, 'awaiting');
    assert.deepEqual(functionPath(awaiting), [0, 1], 'an awaiting frame is shown in the call tree at the frame that waited');
  });

  it('folds library frames into the nearest app ancestor, keeping the app code they call', () => {
    const folded = flameFromStacks(MODEL, [stack([0, 3, 4], 40, 40), stack([0, 3], 10, 10), stack([0, 3, 4, 5], 5, 5)], { foldLibraries: true });
    const handler = child(folded.root, 0);
    near(handler.self, 10, 'django time that reached no app code');
    const view = child(handler, 4);
    near(view.total, 45, 'view');
    near(view.self, 45, 'view includes the sleep it called');
    assert.equal(view.children.length, 0);
  });

  it('keeps an entry point that is library code', () => {
    const folded = flameFromStacks(MODEL, [stack([3, 4], 4, 4)], { foldLibraries: true });
    assert.deepEqual(functionPath(child(child(folded.root, 3), 4)), [3, 4]);
  });
});

describe('flame graph from a cProfile call tree', () => {
  const model = buildProfileModel(SPLIT, PATHS);
  const graph = flameFromCallTree(new CallTree(model, { threshold: 0 }));

  it('has the call tree numbers, and marks as estimated the frames below a function with several callers', () => {
    assert.equal(graph.exact, false);
    near(graph.root.total, 100, 'root');
    const handler = child(graph.root, 0);
    const a = child(handler, 1);
    const queryUnderA = child(a, 3);
    near(queryUnderA.total, 40, 'query under a');
    near(queryUnderA.self, 10, 'its share of query own time');
    near(child(queryUnderA, 4).total, 30, 'execute under a');
    assert.equal(handler.estimated, false);
    assert.equal(a.estimated, false);
    assert.equal(queryUnderA.estimated, true);
    assert.equal(child(queryUnderA, 4).estimated, true);
  });

  it('leaves out frames under the minimum share, their time staying in the parent', () => {
    const coarse = flameFromCallTree(new CallTree(model, { threshold: 0 }), 0.25);
    const handler = child(coarse.root, 0);
    assert.deepEqual(
      handler.children.map((c) => c.fn),
      [1, 2],
    );
    assert.deepEqual(
      child(handler, 2).children.map((c) => c.fn),
      [],
      'query under b (20 ms) is under 25 %',
    );
    near(child(handler, 2).total, 30, 'b keeps its width');
  });

  it('follows the tree through folded libraries', () => {
    const folded = flameFromCallTree(new CallTree(model, { threshold: 0, foldLibraries: true }));
    near(folded.root.total, 100, 'root');
  });
});

/** A chain `depth` calls deep, as cProfile records it, with its one stack. */
function deepChain(depth: number): { graph: FlameGraph; stacks: FlameGraph } {
  const functions = [];
  const edges: [number, number, number, number, number, number][] = [];
  for (let i = 0; i < depth; i++) {
    functions.push(fn(`/app/level_${i % 97}.py`, `level_${i}`, 1, 1, 0.001, (depth - i) * 0.001));
    if (i > 0) edges.push([i - 1, i, 1, 1, 0.000001, (depth - i) * 0.000001]);
  }
  const model = buildProfileModel(profile(functions, edges), PATHS);
  const frames = functions.map((_, i) => i);
  return {
    graph: flameFromCallTree(new CallTree(model, { threshold: 0 }), 0),
    stacks: flameFromStacks(model, [[frames, frames.map(() => 1), false, depth * 0.000001, 0, 1]]),
  };
}

describe('flame graph of a 100,000-deep chain', () => {
  const { graph, stacks } = deepChain(100_000);

  it('builds, lays out and searches without recursion', () => {
    assert.equal(graph.height, 100_000);
    assert.equal(stacks.height, 100_000);
    const rects = layoutFlame(stacks);
    assert.equal(rects.length, 100_001);
    const found = searchFlame(graph, (f) => f === 99_999);
    assert.equal(found.matches.size, 1);
    let deepest = graph.root;
    while (deepest.children.length > 0) deepest = deepest.children[0];
    assert.equal(functionPath(deepest).length, 100_000);
    assert.equal(ancestry(deepest).length, 100_001);
  });
});

describe('flame graph layout, zoom, search and keys', () => {
  const stacks = [stack([0, 1], 60, 60), stack([0, 2, 1], 30, 30), stack([0, 2], 10, 10)];
  const graph = flameFromStacks(MODEL, stacks);
  const handler = child(graph.root, 0);
  const render = child(handler, 2);

  it('lays frames out in proportion, parents before children', () => {
    const rects = layoutFlame(graph);
    const of = (node: FlameNode) => rects.find((r) => r.node === node) ?? assert.fail('not drawn');
    assert.deepEqual([of(graph.root).x, of(graph.root).width], [0, 1]);
    assert.ok(Math.abs(of(child(handler, 1)).width - 0.6) < 1e-12);
    assert.ok(Math.abs(of(render).x - 0.6) < 1e-12);
    assert.ok(Math.abs(of(render).width - 0.4) < 1e-12);
    assert.ok(Math.abs(of(child(render, 1)).x - 0.6) < 1e-12);
    assert.ok(rects.indexOf(of(handler)) < rects.indexOf(of(render)));
  });

  it('zooms: the focus and its ancestors span the width, its children fill it', () => {
    const rects = layoutFlame(graph, render);
    const of = (node: FlameNode) => rects.find((r) => r.node === node);
    assert.deepEqual([of(graph.root)?.width, of(handler)?.width, of(render)?.width], [1, 1, 1]);
    assert.ok(Math.abs((of(child(render, 1))?.width ?? 0) - 0.75) < 1e-12);
    assert.equal(of(child(handler, 1)), undefined, 'a sibling of the focus is not drawn');
    assert.deepEqual(
      ancestry(render).map((n) => n.fn),
      [-1, 0, 2],
    );
  });

  it('leaves out frames narrower than the minimum width', () => {
    const rects = layoutFlame(graph, graph.root, 0.35);
    assert.equal(
      rects.some((r) => r.node === child(render, 1)),
      false,
      'query under render is 30 %',
    );
  });

  it('finds every frame of a function and counts nested matches once', () => {
    const found = searchFlame(graph, (f) => f === 1);
    assert.equal(found.matches.size, 2);
    assert.ok(Math.abs(found.share - 0.9) < 1e-12);
    const recursive = flameFromStacks(MODEL, [stack([0, 1, 2, 1], 10, 10), stack([0], 10, 10)]);
    assert.ok(Math.abs(searchFlame(recursive, (f) => f === 1).share - 0.5) < 1e-12, 'query inside query is not added twice');
  });

  it('moves with the keys: parent, widest child, and along the row across parents', () => {
    const rows = new FlameRows(layoutFlame(graph));
    const neighbour = (node: FlameNode, direction: FlameDirection) => rows.neighbour(node, direction);
    const queryUnderHandler = child(handler, 1);
    assert.equal(neighbour(render, 'parent'), handler);
    assert.equal(neighbour(handler, 'child'), queryUnderHandler);
    assert.equal(neighbour(queryUnderHandler, 'next'), render);
    assert.equal(neighbour(render, 'previous'), queryUnderHandler);
    assert.equal(neighbour(render, 'next'), undefined);
    assert.equal(neighbour(child(render, 1), 'previous'), undefined, 'nothing drawn left of it on its row');
  });

  it('finds a frame by its call tree path', () => {
    assert.equal(nodeAtPath(graph, [0, 2, 1]), child(render, 1));
    assert.equal(nodeAtPath(graph, [0, 5]), undefined);
  });

  it('colours by own time relative to the hottest frame', () => {
    const heat = selfHeat(graph);
    assert.equal(heat(child(handler, 1)), 1);
    assert.ok(Math.abs(heat(render) - 10 / 60) < 1e-12);
    assert.equal(heat(graph.root), 0);
  });

  it('gives a package one hue, stable across calls', () => {
    assert.equal(moduleHue('django.core.handlers.base'), moduleHue('django.urls'));
    assert.notEqual(moduleHue('django.urls'), moduleHue('sqlalchemy.orm'));
    const hue = moduleHue('app');
    assert.ok(hue >= 0 && hue < 1);
  });
});
