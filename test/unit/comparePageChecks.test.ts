/**
 * What the host accepts from a diff page (src/compareView/pageChecks.ts), on its own and through
 * the host's end of the channel: functions of profile A or B of the comparison it sent, by index;
 * never a path, another comparison's id, an index it did not give, or an unknown mode.
 */
import * as assert from 'node:assert/strict';
import { comparePageChecks, type ShownComparison } from '../../src/compareView/pageChecks';
import type { CompareProtocol, CompareRendered } from '../../src/compareView/protocol';
import { HostChannel, type ChannelHandlers, type ChannelTransport } from '../../src/core/webviewChannel';

const SHOWN: ShownComparison = { id: 'a1..b2', functionsA: 3, functionsB: 7 };
const checks = comparePageChecks(() => SHOWN);
const RENDERED: CompareRendered = {
  comparisonId: 'a1..b2',
  mode: 'absolute',
  sort: 'explains',
  drawn: 9,
  rows: 9,
  firstFunction: 'is_prime',
  tab: 'functions',
  treeRows: 4,
  treeSelected: 'is_prime',
};

describe('diff page checks', () => {
  it('accepts what the page sends about the shown comparison', () => {
    assert.equal(checks.notes.setMode({ mode: 'absolute' }), undefined);
    assert.equal(checks.notes.setMode({ mode: 'normalised' }), undefined);
    assert.equal(checks.notes.rendered(RENDERED), undefined);
    assert.equal(checks.notes.rendered({ ...RENDERED, firstFunction: null, drawn: 0, rows: 0, sort: 'change' }), undefined);
    assert.equal(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'a', function: 2 }), undefined);
    assert.equal(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'b', function: 6 }), undefined);
    assert.equal(checks.notes.error({ message: 'The comparison page failed: x', detail: 'Error: x' }), undefined);
  });

  it('refuses a function named by its file and line', () => {
    assert.equal(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'a', function: 0, file: '/etc/passwd' }), 'unexpected field "file"');
    assert.equal(checks.notes.openFunction({ comparisonId: 'a1..b2', file: '/app/views.py', line: 3 }), 'unexpected field "file"');
  });

  it("refuses an index outside its side's profile, another side, or another comparison", () => {
    // Index 5 exists in B (7 functions) but not in A (3): the side decides the range.
    assert.match(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'a', function: 5 }) ?? '', /profile A's functions, from 0 to 2, not 5/);
    for (const fn of [7, -1, 1.5, '2', null, Number.NaN]) {
      assert.ok(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'b', function: fn }), `function ${String(fn)} refused`);
    }
    assert.match(checks.notes.openFunction({ comparisonId: 'a1..b2', side: 'c', function: 0 }) ?? '', /side must be one of a, b/);
    assert.match(checks.notes.openFunction({ comparisonId: 'x..y', side: 'a', function: 0 }) ?? '', /comparisonId "x..y" is not the shown comparison's/);
    assert.match(checks.notes.rendered({ ...RENDERED, comparisonId: 'x..y' }) ?? '', /not the shown comparison's/);
  });

  it('refuses an unknown mode or sort, and malformed counts', () => {
    assert.match(checks.notes.setMode({ mode: 'relative' }) ?? '', /mode must be one of absolute, normalised/);
    assert.equal(checks.notes.setMode({}), 'missing field "mode"');
    assert.equal(checks.notes.setMode('absolute'), 'expected an object');
    assert.match(checks.notes.rendered({ ...RENDERED, sort: 'file' }) ?? '', /sort must be one of/);
    assert.match(checks.notes.rendered({ ...RENDERED, drawn: -1 }) ?? '', /counts/);
    assert.match(checks.notes.rendered({ ...RENDERED, firstFunction: 3 }) ?? '', /firstFunction/);
    assert.match(checks.notes.rendered({ ...RENDERED, tab: 'graph' }) ?? '', /tab must be one of functions, tree, flame/);
    assert.match(checks.notes.rendered({ ...RENDERED, treeRows: 1.5 }) ?? '', /counts/);
    assert.match(checks.notes.rendered({ ...RENDERED, treeSelected: {} }) ?? '', /treeSelected must be text or null/);
    assert.equal(checks.notes.rendered({ ...RENDERED, tab: 'flame', treeSelected: null }), undefined);
    assert.match(checks.notes.error({ message: '' }) ?? '', /message must be the reason/);
  });

  it('refuses everything about functions while no comparison is shown', () => {
    const none = comparePageChecks(() => undefined);
    assert.equal(none.notes.openFunction({ comparisonId: 'a1..b2', side: 'a', function: 0 }), 'no comparison is shown');
    // The page's first note asks for a mode: it must pass before anything is shown.
    assert.equal(none.notes.setMode({ mode: 'normalised' }), undefined);
  });

  it("keeps a refused note from the host's handler", async () => {
    const opened: unknown[] = [];
    let receive: (message: unknown) => void = () => undefined;
    const transport: ChannelTransport = { post: () => undefined, listen: (r) => ((receive = r), () => undefined) };
    const handlers: ChannelHandlers<CompareProtocol['page']> = {
      notes: { setMode: () => undefined, rendered: () => undefined, openFunction: (body) => void opened.push(body), error: () => undefined },
      asks: {},
    };
    const problems: string[] = [];
    new HostChannel<CompareProtocol>(transport, handlers, checks, () => undefined, { report: (p) => problems.push(p) });
    receive({ rp: 1, kind: 'ready', page: 'p1' });
    receive({ rp: 1, kind: 'note', type: 'openFunction', body: { comparisonId: 'a1..b2', side: 'a', function: 9 } });
    receive({ rp: 1, kind: 'note', type: 'openFunction', body: { comparisonId: 'a1..b2', side: 'b', function: 6 } });
    await new Promise((r) => setTimeout(r, 0));
    assert.deepEqual(opened, [{ comparisonId: 'a1..b2', side: 'b', function: 6 }]);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /openFunction/);
  });
});
