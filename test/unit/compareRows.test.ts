/**
 * The diff table's words and order (webview/compareView/rows.ts) and the view's title and
 * baseline (src/compareView/compareTitle.ts), on a real comparison (src/core/compareProfiles.ts).
 */
import * as assert from 'node:assert/strict';
import { compareProfiles } from '../../src/core/compareProfiles';
import { compareProfileTrees } from '../../src/core/compareTrees';
import { compareTitle, olderFirst } from '../../src/compareView/compareTitle';
import { nodeTexts, rowTexts, sortRows } from '../../webview/compareView/rows';
import { PATHS } from './callTreeSamples';
import { BASELINE, CHANGED } from './compareSamples';

const A = BASELINE;
const B = CHANGED;

const absolute = compareProfiles({ profile: A, paths: PATHS }, { profile: B, paths: PATHS }, 'absolute');
const byName = (name: string) => absolute.functions.find((row) => row.displayName === name)!;

describe('diff table rows', () => {
  it('shows own time in ms, with a sign and a direction, and marks new functions in words', () => {
    assert.deepEqual(rowTexts(byName('Database.query'), 'absolute'), {
      name: 'Database.query',
      a: '40.0 ms',
      b: '160 ms',
      change: '+120 ms',
      direction: 'slower',
      statusWord: '',
    });
    assert.deepEqual(rowTexts(byName('render'), 'absolute'), {
      name: 'render',
      a: '50.0 ms',
      b: '45.0 ms',
      change: '−5.00 ms',
      direction: 'faster',
      statusWord: '',
    });
    assert.deepEqual(rowTexts(byName('lookup'), 'absolute'), {
      name: 'lookup',
      a: '—',
      b: '5.00 ms',
      change: '+5.00 ms',
      direction: 'slower',
      statusWord: 'new in B',
    });
    assert.equal(rowTexts(byName('handler'), 'absolute').change, '±0');
    assert.equal(rowTexts(byName('handler'), 'absolute').direction, 'unchanged');
  });

  it('shows shares and points in normalised mode', () => {
    // query: 40 % of A's 100 ms, 160 / 220 = 72.7 % of B's: +32.7 points.
    const texts = rowTexts(byName('Database.query'), 'normalised');
    assert.equal(texts.a, '40%');
    assert.equal(texts.b, '73%');
    assert.equal(texts.change, '+33 points');
    assert.equal(rowTexts(byName('render'), 'normalised').direction, 'faster');
  });

  it('keeps the order of what explains the difference, or sorts by a column', () => {
    const names = (rows: { displayName: string }[]) => rows.map((row) => row.displayName);
    assert.deepEqual(names(sortRows(absolute.functions, 'explains', 'descending', 'absolute')), ['Database.query', 'render', 'lookup', 'handler']);
    assert.deepEqual(names(sortRows(absolute.functions, 'change', 'descending', 'absolute')), ['Database.query', 'lookup', 'handler', 'render']);
    assert.deepEqual(names(sortRows(absolute.functions, 'change', 'ascending', 'absolute')), ['render', 'handler', 'lookup', 'Database.query']);
    // lookup is absent from A: it counts as nothing there.
    assert.deepEqual(names(sortRows(absolute.functions, 'a', 'descending', 'absolute')), ['render', 'Database.query', 'handler', 'lookup']);
    assert.deepEqual(names(sortRows(absolute.functions, 'b', 'descending', 'absolute')), ['Database.query', 'render', 'handler', 'lookup']);
    assert.deepEqual(names(sortRows(absolute.functions, 'function', 'ascending', 'absolute')), ['Database.query', 'handler', 'lookup', 'render']);
  });
});

describe('diff call tree rows', () => {
  const tree = compareProfileTrees({ profile: A, paths: PATHS }, { profile: B, paths: PATHS });
  const node = (name: string) => tree.nodes.find((n) => n.name === name)!;
  const texts = (name: string, mode: 'absolute' | 'normalised') => nodeTexts(node(name), mode, tree.totalA, tree.totalB);

  it('shows each node’s total time in A and B and the change, with words for new nodes', () => {
    assert.deepEqual(texts('handler', 'absolute'), {
      name: 'handler',
      a: '100 ms',
      b: '220 ms',
      change: '+120 ms',
      direction: 'slower',
      statusWord: '',
    });
    assert.deepEqual(texts('lookup', 'absolute'), { name: 'lookup', a: '—', b: '5.00 ms', change: '+5.00 ms', direction: 'slower', statusWord: 'new in B' });
  });

  it('shows shares of each request when normalised: the lone entry point is unchanged', () => {
    assert.deepEqual(texts('handler', 'normalised'), { name: 'handler', a: '100%', b: '100%', change: '±0', direction: 'unchanged', statusWord: '' });
    assert.equal(texts('render', 'normalised').change, '−30 points', '50 % → 20 %');
    assert.equal(texts('render', 'normalised').direction, 'faster');
  });
});

describe('diff view title and baseline', () => {
  it('takes the older request as A and names B first', () => {
    const root = { method: 'GET', path: '/', query: '', start: 100 };
    const slow = { method: 'GET', path: '/slow', query: '', start: 200 };
    assert.deepEqual(olderFirst(slow, root), [root, slow]);
    assert.deepEqual(olderFirst(root, slow), [root, slow]);
    assert.equal(compareTitle(root, slow), 'GET /slow vs GET / (compare)');
    assert.equal(compareTitle(root, { ...slow, query: 'n=3' }), 'GET /slow?n=3 vs GET / (compare)');
  });
});
