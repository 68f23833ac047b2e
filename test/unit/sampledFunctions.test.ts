/**
 * The Functions and Callers tabs of a sampled profile, read from its stacks
 * (src/core/sampledFunctions.ts): what the call tree and flame graph say, per function.
 */
import * as assert from 'node:assert/strict';
import { CallersTree } from '../../src/core/callers';
import { functionRows } from '../../src/core/functionTable';
import { buildProfileModel } from '../../src/core/profileModel';
import { callerPaths, sampledFunctionFigures, stacksTime } from '../../src/core/sampledFunctions';
import type { SampledStack } from '../../src/core/profileFormat';
import { PATHS, assertMs } from './callTreeSamples';
import { sampled, sampledData, sampledFn } from './sampledSamples';

const FUNCTIONS = ['handler', 'view_a', 'view_b', 'query', 'execute'].map((name) => sampledFn(`/app/${name}.py`, name));

function open(stacks: SampledStack[]) {
  const data = sampledData(FUNCTIONS, stacks);
  return { model: buildProfileModel(data, PATHS), stacks: data.stacks! };
}

describe('functions table of a sampled profile', () => {
  // view_a runs 20 ms and waits 50 ms at an await; query recurses once under view_b.
  const { model, stacks } = open([sampled([0, 1], 20, 4), sampled([0, 1], 50, 10, true), sampled([0, 2, 3, 3, 4], 10, 2), sampled([0, 2, 3], 6, 3)]);
  const rows = functionRows(model, sampledFunctionFigures(model.functions.length, stacks));
  const row = (name: string) => rows.find((r) => r.name === name) ?? assert.fail(name);

  it('keeps time waiting at an await out of own time, as the tree and the flame graph do', () => {
    // The file's tt counts the awaiting stack's 50 ms as view_a's own.
    assertMs(model.functions[1].tt, 70, 'view_a tt as the middleware writes it');
    assertMs(row('view_a').own, 20, 'view_a own');
    assertMs(row('view_a').awaiting ?? NaN, 50, 'view_a awaiting');
    assertMs(row('view_a').total, 70, 'view_a total: on the stack, waiting or not');
  });

  it('counts a recursive function once per sample, and samples where calls are unknown', () => {
    assertMs(row('query').total, 16, 'query');
    assert.deepEqual([row('query').cc, row('query').nc], [5, 5]);
    assertMs(row('query').own, 6, 'query own');
    assert.deepEqual([row('handler').nc, row('execute').nc], [19, 2]);
    assert.equal(row('handler').totalFraction, 1);
    assertMs(stacksTime(stacks), 86, 'every stack');
  });

  it('leaves cProfile rows as they were', () => {
    const plain = functionRows(model);
    assert.equal(plain[1].own, model.functions[1].tt);
    assert.equal(plain[1].awaiting, undefined);
  });
});

describe('callers of a function in a sampled profile', () => {
  /**
   * execute runs only under view_a's query; view_b's query runs its own code. From the pairs,
   * execute's 30 ms would reach view_b in proportion to query's time: 30 × 10/40 = 7.5 ms.
   */
  const { model, stacks } = open([sampled([0, 1, 3, 4], 30, 5), sampled([0, 2, 3], 10, 2), sampled([0, 3, 1, 3, 4], 4, 1)]);

  it('follows each chain of callers on the stacks that had it, with no estimate', () => {
    const tree = new CallersTree(model, 4, stacks, stacksTime(stacks));
    assertMs(tree.root().time, 34, 'execute');
    const [query] = tree.callers('4');
    assert.deepEqual([query.fn, query.cc, query.exact], [3, 6, true]);
    assertMs(query.time, 34, 'execute from query');
    const above = tree.callers('4/3');
    assert.deepEqual(
      above.map((c) => [c.fn, Math.round(c.time * 1000), c.nc, c.exact, c.recursive]),
      [[1, 34, 6, true, false]],
      'view_a brought execute all its time; view_b none (from the pairs: 7.5 ms)',
    );
    assert.deepEqual(
      tree.callers('4/3/1').map((c) => [c.fn, Math.round(c.time * 1000)]),
      [
        [0, 30],
        [3, 4],
      ],
      'above view_a: handler, or query again (the stack where query recursed through view_a)',
    );
    assert.deepEqual(tree.callers('4/3/1/0'), [], 'handler is the root');
    assert.equal(above[0].shareOfTarget, 1);
    assert.ok(Math.abs(above[0].fraction - 34 / 44) < 1e-12);
  });

  it('adds the callers up to the function’s total at every level, recursion included', () => {
    const root = callerPaths(stacks, 3);
    assertMs(root.time, 44, 'query, once per stack');
    assert.deepEqual(
      root.children.map((c) => [c.fn, Math.round(c.time * 1000)]),
      [
        [1, 30],
        [2, 10],
        [0, 4],
      ],
    );
    const tree = new CallersTree(model, 3, stacks, stacksTime(stacks));
    assert.equal(tree.node('3/1/0')?.time, 0.03);
    assert.deepEqual(
      tree.visibleRows(new Set(['3', '3/1'])).map((n) => n.id),
      ['3', '3/1', '3/1/0', '3/2', '3/0'],
    );
  });

  it('follows a 100,000-deep chain of callers', () => {
    const depth = 100_000;
    const functions = Array.from({ length: depth }, (_, i) => sampledFn('/app/deep.py', `level_${i}`));
    const data = sampledData(functions, [
      sampled(
        functions.map((_, i) => i),
        1,
        1,
      ),
    ]);
    const tree = new CallersTree(buildProfileModel(data, PATHS), depth - 1, data.stacks);
    let id = tree.root().id;
    for (let level = 1; level < depth; level++) id = tree.callers(id)[0].id;
    assert.equal(tree.node(id)?.fn, 0);
    assert.equal(tree.node(id)?.depth, depth - 1);
  });
});
