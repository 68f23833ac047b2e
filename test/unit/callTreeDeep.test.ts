/**
 * A call chain 100,000 calls deep (function i calls i + 1, the last one calls the first back)
 * through every operation of the call tree, its hot path, folding, search and the callers
 * tree: each must finish (linear in the depth; before, 10,000 deep took nearly a minute and
 * 100,000 never finished) and none may overflow the JavaScript stack (it is far deeper than
 * the stack). Correctness only: speed is measured by bench/callTreeDeep.bench.mjs.
 */
import * as assert from 'node:assert/strict';
import { makeDeepChainData } from '../support/makeDeepChain.mjs';
import { CallTree, type CallTreeNode, type FunctionNode } from '../../src/core/callTree';
import { CallersTree } from '../../src/core/callers';
import { restoreExpansion, saveExpansion } from '../../src/core/expansionState';
import { expandHotPath, hotPath, requestHotPath } from '../../src/core/hotPath';
import { hottestPathTo } from '../../src/core/hottestPaths';
import { isShownWhenFolding } from '../../src/core/libraryFolding';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { revealPath, searchFunctions } from '../../src/core/search';
import { PATH_ID_DEPTH } from '../../src/core/treePaths';
import { assertTreeConsistent, PATHS } from './callTreeSamples';

const DEPTH = 100_000;
/** Every 7th frame is a site-packages one, for folding. */
const LIBRARY_EVERY = 7;
/** Longest id a node may have: a path spelt out to PATH_ID_DEPTH levels, six digits a level. */
const MAX_ID_LENGTH = PATH_ID_DEPTH * 7;

/** The chain, with the deepest function calling the first one again (recursion at the bottom). */
function deepModel(): ProfileModel {
  const data = makeDeepChainData(DEPTH, LIBRARY_EVERY);
  const last = data.functions[DEPTH - 1];
  data.edges.push([DEPTH - 1, 0, 0, 1, 0, 0]);
  last.nc = 1;
  return buildProfileModel(data, { ...PATHS, sitePackages: ['/usr/local/lib/python3.11/site-packages'] });
}

function fnOf(node: CallTreeNode | undefined): number | undefined {
  return node?.kind === 'function' ? node.fn : undefined;
}

/** The ids down the chain from the root, expanding as it goes. */
function chainIds(tree: CallTree): string[] {
  const ids: string[] = [];
  for (let node: FunctionNode | undefined = tree.roots()[0]; node; node = tree.children(node.id).find((c) => !c.recursive)) ids.push(node.id);
  return ids;
}

