import * as assert from 'node:assert/strict';
import { buildCallAdjacency } from '../../src/core/callAdjacency';
import { CallTree } from '../../src/core/callTree';
import { foldingOrder } from '../../src/core/foldingOrder';
import { LibraryFolder } from '../../src/core/libraryFolding';
import type { ProfiledEdge, ProfiledFunction } from '../../src/core/profileFormat';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { makeLargeProfileData, seededRandom } from '../support/makeLargeProfile.mjs';
import { edge, fn, PATHS, profile } from './callTreeSamples';

const SITE = '/usr/lib/python3/dist-packages/lib';

/** The walk's inputs as LibraryFolder makes them: shown (app) functions and the hidden ones that lead to them. */
function walkInputs(model: ProfileModel): { shown: Uint8Array; leads: Uint8Array; ct: Float64Array } {
  const n = model.functions.length;
  const shown = Uint8Array.from(model.functions, (f) => (f.kind === 'app' ? 1 : 0));
  const leads = new Uint8Array(n);
  // Fixed point, the slow obvious way: a hidden function leads to app code if a callee is shown or leads.
  for (let changed = true; changed;) {
    changed = false;
    for (const e of model.edges) {
      if (!shown[e.caller] && !leads[e.caller] && (shown[e.callee] || leads[e.callee])) {
        leads[e.caller] = 1;
        changed = true;
      }
    }
  }
  return { shown, leads, ct: Float64Array.from(model.functions, (f) => f.ct) };
}

/** Which functions each one reaches through hidden functions that lead to app code (itself included). */
function reachable(model: ProfileModel, leads: Uint8Array, from: number): Set<number> {
  const seen = new Set([from]);
  const stack = [from];
  while (stack.length) {
    for (const e of model.calleesOf[stack.pop()!]) {
      const to = model.edges[e].callee;
      if (leads[to] && !seen.has(to)) {
        seen.add(to);
        stack.push(to);
      }
    }
  }
  return seen;
}

describe('call adjacency (flat typed arrays)', () => {
  it('lists each function’s calls and callers in edge order, as the model’s lists do', () => {
    const adjacency = buildCallAdjacency(4, Int32Array.of(2, 0, 2, 1, 0), Int32Array.of(3, 1, 0, 3, 2), Float64Array.of(0.5, 0.1, 0.2, 0.3, 0.4));
    const calls = (f: number) => [...adjacency.calleeEdge.subarray(adjacency.calleeStart[f], adjacency.calleeStart[f + 1])];
    const callers = (f: number) => [...adjacency.callerEdge.subarray(adjacency.callerStart[f], adjacency.callerStart[f + 1])];
    assert.deepEqual([0, 1, 2, 3].map(calls), [[1, 4], [3], [0, 2], []]);
    assert.deepEqual([0, 1, 2, 3].map(callers), [[2], [1], [4], [0, 3]]);
    assert.deepEqual([...adjacency.callee], [1, 2, 3, 3, 0]);
    assert.deepEqual([...adjacency.calleeCt], [0.1, 0.4, 0.3, 0.5, 0.2]);
    assert.deepEqual([...adjacency.caller], [2, 0, 0, 2, 1]);
  });

  it('holds the same graph as the model’s lists and edges', () => {
    const data = makeLargeProfileData(700, 2800, 3);
    const model = buildProfileModel(data, PATHS);
    const { calleeStart, calleeEdge, callee, calleeCt, callerStart, callerEdge, caller } = model.adjacency;
    model.functions.forEach((_, f) => {
      assert.deepEqual([...calleeEdge.subarray(calleeStart[f], calleeStart[f + 1])], model.calleesOf[f]);
      assert.deepEqual([...callerEdge.subarray(callerStart[f], callerStart[f + 1])], model.callersOf[f]);
      for (let k = calleeStart[f]; k < calleeStart[f + 1]; k++) {
        assert.equal(callee[k], model.edges[calleeEdge[k]].callee);
        assert.equal(calleeCt[k], model.edges[calleeEdge[k]].ct);
      }
      for (let k = callerStart[f]; k < callerStart[f + 1]; k++) assert.equal(caller[k], model.edges[callerEdge[k]].caller);
    });
  });
});

