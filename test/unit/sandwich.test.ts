/**
 * The sandwich of a function (src/core/sandwich.ts): its callers above it and its callees below,
 * merged over every path through it. Sampled profiles are checked against sums over their own
 * stacks; cProfile ones against the caller→callee records; recursion is counted once; a chain
 * 100,000 calls deep must not go quadratic or overflow the stack.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FlameGraph, FlameNode } from '../../src/core/flameGraph';
import { isSampled, type ProfileDocument, type SampledStack } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { callerPaths, type CallerPath } from '../../src/core/sampledFunctions';
import { sandwichFromPairs, sandwichFromStacks, type Sandwich } from '../../src/core/sandwich';
import { makeDeepChainData } from '../support/makeDeepChain.mjs';
import { PATHS, assertMs } from './callTreeSamples';
import { sampled, sampledData, sampledFn } from './sampledSamples';

const FIXTURES = resolve(__dirname, '../../../test/fixtures');

function fixture(folder: string, path: string): ProfileDocument {
  const dir = join(FIXTURES, folder);
  const name = readdirSync(dir).find((n) => n.endsWith('.rprof.json') && readFileSync(join(dir, n), 'utf8').includes(`"path":${JSON.stringify(path)}`));
  assert.ok(name, `a fixture for ${path} in ${dir}`);
  return parseProfileDocument(readFileSync(join(dir, name), 'utf8'));
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1e-6, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

/** A frame's children by function (own and awaiting frames by their kind). */
function child(node: FlameNode, fn: number | 'own' | 'awaiting'): FlameNode {
  const found = node.children.find((c) => (typeof fn === 'number' ? c.kind === 'function' && c.fn === fn : c.kind === fn));
  return found ?? assert.fail(`no ${String(fn)} under ${node.fn}`);
}

/** Every frame: finite times, children within their parent, depths one more than the parent's, the graph's height the deepest. */
function assertGraphConsistent(graph: FlameGraph, what: string): number {
  let frames = 0;
  let deepest = 0;
  const pending = [graph.root];
  while (pending.length) {
    const node = pending.pop()!;
    frames++;
    deepest = Math.max(deepest, node.depth);
    assert.ok(Number.isFinite(node.total) && node.total >= 0, `${what}: total ${node.total}`);
    let inside = 0;
    for (const c of node.children) {
      assert.equal(c.parent, node);
      assert.equal(c.depth, node.depth + 1);
      inside += c.total;
      pending.push(c);
    }
    assert.ok(inside <= node.total * (1 + 1e-9) + 1e-15, `${what}: children of ${node.fn} hold ${inside} > ${node.total}`);
  }
  assert.equal(graph.height, deepest, `${what}: height`);
  return frames;
}

/** The callers half as chains of callers, to compare with callerPaths (the Callers tab's exact chains). */
function assertSameChains(frame: FlameNode, path: CallerPath, what: string): void {
  assert.equal(frame.fn, path.fn, what);
  near(frame.total, path.time, `${what} time`);
  assert.equal(frame.samples, path.samples, `${what} samples`);
  assert.equal(frame.children.length, path.children.length, `${what}: callers`);
  const pending: [FlameNode, CallerPath][] = frame.children.map((c, i) => [c, path.children[i]]);
  while (pending.length) {
    const [f, p] = pending.pop()!;
    assert.equal(f.fn, p.fn);
    near(f.total, p.time, `${what} via ${p.fn}`);
    f.children.forEach((c, i) => pending.push([c, p.children[i]]));
  }
}

