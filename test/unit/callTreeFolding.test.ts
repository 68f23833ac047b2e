import * as assert from 'node:assert/strict';
import { CallTree } from '../../src/core/callTree';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertMs, assertTreeConsistent, edge, fn, PATHS, profile } from './callTreeSamples';

const DJANGO = '/usr/lib/python3/dist-packages/django/core/handlers';
const STDLIB = '/usr/lib/python3.11';

/**
 * A Django request (100 ms):
 *   0 WSGIHandler.__call__ (django)  ct 100 tt 5  -> get_response 95
 *   1 get_response (django)          ct 95  tt 10 -> index 70, len 15
 *   2 index (app)                    ct 70  tt 20 -> dumps 40, info 10
 *   3 len (built-in)                 ct 15  tt 15
 *   4 json.dumps (stdlib)            ct 40  tt 10 -> default 30
 *   5 default (app, called by json)  ct 30  tt 30
 *   6 logging info (stdlib)          ct 10  tt 10
 * Folded: the root stays (it is the request's entry point) with own 5 + 10 + 15 = 30 and
 * index directly under it; index keeps own 20 + 10 + 10 = 40 and default under it.
 */
const REQUEST = profile(
  [
    fn(`${DJANGO}/wsgi.py`, '__call__', 1, 1, 5, 100, 'WSGIHandler.__call__'),
    fn(`${DJANGO}/base.py`, 'get_response', 1, 1, 10, 95),
    fn('/app/views.py', 'index', 1, 1, 20, 70),
    fn('~', '<built-in method builtins.len>', 3, 3, 15, 15),
    fn(`${STDLIB}/json/__init__.py`, 'dumps', 1, 1, 10, 40),
    fn('/app/serializers.py', 'default', 5, 5, 30, 30),
    fn(`${STDLIB}/logging/__init__.py`, 'info', 1, 1, 10, 10),
  ],
  [edge(0, 1, 1, 1, 95), edge(1, 2, 1, 1, 70), edge(1, 3, 3, 3, 15), edge(2, 4, 1, 1, 40), edge(4, 5, 5, 5, 30), edge(2, 6, 1, 1, 10)],
);

