/**
 * What keeps the Flame tab fast on a large graph (issue 14): the layout stops at a node's first
 * child too narrow to draw when children are heaviest first, the drawn frames are found by row
 * with a binary search and narrow frames side by side are drawn as one block
 * (src/core/flameRows.ts), and a sampled profile's graph is built once
 * for the call tree and the Flame tab (sharedFlameFromStacks).
 */
import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import {
  flameFromStacks,
  layoutFlame,
  newNode,
  newRoot,
  sharedFlameFromStacks,
  type FlameGraph,
  type FlameNode,
  type FlameRect,
} from '../../src/core/flameGraph';
import { FlameRows, eachBlock } from '../../src/core/flameRows';
import type { SampledStack } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { PATHS, calledOnce, profile } from './callTreeSamples';

const FUNCTIONS = calledOnce(Array.from({ length: 1002 }, (_, i) => [`/app/f${i}.py`, `f${i}`] as const));
const MODEL = buildProfileModel(profile(FUNCTIONS, []), PATHS);

/** handler (0) calling 1,000 functions, the k-th with weight 1/k: a long tail of narrow frames. */
function wideStacks(): SampledStack[] {
  return Array.from({ length: 1000 }, (_, k) => [[0, k + 1], [1, 1], false, 1 / (k + 1), 0, 1] as SampledStack);
}

describe('flame graph layout of a large graph', () => {
  it("stops at a node's first too-narrow child when children are heaviest first", () => {
    const graph = flameFromStacks(MODEL, wideStacks());
    assert.equal(graph.heaviestFirst, true);
    const handler = graph.root.children[0];
    const minWidth = 0.01;
    const drawnChildren = handler.children.filter((c) => c.total / graph.root.total >= minWidth).length;
    assert.ok(drawnChildren > 10 && drawnChildren < 100);
    // Past the first narrow child (and one more, in case), reading a child fails the test.
    for (let i = drawnChildren + 1; i < handler.children.length; i++) {
      Object.defineProperty(handler.children, i, {
        get: () => assert.fail(`child ${i} was looked at`),
      });
    }
    const rects = layoutFlame(graph, graph.root, minWidth);
    assert.equal(rects.filter((r) => r.node.parent === handler).length, drawnChildren);
  });

  it('draws the callees too narrow to draw as one "…" block after the drawn ones', () => {
    const graph = flameFromStacks(MODEL, wideStacks());
    const handler = graph.root.children[0];
    const minWidth = 0.01;
    const rects = layoutFlame(graph, graph.root, minWidth);
    const row = rects.filter((r) => r.depth === 2);
    const block = row[row.length - 1];
    const drawn = row.slice(0, -1);
    assert.equal(block.node, handler);
    assert.equal(block.hidden, handler.children.length - drawn.length);
    const drawnWidth = drawn.reduce((sum, r) => sum + r.width, 0);
    assert.ok(Math.abs(block.x - drawnWidth) < 1e-12, 'right after the drawn callees');
    assert.ok(Math.abs(block.x + block.width - 1) < 1e-12, "up to the end of handler's callees (it has no own time)");
    assert.equal(
      rects.some((r) => r.depth > 2),
      false,
      'nothing is laid out under the block',
    );
    assert.ok(
      drawn.every((r) => r.width >= minWidth),
      'none of the drawn is narrow',
    );
  });

  it('draws as "…" the time of callees a cProfile graph left out when built', () => {
    // root → a (60 %, 10 % own) → b (20 %): a's 30 % of callees cut at build time are a block of no frames.
    const root = newRoot();
    root.total = 1;
    const a = newNode(1, 'function', root, true);
    a.total = 0.6;
    a.self = 0.1;
    root.children.push(a);
    root.self = 0.4;
    const b = newNode(2, 'function', a, true);
    b.total = 0.2;
    b.self = 0.2;
    a.children.push(b);
    const graph: FlameGraph = { root, exact: false, height: 2, heaviestFirst: true };
    const blocks = layoutFlame(graph, root, 0.05).filter((r) => r.hidden !== undefined);
    assert.equal(blocks.length, 1);
    assert.deepEqual([blocks[0].node, blocks[0].depth, blocks[0].hidden], [a, 2, 0]);
    assert.ok(Math.abs(blocks[0].x - 0.2) < 1e-12 && Math.abs(blocks[0].width - 0.3) < 1e-12);
    const wide = layoutFlame(graph, root, 0.35).filter((r) => r.hidden !== undefined);
    assert.deepEqual(
      wide.map((r) => [r.hidden, Math.round(r.width * 100)]),
      [[1, 50]],
      'b (20 %) too narrow at 35 %: with the cut callees, one frame in 50 %',
    );
    assert.equal(layoutFlame(graph, root, 0.55).filter((r) => r.hidden !== undefined).length, 0, 'a block narrower than the minimum is left out too');
  });

  it('looks at every child of a graph not known to be heaviest first', () => {
    // root → a (40 %), b (1 %), c (59 %), in that order: c is drawn though b before it is not.
    const root = newRoot();
    root.total = 1;
    for (const [fnIndex, total] of [
      [1, 0.4],
      [2, 0.01],
      [3, 0.59],
    ]) {
      const node = newNode(fnIndex, 'function', root, false);
      node.total = total;
      root.children.push(node);
    }
    const graph: FlameGraph = { root, exact: true, height: 1 };
    const drawn = layoutFlame(graph, root, 0.05).map((r) => r.node.fn);
    assert.deepEqual(drawn, [-1, 1, 3]);
    const c = layoutFlame(graph, root, 0.05).find((r) => r.node.fn === 3);
    assert.ok(Math.abs((c?.x ?? 0) - 0.41) < 1e-12, 'c starts after a and b');
  });
});