describe('sandwich of a function in a sampled profile', () => {
  const FUNCTIONS = ['handler', 'view_a', 'view_b', 'query', 'execute'].map((name) => sampledFn(`/app/${name}.py`, name));
  const [HANDLER, VIEW_A, VIEW_B, QUERY, EXECUTE] = [0, 1, 2, 3, 4];
  // query recurses (directly, and through view_a); one stack waits at an await in query.
  const stacks = [
    sampled([HANDLER, VIEW_A, QUERY, EXECUTE], 30, 5),
    sampled([HANDLER, VIEW_B, QUERY], 10, 2),
    sampled([HANDLER, QUERY, VIEW_A, QUERY, EXECUTE], 4, 1),
    sampled([HANDLER, VIEW_B, QUERY, QUERY, EXECUTE], 6, 1),
    sampled([HANDLER, VIEW_A, QUERY], 5, 1, true),
    sampled([HANDLER, VIEW_A], 7, 1),
  ];
  const data = sampledData(FUNCTIONS, stacks);
  const model = buildProfileModel(data, PATHS);
  const sandwich = sandwichFromStacks(model, data.stacks!, QUERY);

  it('counts each stack through the function once, however often it recurs there', () => {
    assertMs(sandwich.total, 55, 'query: every stack but the last, once each');
    assertMs(sandwich.callers.root.total, 55, 'callers root');
    assertMs(sandwich.callees.root.total, 55, 'callees root');
    assert.equal(sandwich.count, 10, 'samples with query on the stack');
    assert.equal(sandwich.exact, true);
  });

  it('puts the callers above its outermost call, nearest first, up to the entry point', () => {
    const root = sandwich.callers.root;
    assert.deepEqual(
      root.children.map((c) => [c.fn, Math.round(c.total * 1e6) / 1e3]),
      [
        [VIEW_A, 35],
        [VIEW_B, 16],
        [HANDLER, 4],
      ],
    );
    assertMs(child(child(root, VIEW_A), HANDLER).total, 35, 'handler above view_a');
    assertMs(child(root, HANDLER).self, 4, 'handler called query directly: the chain starts there');
    assert.equal(sandwich.callers.height, 2);
  });

  it('puts everything it calls below, its own time and its awaits as frames of their own', () => {
    const root = sandwich.callees.root;
    assertMs(child(root, EXECUTE).total, 30, 'execute');
    assertMs(child(child(root, QUERY), EXECUTE).total, 6, 'the inner query is a callee of the outer one');
    assertMs(child(child(child(root, VIEW_A), QUERY), EXECUTE).total, 4, 'through view_a');
    assertMs(child(root, 'own').total, 10, 'own time: the stack that ran query itself');
    assertMs(sandwich.own, 10, 'own');
    assertMs(child(root, 'awaiting').total, 5, 'waiting at an await is not own time');
    assert.equal(child(root, 'own').samples, 2);
    assert.equal(sandwich.callees.height, 3);
  });

  it('folds library frames among the callees only when asked', () => {
    const lib = [...FUNCTIONS, sampledFn('/usr/lib/python3.11/json/encoder.py', 'encode')];
    const withLibrary = sampledData(lib, [sampled([HANDLER, QUERY, 5, EXECUTE], 8, 2), sampled([HANDLER, QUERY, 5], 2, 1)]);
    const libModel = buildProfileModel(withLibrary, PATHS);
    const plain = sandwichFromStacks(libModel, withLibrary.stacks!, QUERY);
    assertMs(child(child(plain.callees.root, 5), EXECUTE).total, 8, 'encode, then execute');
    const folded = sandwichFromStacks(libModel, withLibrary.stacks!, QUERY, { foldLibraries: true });
    assertMs(child(folded.callees.root, EXECUTE).total, 8, 'execute straight under query');
    assertMs(folded.own, 2, 'encode’s own time is query’s');
  });
});

for (const path of ['/slow', '/async/checksum']) {
  describe(`sandwich on the sampled fixture of GET ${path}`, () => {
    const document = fixture('sampled', path);
    assert.ok(isSampled(document.profile));
    const stacks: SampledStack[] = document.profile.stacks;
    const model = buildProfileModel(document.profile, document.paths);

    it('agrees with sums over the stacks for every function, and its callers with the Callers tab', () => {
      for (const { index: fn } of model.functions) {
        const sandwich = sandwichFromStacks(model, stacks, fn);
        let total = 0;
        let own = 0;
        let samples = 0;
        const firstCallers = new Map<number, number>();
        const firstCallees = new Map<number, number>();
        for (const [frames, , awaiting, wall, , count] of stacks) {
          const at = frames.indexOf(fn);
          if (at < 0) continue;
          total += wall;
          samples += count;
          if (at === frames.length - 1 && !awaiting) own += wall;
          if (at > 0) firstCallers.set(frames[at - 1], (firstCallers.get(frames[at - 1]) ?? 0) + wall);
          if (at < frames.length - 1) firstCallees.set(frames[at + 1], (firstCallees.get(frames[at + 1]) ?? 0) + wall);
        }
        const name = model.functions[fn].displayName;
        near(sandwich.total, total, `${name} total`);
        near(sandwich.own, own, `${name} own`);
        assert.equal(sandwich.count, samples, `${name} samples`);
        assert.equal(sandwich.callers.root.children.length, firstCallers.size, `${name}: first callers`);
        for (const [caller, time] of firstCallers) near(child(sandwich.callers.root, caller).total, time, `${name} from ${caller}`);
        for (const [callee, time] of firstCallees) near(child(sandwich.callees.root, callee).total, time, `${name} calls ${callee}`);
        assertSameChains(sandwich.callers.root, callerPaths(stacks, fn), name);
        assertGraphConsistent(sandwich.callers, `${name} callers`);
        assertGraphConsistent(sandwich.callees, `${name} callees`);
        if (total > 0)
          near(
            sandwich.callees.root.children.reduce((sum, c) => sum + c.total, 0),
            total,
            `${name}: callees, own and awaits fill the width`,
          );
      }
    });
  });
}