describe('a 100,000-deep call chain', function () {
  // Guards against a hang only; the suite asserts no times.
  this.timeout(300_000);
  let model: ProfileModel;

  before(() => {
    model = deepModel();
  });

  it('builds, expands its hot path and lists every row, with short unique ids', () => {
    const tree = new CallTree(model, { threshold: 0.005 });
    const hot = requestHotPath(tree);
    // Each level holds all but 1 µs of its parent's time: all of it is hot, to the last call
    // (which holds 1 µs of its parent's 2 µs, not more than half).
    assert.equal(hot.length, DEPTH - 1);
    const expanded = expandHotPath(tree, hot[0]);
    assert.equal(expanded.size, DEPTH - 1);
    const rows = tree.visibleRows(expanded);
    assert.equal(rows.length, DEPTH);
    assert.deepEqual(
      rows.map((r) => r.node.depth).filter((depth, i) => depth !== i),
      [],
      'row i is at depth i',
    );
    const last = rows[rows.length - 1].node as FunctionNode;
    assert.equal(last.fn, DEPTH - 1);
    assert.equal(last.exact, true);
    assert.ok(Math.abs(last.total - 1e-6) < 1e-12, `deepest total ${last.total}`);
    const ids = new Set(rows.map((r) => r.node.id));
    assert.equal(ids.size, DEPTH, 'ids are unique');
    const longest = Math.max(...[...ids].map((id) => id.length));
    assert.ok(longest <= MAX_ID_LENGTH, `longest id ${longest} characters`);
    assert.equal(tree.node(last.id), last);
    assert.equal(last.id.split('/').pop(), String(DEPTH - 1), 'an id ends with its function');
  });

  it('ends the chain with the call back to the first function, a recursive leaf', () => {
    const tree = new CallTree(model, { threshold: 0 });
    const ids = chainIds(tree);
    assert.equal(ids.length, DEPTH);
    const [back] = tree.children(ids[ids.length - 1]);
    assert.equal(back.fn, 0);
    assert.equal(back.recursive, true);
    assert.equal(back.depth, DEPTH);
    assert.deepEqual(tree.children(back.id), []);
    assert.equal(assertTreeConsistent(tree, DEPTH + 1), DEPTH + 1);
  });

  it('finds nodes by path, and the path and ancestors of a node', () => {
    const tree = new CallTree(model, { threshold: 0 });
    const path = Array.from({ length: DEPTH }, (_, i) => i);
    const deepest = tree.nodeAt(path)!;
    assert.equal(deepest.fn, DEPTH - 1);
    assert.equal(deepest.depth, DEPTH - 1);
    assert.deepEqual(tree.functionPath(deepest.id), path);
    const ancestors = tree.ancestorIds(deepest.id);
    assert.equal(ancestors.length, DEPTH - 1);
    assert.deepEqual(ancestors.slice(0, 3), ['0', '0/1', '0/1/2']);
    assert.equal(fnOf(tree.node(ancestors[ancestors.length - 1])), DEPTH - 2);
    assert.equal(tree.nodeAt([...path.slice(0, 10), 12]), undefined, 'no such path');
    // A path spelt out as an id (as states saved by earlier versions have them), in a new tree.
    const fresh = new CallTree(model, { threshold: 0 });
    assert.equal(fnOf(fresh.node(path.join('/'))), DEPTH - 1);
    assert.deepEqual(hotPath(fresh, deepest.id).length, 1, 'the hot path from the deepest node is itself');
  });

  it('saves and restores the expansion of the whole chain in a new tree', () => {
    const tree = new CallTree(model, { threshold: 0 });
    const expanded = new Set(chainIds(tree).slice(0, -1));
    const saved = saveExpansion(tree, expanded);
    assert.equal(saved.length, 3 * (DEPTH - 1));
    // Through JSON, as the page's state is kept.
    const fresh = new CallTree(model, { threshold: 0 });
    const restored = restoreExpansion(fresh, JSON.parse(JSON.stringify(saved)));
    assert.equal(restored.size, DEPTH - 1);
    const rows = fresh.visibleRows(restored);
    assert.equal(rows.length, DEPTH);
    assert.equal(fnOf(rows[rows.length - 1].node), DEPTH - 1);
    // A node serialises to plain data (postMessage, JSON) whatever its depth.
    assert.equal(JSON.parse(JSON.stringify(rows[rows.length - 1].node)).depth, DEPTH - 1);
  });

  it('folds the library frames out of the chain', () => {
    const tree = new CallTree(model, { foldLibraries: true, threshold: 0.005 });
    const hot = requestHotPath(tree);
    const rows = tree.visibleRows(expandHotPath(tree, hot[0]));
    const shown = model.functions.filter((f) => f.index === 0 || isShownWhenFolding(model, f.index)).length;
    assert.equal(rows.length, shown);
    assert.ok(shown < DEPTH && shown > DEPTH * 0.8, `${shown} app functions shown`);
    for (const { node } of rows) assert.ok(node.kind === 'function' && (node.fn === 0 || isShownWhenFolding(model, node.fn)), `row ${node.id} is app code`);
    // Nothing is lost: the rows' own times add up to the request's time.
    const own = rows.reduce((sum, r) => sum + r.node.own, 0);
    assert.ok(Math.abs(own - model.totalTime) < 1e-9, `own times add up to ${own}, request ${model.totalTime}`);
  });

  it('searches and reveals the deepest function, with and without folding', () => {
    const result = searchFunctions(model, `level_${DEPTH - 1}`);
    assert.deepEqual(result.matches, [{ fn: DEPTH - 1, reachable: true, folded: false }]);
    assert.equal(hottestPathTo(model, DEPTH - 1).length, DEPTH);
    const tree = new CallTree(model, { threshold: 0 });
    assert.equal(tree.nodeAt(revealPath(model, DEPTH - 1, false)!)?.depth, DEPTH - 1);
    // A hidden library frame deep down is revealed at its nearest shown ancestor.
    const hidden = DEPTH - (DEPTH % LIBRARY_EVERY || LIBRARY_EVERY);
    assert.equal(isShownWhenFolding(model, hidden), false);
    const [match] = searchFunctions(model, `level_${hidden}`, { foldLibraries: true }).matches.filter((m) => m.fn === hidden);
    assert.equal(match.folded, true);
    const folded = new CallTree(model, { foldLibraries: true, threshold: 0 });
    const revealed = folded.nodeAt(revealPath(model, hidden, true)!);
    assert.equal(revealed?.fn, hidden - 1);
    // A search matching every function gives its first matches without working out their paths.
    assert.equal(searchFunctions(model, 'level_').total, DEPTH);
  });

  it('expands the callers of the deepest function up to the entry point', () => {
    const callers = new CallersTree(model, DEPTH - 1);
    const expanded = new Set<string>();
    let id: string | undefined = callers.root().id;
    while (id) {
      expanded.add(id);
      id = callers.callers(id).find((c) => !c.recursive)?.id;
    }
    const rows = callers.visibleRows(expanded);
    // The chain up to level 0, then level 0's caller: the deepest function, already in the chain.
    assert.equal(rows.length, DEPTH + 1);
    const top = rows[rows.length - 1];
    assert.equal(top.fn, DEPTH - 1);
    assert.equal(top.recursive, true);
    assert.equal(rows[rows.length - 2].fn, 0);
    assert.ok(Math.max(...rows.map((r) => r.id.length)) <= MAX_ID_LENGTH);
    assert.equal(
      new CallersTree(model, DEPTH - 1).node(
        rows
          .slice(0, 2000)
          .map((r) => r.fn)
          .join('/'),
      )?.depth,
      1999,
      'a spelt-out chain',
    );
  });
});