describe('folding order', () => {
  for (const seed of [1, 5]) {
    it(`orders hidden code callers first and groups exactly the cycles' functions (generated profile ${seed})`, () => {
      const model = buildProfileModel(makeLargeProfileData(700, 2800, seed), PATHS);
      const { shown, leads, ct } = walkInputs(model);
      const { order, rank, component, componentSize } = foldingOrder(model.adjacency, shown, leads, ct);
      const walked = model.functions.filter((f) => leads[f.index]).map((f) => f.index);
      assert.deepEqual(
        [...order].sort((a, b) => a - b),
        walked,
        'every hidden function that leads to app code, once',
      );
      order.forEach((f, at) => assert.equal(rank[f], at));
      const reach = new Map(walked.map((f) => [f, reachable(model, leads, f)]));
      let cycles = 0;
      for (const a of walked) {
        const together = walked.filter((b) => reach.get(a)!.has(b) && reach.get(b)!.has(a));
        assert.deepEqual(
          together,
          walked.filter((b) => component[b] === component[a]),
          `function ${a}: its component is what it reaches and is reached from`,
        );
        assert.equal(componentSize[a], together.length);
        if (together.length > 1) cycles++;
        const ranks = together.map((b) => rank[b]);
        assert.equal(Math.max(...ranks) - Math.min(...ranks), together.length - 1, `function ${a}: its component stands together`);
      }
      assert.ok(cycles > 0, 'the generated profile has cycles among hidden functions');
      for (const e of model.edges) {
        if (leads[e.caller] && leads[e.callee] && component[e.caller] !== component[e.callee]) {
          assert.ok(rank[e.caller] < rank[e.callee], `call ${e.caller} -> ${e.callee} goes forward`);
        }
      }
    });
  }

  it('gives each hidden function the fraction of its time that reaches app code (no cycles)', () => {
    const model = buildProfileModel(libraryWithoutCycles(0xf01d), PATHS);
    const { shown, leads, ct } = walkInputs(model);
    const { shownFraction } = foldingOrder(model.adjacency, shown, leads, ct);
    const expected = new Map<number, number>();
    const fraction = (f: number): number => {
      if (shown[f]) return 1;
      if (!leads[f]) return 0;
      if (!expected.has(f)) {
        let reaching = 0;
        for (const e of model.calleesOf[f]) reaching += model.edges[e].ct * fraction(model.edges[e].callee);
        expected.set(f, Math.min(1, reaching / model.functions[f].ct));
      }
      return expected.get(f)!;
    };
    let checked = 0;
    model.functions.forEach((info, f) => {
      if (!leads[f]) return;
      assert.ok(Math.abs(shownFraction[f] - fraction(f)) < 1e-12, `${info.name}: ${shownFraction[f]}, expected ${fraction(f)}`);
      checked++;
    });
    assert.ok(checked > 20, 'most of the library leads to app code');
  });

  it('splits a view as a walk along every route would, through library code without cycles', () => {
    for (const seed of [3, 4, 9]) {
      const model = buildProfileModel(libraryWithoutCycles(seed), PATHS);
      const folder = new LibraryFolder(model);
      let routes = 0;
      for (let view = 0; view < VIEWS; view++) {
        // Every route from the view: time t entering a library function h passes on t × call / ct(h).
        const expected = new Map<number, number>();
        const walk = (f: number, time: number) => {
          for (const e of model.calleesOf[f]) {
            const { callee, ct } = model.edges[e];
            const passed = f === view ? ct : (time * ct) / model.functions[f].ct;
            if (model.functions[callee].kind === 'app') {
              expected.set(callee, (expected.get(callee) ?? 0) + passed);
              routes++;
            } else walk(callee, passed);
          }
        };
        walk(view, 0);
        const split = folder.split(view);
        assert.deepEqual(
          split.callees.map((c) => c.fn).sort((a, b) => a - b),
          [...expected.keys()].sort((a, b) => a - b),
          `seed ${seed}, view ${view}: callees`,
        );
        for (const callee of split.callees) {
          const want = expected.get(callee.fn)!;
          assert.ok(Math.abs(callee.time - want) <= 1e-12 * Math.max(1, want), `seed ${seed}, view ${view} -> ${callee.fn}: ${callee.time}, expected ${want}`);
        }
      }
      assert.ok(routes > 100, `seed ${seed}: routes that branch and merge (${routes})`);
    }
  });
});

const VIEWS = 6;
const LIBRARY = 40;
const HOOKS = 8;

/**
 * A profile whose library code has no cycles: VIEWS app views call library functions, which
 * call later library functions and HOOKS app hooks at random. Each library function's
 * cumulative time covers what comes in and what it passes on, as cProfile's would, so no
 * share is ever cut at 1.
 */
