/**
 * The call tree on the real profiles in test/fixtures/profiles/, written by the middleware
 * from the demo app (scripts/make-fixtures.py). The numbers differ on every regeneration,
 * so the expectations are computed from each file's own records.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CallTree } from '../../src/core/callTree';
import { CallersTree } from '../../src/core/callers';
import { requestHotPath } from '../../src/core/hotPath';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { revealPath, searchFunctions } from '../../src/core/search';
import { assertTreeConsistent } from './callTreeSamples';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/profiles');

/** Every fixture that parses: the set also holds deliberately broken files, for the reader's tests. */
function fixtures(): { name: string; document: ProfileDocument }[] {
  return readdirSync(FIXTURES)
    .filter((name) => name.endsWith('.rprof.json'))
    .flatMap((name) => {
      try {
        return [{ name, document: JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as ProfileDocument }];
      } catch {
        return [];
      }
    });
}

function fixtureFor(path: string): ProfileDocument {
  const found = fixtures().find((f) => f.document.header.path === path);
  assert.ok(found, `a fixture for ${path} in ${FIXTURES}`);
  return found.document;
}

function named(model: ProfileModel, name: string): number {
  const f = model.functions.find((x) => x.name === name);
  assert.ok(f, `function ${name}`);
  return f.index;
}

describe('call tree on the middleware’s real profiles', () => {
  it('has fixtures to test', () => {
    assert.ok(fixtures().length >= 5, `fixtures in ${FIXTURES}`);
  });

  it('stays consistent on every fixture, with and without folding', () => {
    for (const { name, document } of fixtures()) {
      const model = buildProfileModel(document.profile, document.paths);
      for (const foldLibraries of [false, true]) {
        const tree = new CallTree(model, { foldLibraries, threshold: 0 });
        const count = assertTreeConsistent(tree);
        assert.ok(count >= Math.min(1, model.functions.length), name);
        const rootTotal = tree.roots().reduce((sum, r) => sum + r.total, 0);
        assert.ok(Math.abs(rootTotal - model.totalTime) < 1e-12, `${name}: roots add up to the profiled time`);
      }
    }
  });

  it('follows /slow’s primes down its hot path, and ends the fibonacci recursion', () => {
    const document = fixtureFor('/slow');
    const model = buildProfileModel(document.profile, document.paths);
    const tree = new CallTree(model, { threshold: 0 });
    const hot = requestHotPath(tree).map((id) => model.functions[Number(id.split('/').pop())].name);
    // In this order (Python 3.12+ inlines the list comprehension between the last two).
    const order = ['slow_report', 'primes_below', 'is_prime'].map((name) => hot.indexOf(name));
    assert.ok(order[0] === 1 && order[0] < order[1] && order[1] < order[2], `hot path: ${hot.join(' > ')}`);
    const fib = named(model, 'fibonacci');
    const slowReport = named(model, 'slow_report');
    const root = tree.roots()[0];
    const fibId = `${root.id}/${slowReport}/${fib}`;
    const [recursive] = tree.children(fibId);
    assert.equal(recursive.id, `${fibId}/${fib}`);
    assert.equal(recursive.recursive, true);
    assert.deepEqual(tree.children(recursive.id), []);
    const selfEdge = model.edges.find((e) => e.caller === fib && e.callee === fib)!;
    assert.ok(Math.abs(recursive.total - selfEdge.ct) < 1e-12, 'the recursive call keeps its recorded time');
    assert.equal(recursive.nc, model.functions[fib].nc - 1, 'every call but the first is recursive');
  });

  it('folds the built-in all() of /slow into is_prime and merges both routes to the generator', () => {
    const document = fixtureFor('/slow');
    const model = buildProfileModel(document.profile, document.paths);
    const isPrime = named(model, 'is_prime');
    const all = model.functions.find((f) => f.name === '<built-in method builtins.all>')!.index;
    const genexpr = model.functions.find((f) => f.name === '<genexpr>' && f.qualname?.startsWith('is_prime'))?.index ?? named(model, '<genexpr>');
    const tree = new CallTree(model, { foldLibraries: true, threshold: 0 });
    const match = searchFunctions(model, 'is_prime', { foldLibraries: true }).matches.find((m) => m.fn === isPrime)!;
    const node = tree.nodeAt(revealPath(model, match.fn, true)!)!;
    const id = node.id;
    assert.equal(node.kind, 'function');
    // is_prime has one caller and runs at share 1: its own time plus all()'s.
    const expectedOwn = model.functions[isPrime].tt + model.functions[all].tt;
    assert.ok(Math.abs(node.own - expectedOwn) < 1e-9, `${node.own} vs ${expectedOwn}`);
    const [generator] = tree.children(id);
    assert.equal(generator.fn, genexpr);
    assert.ok(Math.abs(generator.total - model.functions[genexpr].ct) < 1e-9, 'direct and through all(): the whole generator');
  });

  it('shows who called the generator of /slow, and how much through each', () => {
    const document = fixtureFor('/slow');
    const model = buildProfileModel(document.profile, document.paths);
    const genexpr = model.functions.find((f) => f.name === '<genexpr>' && model.callersOf[f.index].length === 2)!.index;
    const callers = new CallersTree(model, genexpr).callers(String(genexpr));
    const edgesIn = model.callersOf[genexpr].map((e) => model.edges[e]).sort((a, b) => b.ct - a.ct);
    assert.deepEqual(
      callers.map((c) => c.fn),
      edgesIn.map((e) => e.caller),
    );
    callers.forEach((c, i) => assert.ok(Math.abs(c.time - edgesIn[i].ct) < 1e-12));
  });

  it('gives an empty tree for the profile without functions', () => {
    const empty = fixtures().find((f) => f.document.profile.functions.length === 0);
    assert.ok(empty, 'the fixture set has an empty profile');
    const tree = new CallTree(buildProfileModel(empty.document.profile, empty.document.paths));
    assert.deepEqual(tree.visibleRows(new Set()), []);
    assert.deepEqual(requestHotPath(tree), []);
  });
});
