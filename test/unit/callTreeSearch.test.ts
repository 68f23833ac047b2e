import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { hottestPathTo } from '../../src/core/hottestPaths';
import { buildProfileModel } from '../../src/core/profileModel';
import { revealPath, searchFunctions } from '../../src/core/search';
import { edge, fn, PATHS, profile } from './callTreeSamples';

/** handler → a 60 / b 30 → query (two callers) → execute. */
const SPLIT = profile(
  [
    fn('/app/app.py', 'handler', 1, 1, 10, 100),
    fn('/app/app.py', 'a', 1, 1, 20, 60),
    fn('/app/app.py', 'b', 1, 1, 10, 30),
    fn('/app/db.py', 'query', 6, 6, 15, 60, 'Database.query'),
    fn('/app/db.py', 'execute', 6, 6, 45, 45),
  ],
  [edge(0, 1, 1, 1, 60), edge(0, 2, 1, 1, 30), edge(1, 3, 4, 4, 40), edge(2, 3, 2, 2, 20), edge(3, 4, 6, 6, 45)],
);

describe('search', () => {
  it('matches name, qualified name, module and file, case-insensitively', () => {
    const model = buildProfileModel(SPLIT, PATHS);
    assert.deepEqual([...searchFunctions(model, 'EXEC').functions], [4]);
    assert.deepEqual([...searchFunctions(model, 'database').functions], [3], 'qualified name');
    assert.deepEqual([...searchFunctions(model, 'db.py').functions].sort(), [3, 4], 'file');
    assert.deepEqual([...searchFunctions(model, '/APP/').functions].sort(), [0, 1, 2, 3, 4], 'directory');
    assert.deepEqual([...searchFunctions(model, ' handler ').functions], [0], 'trimmed');
    assert.equal(searchFunctions(model, '   ').total, 0);
    assert.equal(searchFunctions(model, 'nothing like it').total, 0);
  });

  it('reveals each match on its hottest path, costliest match first', () => {
    const model = buildProfileModel(SPLIT, PATHS);
    const result = searchFunctions(model, 'db.py');
    assert.deepEqual(
      result.matches.map((m) => [m.fn, revealPath(model, m.fn, false)?.join('/')]),
      [
        [3, '0/1/3'],
        [4, '0/1/3/4'],
      ],
    );
    const tree = new CallTree(model, { threshold: 0 });
    assert.equal(tree.node('0/1/3/4')?.kind, 'function', 'the id is a node of the tree');
  });

  it('gives paths only up to the limit, and counts the rest', () => {
    const result = searchFunctions(buildProfileModel(SPLIT, PATHS), 'db.py', { limit: 1 });
    assert.equal(result.total, 2);
    assert.deepEqual(
      result.matches.map((m) => m.fn),
      [3],
    );
    assert.equal(result.functions.size, 2);
  });

  it('takes the path the tree gives the most time, not the heaviest caller edge', () => {
    // t gets 1 ms from x (a tenth of x) and 8 ms from y, but y's 100 ms are mostly not under
    // the root's 5 ms call: the tree gives t 1 ms under x and 0.4 ms under y.
    const model = buildProfileModel(
      profile(
        [fn('/app/a.py', 'root', 1, 1, 5, 20), fn('/app/a.py', 'x', 1, 1, 9, 10), fn('/app/a.py', 'y', 1, 1, 92, 100), fn('/app/a.py', 't', 2, 2, 9, 9)],
        [edge(0, 1, 1, 1, 10), edge(0, 2, 1, 1, 5), edge(1, 3, 1, 1, 1), edge(2, 3, 1, 1, 8)],
      ),
    );
    assert.deepEqual(hottestPathTo(model, 3), [0, 1, 3]);
    const tree = new CallTree(model, { threshold: 0 });
    const viaX = tree.node('0/1/3')!;
    const viaY = tree.node('0/2/3')!;
    assert.ok(viaX.total > viaY.total, `${viaX.total} > ${viaY.total}`);
    assert.ok(searchFunctions(model, 't').matches.some((m) => m.fn === 3 && m.reachable));
    assert.deepEqual(revealPath(model, 3, false), [0, 1, 3]);
  });

  it('reveals a hidden library match at its nearest shown ancestor when folding', () => {
    const site = '/usr/lib/python3/dist-packages/django';
    const model = buildProfileModel(
      profile(
        [
          fn(`${site}/handler.py`, '__call__', 1, 1, 5, 100),
          fn(`${site}/base.py`, 'get_response', 1, 1, 10, 95),
          fn('/app/views.py', 'index', 1, 1, 50, 70),
          fn('~', '<built-in method builtins.len>', 3, 3, 15, 15),
          fn(`${site}/shortcuts.py`, 'render', 1, 1, 20, 20),
        ],
        [edge(0, 1, 1, 1, 95), edge(1, 2, 1, 1, 70), edge(1, 3, 3, 3, 15), edge(2, 4, 1, 1, 20)],
      ),
      PATHS,
    );
    const folded = { foldLibraries: true };
    assert.deepEqual(searchFunctions(model, 'index', folded).matches, [{ fn: 2, reachable: true, folded: false }]);
    assert.deepEqual(revealPath(model, 2, true), [0, 2]);
    assert.deepEqual(searchFunctions(model, 'builtins.len', folded).matches, [{ fn: 3, reachable: true, folded: true }]);
    assert.deepEqual(revealPath(model, 3, true), [0]);
    assert.deepEqual(searchFunctions(model, 'shortcuts', folded).matches, [{ fn: 4, reachable: true, folded: true }]);
    assert.deepEqual(revealPath(model, 4, true), [0, 2]);
    assert.deepEqual(searchFunctions(model, 'shortcuts').matches, [{ fn: 4, reachable: true, folded: false }]);
    assert.deepEqual(revealPath(model, 4, false), [0, 1, 2, 4]);
    const tree = new CallTree(model, { foldLibraries: true, threshold: 0 });
    assert.equal(tree.node('0/2')?.kind, 'function');
  });

  it('finds nothing in an empty profile', () => {
    assert.deepEqual(searchFunctions(buildProfileModel(profile([], [])), 'x'), { matches: [], functions: new Set(), total: 0 });
  });
});