function libraryWithoutCycles(seed: number): ReturnType<typeof profile> {
  const random = seededRandom(seed);
  const functions: ProfiledFunction[] = [];
  for (let i = 0; i < VIEWS; i++) functions.push(fn(`/app/views.py`, `view${i}`, 1, 1, 0, 50));
  for (let i = 0; i < LIBRARY; i++) functions.push(fn(`${SITE}/m${i % 7}.py`, `lib${i}`, 1, 1, 0, 0));
  for (let i = 0; i < HOOKS; i++) functions.push(fn(`/app/hooks.py`, `hook${i}`, 1, 1, 0, 5));
  const edges: ProfiledEdge[] = [];
  const into = new Array<number>(functions.length).fill(0);
  const out = new Array<number>(functions.length).fill(0);
  const call = (from: number, to: number) => {
    const ms = 1 + Math.floor(random() * 9);
    edges.push(edge(from, to, 1, 1, ms));
    into[to] += ms;
    out[from] += ms;
  };
  for (let view = 0; view < VIEWS; view++) for (let lib = VIEWS; lib < VIEWS + 8; lib++) if (random() < 0.4) call(view, lib);
  for (let lib = VIEWS; lib < VIEWS + LIBRARY; lib++) {
    for (let to = lib + 1; to < functions.length; to++) if (random() < 0.12) call(lib, to);
  }
  for (let lib = VIEWS; lib < VIEWS + LIBRARY; lib++) functions[lib].ct = (Math.max(out[lib], into[lib]) + 1 + Math.floor(random() * 5)) / 1000;
  return profile(functions, edges);
}

describe('folded splits through a cycle of library frames', () => {
  /**
   * Two views enter the same cycle of library frames (r calls s, s calls r) at different
   * members: view 0 at r, view 1 at s. r calls app hook 4, s calls app hook 5. Time comes in
   * where the view called, and the call back to that member is the recursion.
   */
  const cycle = profile(
    [
      fn('/app/views.py', 'one', 1, 1, 0, 30),
      fn('/app/views.py', 'two', 1, 1, 0, 30),
      fn(`${SITE}/r.py`, 'r', 2, 4, 10, 60),
      fn(`${SITE}/s.py`, 's', 2, 4, 10, 60),
      fn('/app/hooks.py', 'hook_r', 2, 2, 20, 20),
      fn('/app/hooks.py', 'hook_s', 2, 2, 20, 20),
    ],
    [edge(0, 2, 1, 1, 30), edge(1, 3, 1, 1, 30), edge(2, 3, 1, 2, 40), edge(3, 2, 1, 2, 40), edge(2, 4, 2, 2, 20), edge(3, 5, 2, 2, 20)],
  );

  it('passes time on from the member a view called, whichever that is', () => {
    const model = buildProfileModel(cycle, PATHS);
    const folder = new LibraryFolder(model);
    for (const [view, entered, other, hookEntered, hookOther] of [
      [0, 2, 3, 4, 5],
      [1, 3, 2, 5, 4],
    ]) {
      const split = folder.split(view);
      const time = (hook: number) => split.callees.find((c) => c.fn === hook)?.time ?? 0;
      // The member called gets 30 of its 60: half its calls. Half of its 20 to its hook: 10 ms.
      assert.ok(Math.abs(time(hookEntered) - 0.01) < 1e-12, `view ${view}: hook of ${entered}, ${time(hookEntered)}`);
      // It passes half of its 40 to the other member (20 of 60: a third), which passes a third of its 20 to its hook.
      assert.ok(Math.abs(time(hookOther) - 0.02 / 3) < 1e-12, `view ${view}: hook of ${other}, ${time(hookOther)}`);
    }
  });

  it('puts the hook of the member a view called first under that view, in the tree too', () => {
    const tree = new CallTree(buildProfileModel(cycle, PATHS), { foldLibraries: true, threshold: 0 });
    for (const [view, first, second] of [
      ['0', 4, 5],
      ['1', 5, 4],
    ] as const) {
      const children = tree.children(view);
      assert.deepEqual(
        children.map((c) => c.fn),
        [first, second],
      );
      // 10 ms and two thirds of that, scaled alike where they and the own time overlap.
      assert.ok(Math.abs(children[0].total / children[1].total - 1.5) < 1e-9, `under view ${view}`);
    }
  });
});