describe('sandwich on a cProfile fixture (GET /slow)', () => {
  const document = fixture('profiles', '/slow');
  const model = buildProfileModel(document.profile, document.paths);
  const named = (name: string) => model.functions.find((f) => f.name === name)?.index ?? assert.fail(name);
  const edgeCt = (caller: number, callee: number) =>
    model.edges.find((e) => e.caller === caller && e.callee === callee)?.ct ?? assert.fail(`${caller}→${callee}`);

  it('gives each direct caller and callee its caller→callee record, exactly', () => {
    for (const { index: fn, ct, tt } of model.functions) {
      const sandwich = sandwichFromPairs(model, fn, {}, 0);
      near(sandwich.total, ct, 'total');
      for (const frame of sandwich.callers.root.children) {
        near(frame.total, edgeCt(frame.fn, fn), `${frame.fn}→${fn}`);
        assert.equal(frame.estimated, false, 'a direct caller is recorded');
      }
      for (const frame of sandwich.callees.root.children) {
        if (frame.kind === 'own') continue;
        if (frame.fn === fn) continue; // a self-call: the recursive leaf, capped to fit
        near(frame.total, edgeCt(fn, frame.fn), `${fn}→${frame.fn}`);
        assert.equal(frame.estimated, false, 'a direct callee is recorded');
      }
      if (!model.edges.some((e) => e.caller === fn && e.callee === fn)) near(sandwich.own, tt, `${model.functions[fn].name} own`);
      assertGraphConsistent(sandwich.callers, 'callers');
      assertGraphConsistent(sandwich.callees, 'callees');
    }
  });

  it('apportions further up, and marks that as an estimate', () => {
    const genexpr = named('<genexpr>');
    const sandwich = sandwichFromPairs(model, genexpr);
    const viaAll = child(sandwich.callers.root, named('<built-in method builtins.all>'));
    // all has one caller (is_prime): nothing to apportion above it, so still exact.
    assert.equal(child(viaAll, named('is_prime')).estimated, false);
    near(child(viaAll, named('is_prime')).total, viaAll.total, 'all’s one caller');
    // is_prime is called from <listcomp> alone, <listcomp> from primes_below: the chain goes up to demo_app.
    const top = child(child(child(child(viaAll, named('is_prime')), named('<listcomp>')), named('primes_below')), named('slow_report'));
    assert.equal(child(top, named('demo_app')).children.length, 0, 'demo_app is the entry point');
  });

  it('counts a recursive function once: its callers bring its whole time, a self-call is a callee', () => {
    const fib = named('fibonacci');
    const sandwich = sandwichFromPairs(model, fib);
    near(sandwich.callers.root.total, model.functions[fib].ct, 'fibonacci’s cumulative time, once');
    assert.deepEqual(
      sandwich.callers.root.children.map((c) => c.fn),
      [named('slow_report')],
    );
    near(sandwich.callers.root.children[0].total, model.functions[fib].ct, 'all of it from slow_report');
    const inner = child(sandwich.callees.root, fib);
    assert.equal(inner.estimated, true, 'the recursive call’s share is the tree’s estimate');
    assert.equal(inner.children.length, 0, 'and is not expanded again');
  });
});

describe('sandwich of a function in the middle of a 100,000-deep chain', function () {
  // Guards against a hang only; no times are asserted.
  this.timeout(300_000);
  const DEPTH = 100_000;
  const MIDDLE = 50_000;

  it('from cProfile pairs: every caller above, every callee below, one frame per level', () => {
    const model = buildProfileModel(makeDeepChainData(DEPTH), PATHS);
    // Nothing left out: the last levels below hold under 1e-4 of the function's time.
    const sandwich: Sandwich = sandwichFromPairs(model, MIDDLE, {}, 0);
    assert.equal(sandwich.callers.height, MIDDLE);
    assert.equal(sandwich.callees.height, DEPTH - 1 - MIDDLE);
    assert.equal(assertGraphConsistent(sandwich.callers, 'callers'), MIDDLE + 1);
    // One frame per level below, the function's own 1 µs as a frame beside them.
    assert.equal(assertGraphConsistent(sandwich.callees, 'callees'), DEPTH - MIDDLE + 1);
  });

  it('from one sampled stack of 100,000 frames', () => {
    const functions = Array.from({ length: DEPTH }, (_, i) => sampledFn(`/app/level_${i % 97}.py`, `level_${i}`));
    const data = sampledData(functions, [
      sampled(
        Array.from({ length: DEPTH }, (_, i) => i),
        5,
        1,
      ),
    ]);
    const model = buildProfileModel(data, PATHS);
    const sandwich = sandwichFromStacks(model, data.stacks!, MIDDLE);
    assert.equal(sandwich.callers.height, MIDDLE);
    assert.equal(sandwich.callees.height, DEPTH - 1 - MIDDLE);
    assertMs(sandwich.total, 5, 'the stack');
    assertGraphConsistent(sandwich.callers, 'callers');
    assertGraphConsistent(sandwich.callees, 'callees');
  });
});