describe('a profile of many cycles entered from outside it', () => {
  it('makes a root of each cycle, more of them than a call takes arguments', () => {
    // 150,000 pairs that call each other and nothing else: no function without callers, so each
    // pair's costlier function is its entry. Adding them with push(...entries) overflowed the stack.
    const pairs = 150_000;
    const functions = [];
    const edges: [number, number, number, number, number, number][] = [];
    for (let i = 0; i < pairs; i++) {
      const ct = 1 + (i % 7);
      functions.push({ file: '/app/cycle.py', line: 2 * i + 1, name: `a${i}`, qualname: null, cc: 1, nc: 2, tt: ct / 2, ct });
      functions.push({ file: '/app/cycle.py', line: 2 * i + 2, name: `b${i}`, qualname: null, cc: 1, nc: 1, tt: ct / 2, ct: ct / 2 });
      edges.push([2 * i, 2 * i + 1, 1, 1, ct / 2, ct / 2], [2 * i + 1, 2 * i, 0, 1, ct / 2, ct / 2]);
    }
    const model = buildProfileModel({ functions, edges, notes: [] }, PATHS);
    assert.equal(model.roots.length, pairs);
    assert.ok(
      model.roots.every((fn) => fn % 2 === 0),
      'each pair entered at its costlier function',
    );
    assert.ok(
      model.roots.every((fn, i) => i === 0 || model.functions[model.roots[i - 1]].ct >= model.functions[fn].ct),
      'costliest first',
    );
  });
});
