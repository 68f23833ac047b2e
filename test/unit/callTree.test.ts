import * as assert from 'node:assert/strict';
import { CallTree, type FunctionNode } from '../../src/core/callTree';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertMs, assertTreeConsistent, edge, fn, PATHS, profile, SPLIT } from './callTreeSamples';

function splitTree(): CallTree {
  return new CallTree(buildProfileModel(SPLIT, PATHS), { threshold: 0 });
}

function byFn(nodes: FunctionNode[], fnIndex: number): FunctionNode {
  const node = nodes.find((n) => n.fn === fnIndex);
  assert.ok(node, `no child for function ${fnIndex}`);
  return node;
}

describe('CallTree: a function with several callers', () => {
  it('starts at the root with its recorded numbers', () => {
    const tree = splitTree();
    const [root] = tree.roots();
    assert.equal(tree.roots().length, 1);
    assert.equal(root.id, '0');
    assertMs(root.total, 100, 'handler total');
    assertMs(root.own, 10, 'handler own');
    assert.equal(root.fraction, 1);
    assert.equal(root.exact, true);
    assert.equal(root.depth, 0);
  });

  it('orders children costliest first, with edge calls and path ids', () => {
    const tree = splitTree();
    const children = tree.children('0');
    assert.deepEqual(
      children.map((c) => c.id),
      ['0/1', '0/2'],
    );
    assertMs(children[0].total, 60, 'a');
    assertMs(children[1].total, 30, 'b');
    assert.equal(children[0].fraction, 0.6);
    assert.equal(children[0].exact, true);
    assert.equal(children[0].parentId, '0');
  });

  it('splits the shared callee between its callers in proportion to the edges', () => {
    const tree = splitTree();
    const underA = byFn(tree.children('0/1'), 3);
    const underB = byFn(tree.children('0/2'), 3);
    assertMs(underA.total, 40, 'query under a');
    assertMs(underA.own, 10, 'query own under a');
    assert.deepEqual([underA.cc, underA.nc], [4, 4]);
    assertMs(underB.total, 20, 'query under b');
    assertMs(underB.own, 5, 'query own under b');
    assert.equal(underA.exact, false, 'query has two callers: its time under a is apportioned');
  });

  it('carries the share down below the shared function', () => {
    const tree = splitTree();
    const execA = byFn(tree.children('0/1/3'), 4);
    const execB = byFn(tree.children('0/2/3'), 4);
    assertMs(execA.total, 30, 'execute under a');
    assertMs(execB.total, 15, 'execute under b');
    assert.equal(execA.exact, false, 'a single caller below an apportioned node is still apportioned');
    assert.equal(execA.id, '0/1/3/4');
    assert.equal(execA.depth, 3);
  });

  it('turns a node into plain data with its lazily computed fields', () => {
    const node = splitTree().node('0/1/3')!;
    const plain = JSON.parse(JSON.stringify(node));
    assert.equal(plain.own, node.own);
    assert.equal(plain.hasChildren, true);
    assert.equal(plain.id, '0/1/3');
    assert.equal(Object.keys(plain).length, 13, 'nothing of the tree behind it');
  });

  it('never lets own time plus children exceed a node', () => {
    assert.equal(assertTreeConsistent(splitTree()), 7);
  });

  it('resolves a deep id without anything expanded first (restored state)', () => {
    const node = splitTree().node('0/2/3/4');
    assert.ok(node && node.kind === 'function');
    assertMs(node.total, 15, 'restored execute');
    assert.equal(splitTree().node('0/4'), undefined, 'execute is not a child of handler');
    assert.equal(splitTree().node('7'), undefined);
    assert.deepEqual(splitTree().functionPath('0/2/3/4'), [0, 2, 3, 4]);
    assert.deepEqual(splitTree().ancestorIds('0/2/3/4'), ['0', '0/2', '0/2/3']);
  });

  it('lists the visible rows of expanded nodes only, depth first', () => {
    const tree = splitTree();
    const rows = tree.visibleRows(new Set(['0', '0/2', '0/2/3/4']));
    assert.deepEqual(
      rows.map((r) => [r.node.id, r.expanded]),
      [
        ['0', true],
        ['0/1', false],
        ['0/2', true],
        ['0/2/3', false],
      ],
    );
  });

  it('lists the rows an expand puts below a node, for splicing into the view', () => {
    const tree = splitTree();
    assert.deepEqual(
      tree.rowsBelow('0/2', new Set(['0/2/3'])).map((r) => [r.node.id, r.node.depth, r.expanded]),
      [
        ['0/2/3', 2, true],
        ['0/2/3/4', 3, false],
      ],
    );
    assert.deepEqual(tree.rowsBelow('0/1/3/4', new Set()), [], 'a leaf');
  });
});

