import * as assert from 'node:assert/strict';
import { functionRows, sortFunctionRows, type FunctionColumn } from '../../src/core/functionTable';
import { buildProfileModel } from '../../src/core/profileModel';
import { edge, fn, PATHS, profile } from './callTreeSamples';

/** handler (app) → render (site-packages) → len (built-in); handler → dumps (stdlib). 100 ms in all. */
const REQUEST = profile(
  [
    fn('/app/views.py', 'handler', 1, 1, 10, 100, 'UserView.handler'),
    fn('/usr/lib/python3/dist-packages/jinja2/environment.py', 'render', 2, 3, 50, 70),
    fn('~', '<built-in method builtins.len>', 40, 40, 20, 20),
    fn('/usr/lib/python3.11/json/__init__.py', 'dumps', 1, 1, 20, 20),
  ],
  [edge(0, 1, 2, 3, 70), edge(1, 2, 40, 40, 20), edge(0, 3, 1, 1, 20)],
);

function rows() {
  return functionRows(buildProfileModel(REQUEST, PATHS));
}

describe('function table', () => {
  it('has one row per function with its recorded numbers', () => {
    const [handler, render, len, dumps] = rows();
    assert.equal(handler.name, 'UserView.handler');
    assert.equal(handler.location, '/app/views.py:10');
    assert.equal(handler.totalFraction, 1);
    assert.equal(handler.kind, 'app');
    assert.equal(render.module, 'jinja2.environment');
    assert.equal(render.kind, 'library');
    assert.deepEqual([render.cc, render.nc], [2, 3]);
    assert.ok(Math.abs(render.ownFraction - 0.5) < 1e-12);
    assert.equal(len.location, '', 'built-ins have no file');
    assert.equal(len.hasSource, false);
    assert.equal(dumps.kind, 'stdlib');
  });

  const orders: [FunctionColumn, 'ascending' | 'descending', number[]][] = [
    ['total', 'descending', [0, 1, 2, 3]],
    ['own', 'descending', [1, 2, 3, 0]], // 50, then 20 and 20 by total (tie: function order), then 10
    ['own', 'ascending', [0, 2, 3, 1]],
    ['calls', 'descending', [2, 1, 0, 3]],
    ['primitiveCalls', 'ascending', [0, 3, 1, 2]],
    ['name', 'ascending', [2, 3, 1, 0]], // "<built-in …", "dumps", "render", "UserView.handler": case-insensitive
    ['kind', 'ascending', [0, 1, 3, 2]],
    ['module', 'ascending', [2, 1, 3, 0]],
    ['location', 'ascending', [2, 0, 3, 1]], // "" first; "/usr/lib/python3.11/…" < "/usr/lib/python3/…" ('.' < '/')
  ];
  for (const [column, direction, expected] of orders) {
    it(`sorts by ${column}, ${direction}`, () => {
      assert.deepEqual(
        sortFunctionRows(rows(), column, direction).map((r) => r.fn),
        expected,
      );
    });
  }

  it('does not reorder its input', () => {
    const input = rows();
    sortFunctionRows(input, 'name', 'descending');
    assert.deepEqual(
      input.map((r) => r.fn),
      [0, 1, 2, 3],
    );
  });

  it('is empty for an empty profile, with 0 % rather than NaN', () => {
    assert.deepEqual(functionRows(buildProfileModel(profile([], []))), []);
    const [zero] = functionRows(buildProfileModel(profile([fn('/app/a.py', 'f', 1, 1, 0, 0)], [])));
    assert.equal(zero.totalFraction, 0);
  });
});
