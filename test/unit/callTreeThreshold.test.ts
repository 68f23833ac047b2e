import * as assert from 'node:assert/strict';
import { CallTree, type OtherNode } from '../../src/core/callTree';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertMs, edge, fn, profile } from './callTreeSamples';

/** root (100 ms) -> big 60, mid 39, tiny1 0.3, tiny2 0.2 (0.3 % and 0.2 % of the request). */
const REQUEST = profile(
  [
    fn('/app/a.py', 'root', 1, 1, 0.5, 100),
    fn('/app/a.py', 'big', 1, 1, 60, 60),
    fn('/app/a.py', 'mid', 1, 1, 39, 39),
    fn('/app/a.py', 'tiny1', 2, 3, 0.3, 0.3),
    fn('/app/a.py', 'tiny2', 1, 1, 0.2, 0.2),
  ],
  [edge(0, 1, 1, 1, 60), edge(0, 2, 1, 1, 39), edge(0, 3, 2, 3, 0.3), edge(0, 4, 1, 1, 0.2)],
);

function tree(threshold: number): CallTree {
  return new CallTree(buildProfileModel(REQUEST), { threshold });
}

describe('CallTree: threshold', () => {
  it('groups the children under the threshold into one "other" node', () => {
    const shown = tree(0.005).shownChildren('0');
    assert.deepEqual(
      shown.map((n) => n.id),
      ['0/1', '0/2', '0/other'],
    );
    const other = shown[2] as OtherNode;
    assert.equal(other.kind, 'other');
    assert.deepEqual(other.functions, [3, 4]);
    assertMs(other.total, 0.5, 'other');
    assert.deepEqual([other.cc, other.nc], [3, 4]);
    assert.equal(other.depth, 1);
    assert.equal(other.parentId, '0');
  });

  it('keeps the full list of children for code that needs it', () => {
    assert.equal(tree(0.005).children('0').length, 4);
  });

  it('does not group a single small child', () => {
    // 0.25 %: only tiny2 (0.2 %) is under it; "other (1 function)" would hide nothing.
    assert.deepEqual(
      tree(0.0025)
        .shownChildren('0')
        .map((n) => n.id),
      ['0/1', '0/2', '0/3', '0/4'],
    );
  });

  it('shows kept nodes (a revealed search match) individually', () => {
    const shown = tree(0.005).shownChildren('0', new Set(['0/4']));
    assert.deepEqual(
      shown.map((n) => n.id),
      ['0/1', '0/2', '0/3', '0/4'],
    );
  });

  it('can be turned off', () => {
    assert.equal(tree(0).shownChildren('0').length, 4);
  });

  it('resolves an "other" id and lists it as a row that does not expand', () => {
    const t = tree(0.005);
    assert.equal(t.node('0/other')?.kind, 'other');
    const rows = t.visibleRows(new Set(['0', '0/other']));
    assert.deepEqual(
      rows.map((r) => [r.node.id, r.expanded]),
      [
        ['0', true],
        ['0/1', false],
        ['0/2', false],
        ['0/other', false],
      ],
    );
  });
});