describe('CallTree: edge cases', () => {
  it('gives an empty tree for an empty profile', () => {
    const tree = new CallTree(buildProfileModel(profile([], [])));
    assert.deepEqual(tree.roots(), []);
    assert.deepEqual(tree.visibleRows(new Set(['0'])), []);
    assert.equal(tree.node('0'), undefined);
    assert.deepEqual(tree.children('0'), []);
  });

  it('keeps zero-time functions at 0 % rather than NaN', () => {
    const tree = new CallTree(buildProfileModel(profile([fn('/app/a.py', 'f', 1, 1, 0, 0), fn('/app/a.py', 'g', 1, 1, 0, 0)], [edge(0, 1, 1, 1, 0)])));
    const [root] = tree.roots();
    assert.equal(root.fraction, 0);
    assert.equal(tree.children('0')[0].total, 0);
    assertTreeConsistent(tree);
  });

  it('shows several roots, costliest first', () => {
    const tree = new CallTree(buildProfileModel(profile([fn('/app/a.py', 'small', 1, 1, 2, 2), fn('/app/a.py', 'big', 1, 1, 8, 8)], [])));
    assert.deepEqual(
      tree.roots().map((r) => r.id),
      ['1', '0'],
    );
    assert.equal(tree.roots()[0].fraction, 0.8);
  });

  it('has no depth limit: a 3,000-deep chain expands to its end', () => {
    const depth = 3000;
    const functions = Array.from({ length: depth }, (_, i) => fn('/app/deep.py', `f${i}`, 1, 1, 1, depth - i));
    const edges = Array.from({ length: depth - 1 }, (_, i) => edge(i, i + 1, 1, 1, depth - i - 1));
    const tree = new CallTree(buildProfileModel(profile(functions, edges)), { threshold: 0 });
    const expanded = new Set<string>();
    for (let node = tree.roots()[0]; node.hasChildren; node = tree.children(node.id)[0]) expanded.add(node.id);
    const rows = tree.visibleRows(expanded);
    assert.equal(rows.length, depth);
    const last = rows[rows.length - 1].node;
    assert.equal(last.depth, depth - 1);
    assertMs(last.total, 1, 'deepest function');
    assert.equal(last.kind === 'function' && last.exact, true);
  });
});

describe('buildProfileModel: edge numbers', () => {
  it('keeps every recorded count as it is, however large, and indices as integers', () => {
    const huge = 2 ** 40;
    const model = buildProfileModel(
      profile(
        [fn('/app/app.py', 'handler', 1, 1, 10, 100), fn('/app/app.py', 'loop', huge, huge + 1, 90, 90)],
        [edge(0, 1, huge, huge + 1, 90), edge(0, 0, 0.5, 3, 1)],
      ),
      PATHS,
    );
    assert.deepEqual(
      model.edges.map((e) => [e.caller, e.callee, e.cc, e.nc]),
      [
        [0, 1, huge, huge + 1],
        [0, 0, 0.5, 3],
      ],
    );
    assertMs(model.edges[0].ct, 90, 'edge time');
  });
});