describe('flame rows', () => {
  const graph = flameFromStacks(MODEL, wideStacks());
  const handler = graph.root.children[0];
  const rows = new FlameRows(layoutFlame(graph, graph.root, 0.01));

  it('finds the frame under a point of a row, and none in a gap or past the last', () => {
    const first = handler.children[0];
    const second = handler.children[1];
    const share = (node: FlameNode) => node.total / graph.root.total;
    assert.equal(rows.at(2, 0), first);
    assert.equal(rows.at(2, share(first) / 2), first);
    assert.equal(rows.at(2, share(first) + share(second) / 2), second);
    assert.equal(rows.at(2, 0.9999), handler, 'the narrow frames at the right end are the "…" block under handler');
    assert.equal(rows.at(1, 0.5), handler);
    assert.equal(rows.at(3, 0.1), undefined, 'no row there');
  });

  it('moves along a row of many frames, not onto the "…" block', () => {
    const [first, second, third] = handler.children;
    assert.equal(rows.neighbour(second, 'previous'), first);
    assert.equal(rows.neighbour(second, 'next'), third);
    const lastDrawn = rows.byDepth[2].filter((r) => r.hidden === undefined).pop()!.node;
    assert.equal(rows.neighbour(lastDrawn, 'next'), undefined);
    assert.equal(rows.neighbour(first, 'previous'), undefined);
    assert.equal(rows.neighbour(handler, 'child'), first);
    assert.equal(rows.neighbour(third, 'parent'), handler);
  });
});

describe('one flame graph for the call tree and the Flame tab of a sampled profile', () => {
  it('gives the graph built last for the same stacks, model and folding', () => {
    const stacks = wideStacks();
    const built = sharedFlameFromStacks(MODEL, stacks, false);
    assert.equal(sharedFlameFromStacks(MODEL, stacks, false), built);
    const folded = sharedFlameFromStacks(MODEL, stacks, true);
    assert.notEqual(folded, built);
    assert.equal(sharedFlameFromStacks(MODEL, stacks, true), folded);
    const other = buildProfileModel(profile(FUNCTIONS, []), PATHS);
    assert.notEqual(sharedFlameFromStacks(other, stacks, true), folded, 'another model builds its own');
    assert.notEqual(sharedFlameFromStacks(MODEL, wideStacks(), true), folded, 'other stacks build their own');
  });

  it("is the call tree's: the tree and the Flame tab read the same frames", () => {
    const stacks = wideStacks();
    const tree = new CallTree(MODEL, { threshold: 0 }, stacks);
    const graph = sharedFlameFromStacks(MODEL, stacks, false);
    // A mark on the Flame tab's frame shows whether the tree (which reads its frames lazily) has the same objects.
    graph.root.children[0].total = 42;
    assert.equal(tree.roots()[0].total, 42);
  });
});

describe('drawing a row: narrow frames side by side as one block', () => {
  /** Rects of one row from [x, width] pairs in pixels of a 100 px wide view. */
  const row = (...pairs: [number, number][]): FlameRect[] =>
    pairs.map(([x, width], i) => ({ node: newNode(i, 'function', null, false), x: x / 100, width: width / 100, depth: 1 }));
  /** What eachBlock asks to draw, as "frame i" and "run from..to ×count widest i" strings. */
  const blocksOf = (rects: FlameRect[], alone: (rect: FlameRect) => boolean = () => false): string[] => {
    const drawn: string[] = [];
    const round = (n: number) => Math.round(n * 1000) / 1000;
    eachBlock(rects, 100, 2, alone, {
      frame: (rect, x, width) => drawn.push(`frame ${rect.node.fn} at ${round(x)} ${round(width)}`),
      run: (x, width, widest, count) => drawn.push(`run at ${round(x)} ${round(width)} ×${count} widest ${widest.node.fn}`),
    });
    return drawn;
  };

  it('draws wide frames each, and touching narrow ones as one run coloured as the widest', () => {
    const rects = row([0, 50], [50, 1], [51, 1.5], [52.5, 0.5], [53, 10]);
    assert.deepEqual(blocksOf(rects), ['frame 0 at 0 50', 'run at 50 3 ×3 widest 2', 'frame 4 at 53 10']);
  });

  it('ends a run at a gap wider than a pixel, and draws a run of one as its frame', () => {
    const rects = row([0, 1], [1, 1], [5, 1], [20, 0.5]);
    assert.deepEqual(blocksOf(rects), ['run at 0 2 ×2 widest 0', 'frame 2 at 5 1', 'frame 3 at 20 0.5']);
  });

  it('draws alone the frames that must stand out (the selection, a match)', () => {
    const rects = row([0, 1], [1, 1], [2, 1], [3, 1]);
    assert.deepEqual(
      blocksOf(rects, (rect) => rect.node.fn === 2),
      ['run at 0 2 ×2 widest 0', 'frame 2 at 2 1', 'frame 3 at 3 1'],
    );
  });
});
