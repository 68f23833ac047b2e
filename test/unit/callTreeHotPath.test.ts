import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { expandHotPath, hotPath, requestHotPath } from '../../src/core/hotPath';
import { buildProfileModel } from '../../src/core/profileModel';
import { calledOnce, edge, fn, profile } from './callTreeSamples';

/**
 *   0 handler ct 100 -> a 60, b 30, c 10   (the 60 / 30 / 10 request)
 *   1 a       ct 60  -> d 40, e 15
 *   2 b       ct 30  -> f 25
 *   3 c, 4 d (leaf 40), 5 e, 6 f
 *   d holds 40 of a's 60: more than half, so the path goes on to d.
 */
const REQUEST = profile(
  calledOnce([
    ['/app/app.py', 'handler', 0, 100],
    ['/app/app.py', 'a', 5, 60],
    ['/app/app.py', 'b', 5, 30],
    ['/app/app.py', 'c', 10, 10],
    ['/app/app.py', 'd', 40, 40],
    ['/app/app.py', 'e', 15, 15],
    ['/app/app.py', 'f', 25, 25],
  ]),
  [edge(0, 1, 1, 1, 60), edge(0, 2, 1, 1, 30), edge(0, 3, 1, 1, 10), edge(1, 4, 1, 1, 40), edge(1, 5, 1, 1, 15), edge(2, 6, 1, 1, 25)],
);

function tree(): CallTree {
  return new CallTree(buildProfileModel(REQUEST), { threshold: 0 });
}

describe('hot path', () => {
  it('follows the costliest child while it holds more than half of its parent', () => {
    assert.deepEqual(requestHotPath(tree()), ['0', '0/1', '0/1/4']);
  });

  it('starts from any node', () => {
    assert.deepEqual(hotPath(tree(), '0/2'), ['0/2', '0/2/6']);
    assert.deepEqual(hotPath(tree(), '0/3'), ['0/3']);
    assert.deepEqual(hotPath(tree(), 'nope'), []);
  });

  it('stops where the time is spread: exactly half is not most', () => {
    const even = profile(
      [fn('/app/a.py', 'root', 1, 1, 0, 10), fn('/app/a.py', 'x', 1, 1, 5, 5), fn('/app/a.py', 'y', 1, 1, 5, 5)],
      [edge(0, 1, 1, 1, 5), edge(0, 2, 1, 1, 5)],
    );
    assert.deepEqual(requestHotPath(new CallTree(buildProfileModel(even))), ['0']);
  });

  it('stops where the node keeps most of the time in its own code', () => {
    const own = profile(
      [fn('/app/a.py', 'root', 1, 1, 0, 10), fn('/app/a.py', 'busy', 1, 1, 6, 10), fn('/app/a.py', 'z', 1, 1, 4, 4)],
      [edge(0, 1, 1, 1, 10), edge(1, 2, 1, 1, 4)],
    );
    assert.deepEqual(requestHotPath(new CallTree(buildProfileModel(own))), ['0', '0/1']);
  });

  it('orders equal children by function index, so views are the same on every run', () => {
    const tie = profile(
      [fn('/app/a.py', 'root', 1, 1, 2, 10), fn('/app/a.py', 'p', 1, 1, 4, 4), fn('/app/a.py', 'q', 1, 1, 4, 4)],
      [edge(0, 2, 1, 1, 4), edge(0, 1, 1, 1, 4)],
    );
    const t = new CallTree(buildProfileModel(tie), { threshold: 0 });
    assert.deepEqual(
      t.children('0').map((c) => c.id),
      ['0/1', '0/2'],
    );
  });

  it('expands the ancestors and the whole hot path from a node, keeping what was open', () => {
    const expanded = expandHotPath(tree(), '0/2', ['0/3']);
    assert.deepEqual([...expanded].sort(), ['0', '0/2', '0/2/6', '0/3']);
  });

  it('is empty for an empty profile', () => {
    assert.deepEqual(requestHotPath(new CallTree(buildProfileModel(profile([], [])))), []);
  });
});
