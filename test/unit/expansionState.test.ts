import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { restoreExpansion, saveExpansion } from '../../src/core/expansionState';
import { buildProfileModel } from '../../src/core/profileModel';
import { SPLIT } from './callTreeSamples';

describe('saved call-tree expansion', () => {
  const tree = () => new CallTree(buildProfileModel(SPLIT), { threshold: 0 });

  it('lists expanded nodes as a trie of paths, ancestors first, and restores them in a new tree', () => {
    // 0/2/3 expanded under a collapsed 0/2: 0/2 is listed (flag 0) so that 0/2/3 can be found.
    const saved = saveExpansion(tree(), ['0', '0/2/3', '0/1']);
    assert.deepEqual(saved, [0, 0, 1, 1, 2, 0, 2, 3, 1, 1, 1, 1]);
    assert.deepEqual([...restoreExpansion(tree(), saved)].sort(), ['0', '0/1', '0/2/3']);
  });

  it('marks a node expanded that was first listed only as an ancestor', () => {
    const saved = saveExpansion(tree(), ['0/2/3', '0/2']);
    assert.deepEqual([...restoreExpansion(tree(), saved)].sort(), ['0/2', '0/2/3']);
  });

  it('leaves out nodes the tree does not have, with everything below them', () => {
    // Function 4 is no child of the root; 3 below it is left out with it.
    assert.deepEqual([...restoreExpansion(tree(), [0, 0, 1, 1, 4, 1, 2, 3, 1, 1, 1, 1])], ['0', '0/1']);
  });

  it('restores nothing from anything that is not such a list', () => {
    for (const bad of [undefined, null, 'x', {}, [1, 2], [0, 0.5, 1], [2, 0, 1], [-1, 0, 1], ['0', 0, 1]]) {
      assert.deepEqual([...restoreExpansion(tree(), bad)], [], JSON.stringify(bad));
    }
  });
});