describe('CallTree: library folding', () => {
  it('shows every frame when not folding', () => {
    const tree = new CallTree(buildProfileModel(REQUEST, PATHS), { foldLibraries: false, threshold: 0 });
    assert.deepEqual(
      tree.children('0/1').map((c) => c.id),
      ['0/1/2', '0/1/3'],
    );
    assert.equal(assertTreeConsistent(tree), 7);
  });

  it('folds library frames into the nearest shown ancestor and keeps app callees visible', () => {
    const tree = new CallTree(buildProfileModel(REQUEST, PATHS), { foldLibraries: true, threshold: 0 });
    const [root] = tree.roots();
    assert.equal(root.id, '0', 'the entry point stays even though it is django code');
    assertMs(root.total, 100, 'root');
    assertMs(root.own, 30, 'root own: its own, get_response and len');
    const [index] = tree.children('0');
    assert.equal(index.id, '0/2', 'the view sits right under the entry point');
    assertMs(index.total, 70, 'index');
    assertMs(index.own, 40, 'index own: its own, dumps and info');
    assert.equal(index.exact, true, 'one route, one caller each');
    assert.deepEqual([index.cc, index.nc], [1, 1]);
    const [serializer] = tree.children('0/2');
    assert.equal(serializer.id, '0/2/5', 'app code called by the standard library stays visible');
    assertMs(serializer.total, 30, 'default');
    assert.deepEqual([serializer.cc, serializer.nc], [5, 5]);
    assert.equal(tree.children('0/2/5').length, 0);
    assert.equal(assertTreeConsistent(tree), 3);
  });

  it('shows the same own time on a row before and after it is expanded', () => {
    const tree = new CallTree(buildProfileModel(REQUEST, PATHS), { foldLibraries: true, threshold: 0 });
    const [index] = tree.children('0');
    assert.equal(index.hasChildren, true);
    assertMs(index.own, 40, 'index own, drawn collapsed');
    tree.children('0/2');
    assertMs(index.own, 40, 'index own, expanded');
  });

  it('adds up the routes through a library diamond into one child', () => {
    // app view → lib.a → {lib.b 30, lib.c 20} → each calls app hook (b: 20 ms, c: 10 ms).
    const site = '/usr/lib/python3/dist-packages/lib';
    const diamond = profile(
      [
        fn('/app/views.py', 'view', 1, 1, 0, 60),
        fn(`${site}/a.py`, 'a', 1, 1, 10, 60),
        fn(`${site}/b.py`, 'b', 1, 1, 10, 30),
        fn(`${site}/c.py`, 'c', 1, 1, 10, 20),
        fn('/app/hooks.py', 'hook', 3, 3, 30, 30),
      ],
      [edge(0, 1, 1, 1, 60), edge(1, 2, 1, 1, 30), edge(1, 3, 1, 1, 20), edge(2, 4, 2, 2, 20), edge(3, 4, 1, 1, 10)],
    );
    const tree = new CallTree(buildProfileModel(diamond, PATHS), { foldLibraries: true, threshold: 0 });
    const [hook] = tree.children('0');
    assert.equal(hook.id, '0/4');
    assertMs(hook.total, 30, 'hook, both routes');
    assert.deepEqual([hook.cc, hook.nc], [3, 3]);
    assert.equal(hook.exact, false, 'reached by two routes');
    assertMs(tree.roots()[0].own, 30, 'view own: a, b and c');
  });

  it('apportions a library function shared by several app callers', () => {
    // Two views call the same library helper (40 and 20 ms of its 60); it calls back app code.
    const site = '/usr/lib/python3/dist-packages/lib';
    const shared = profile(
      [
        fn('/app/main.py', 'main', 1, 1, 0, 60),
        fn('/app/views.py', 'one', 1, 1, 0, 40),
        fn('/app/views.py', 'two', 1, 1, 0, 20),
        fn(`${site}/render.py`, 'render', 2, 2, 30, 60),
        fn('/app/tags.py', 'tag', 2, 2, 30, 30),
      ],
      [edge(0, 1, 1, 1, 40), edge(0, 2, 1, 1, 20), edge(1, 3, 1, 1, 40), edge(2, 3, 1, 1, 20), edge(3, 4, 2, 2, 30)],
    );
    const tree = new CallTree(buildProfileModel(shared, PATHS), { foldLibraries: true, threshold: 0 });
    const [tagUnderOne] = tree.children('0/1');
    assertMs(tagUnderOne.total, 20, 'tag under one: 30 × 40/60');
    assertMs(tree.node('0/1')!.own, 20, 'one own: render 30 × 40/60');
    const [tagUnderTwo] = tree.children('0/2');
    assertMs(tagUnderTwo.total, 10, 'tag under two: 30 × 20/60');
    assertTreeConsistent(tree);
  });

  it('passes nothing on through a cycle among library frames', () => {
    // view → lib.r → lib.s → lib.r (template rendering recursion); s calls app hook.
    const site = '/usr/lib/python3/dist-packages/lib';
    const cycle = profile(
      [
        fn('/app/views.py', 'view', 1, 1, 0, 50),
        fn(`${site}/r.py`, 'render', 1, 2, 10, 50),
        fn(`${site}/s.py`, 'render_node', 1, 2, 10, 40),
        fn('/app/hooks.py', 'hook', 2, 2, 20, 20),
      ],
      // r→s counted once (outermost, 40); s→r 25; s→hook all 20.
      [edge(0, 1, 1, 1, 50), edge(1, 2, 1, 2, 40), edge(2, 1, 1, 1, 25), edge(2, 3, 2, 2, 20)],
    );
    const tree = new CallTree(buildProfileModel(cycle, PATHS), { foldLibraries: true, threshold: 0 });
    const [hook] = tree.children('0');
    assertMs(hook.total, 20, 'hook');
    assertMs(tree.roots()[0].own, 30, 'view own: all of the hidden time, the cycle call included');
    assertTreeConsistent(tree);
  });

  it('shows an app function reached back through a library as recursive', () => {
    // view → lib.dispatch → view again (a callback into the caller).
    const site = '/usr/lib/python3/dist-packages/lib';
    const callback = profile(
      [fn('/app/views.py', 'view', 1, 2, 10, 30), fn(`${site}/d.py`, 'dispatch', 1, 1, 5, 20)],
      [edge(0, 1, 1, 1, 20), edge(1, 0, 0, 1, 15)],
    );
    const tree = new CallTree(buildProfileModel(callback, PATHS), { foldLibraries: true, threshold: 0 });
    const [root] = tree.roots();
    // view 30 ms: 20 into dispatch, of which 15 come back into view (a recursive call).
    assertMs(root.own, 15, 'view own before expanding: its 10 and dispatch’s 5');
    const [again] = tree.children('0');
    assert.equal(again.id, '0/0');
    assert.equal(again.recursive, true);
    assertMs(again.total, 15, 'the recursive call');
    assertMs(root.own, 15, 'view own after expanding');
    assertTreeConsistent(tree);
  });
});
