/**
 * What the host accepts from a call graph page (src/callGraph/pageChecks.ts), on its own and
 * through the host's end of the channel: functions of the profile it sent, by index; never a
 * path, an unknown message or an index it did not give.
 */
import * as assert from 'node:assert/strict';
import { callGraphPageChecks, type ShownProfile } from '../../src/callGraph/pageChecks';
import type { CallGraphProtocol, CallGraphRendered } from '../../src/callGraph/protocol';
import { HostChannel, type ChannelHandlers, type ChannelTransport } from '../../src/core/webviewChannel';

const SHOWN: ShownProfile = { id: 'req-1', functions: 5 };
const checks = callGraphPageChecks(() => SHOWN);
const OPTIONS = { nodeThreshold: 0.005, edgeThreshold: 0.001, maxNodes: 100 };
const RENDERED: CallGraphRendered = {
  profileId: 'req-1',
  nodes: 3,
  edges: 2,
  hiddenText: '2 functions hidden',
  hotPath: [0, 2, 4],
  options: OPTIONS,
  layoutMs: 12.5,
  layoutIn: 'worker',
  timings: { scriptStarted: 10, drawn: 200 },
};

describe('call graph page checks', () => {
  it('accepts what the page sends about the shown profile', () => {
    assert.equal(checks.notes.openFunction({ profileId: 'req-1', function: 4 }), undefined);
    assert.equal(checks.notes.showInCallTree({ profileId: 'req-1', function: 0 }), undefined);
    assert.equal(checks.notes.rendered(RENDERED), undefined);
    assert.equal(checks.notes.saveGraph({ format: 'svg' }), undefined);
    assert.equal(checks.notes.optionsChanged({ options: OPTIONS }), undefined);
    assert.equal(checks.notes.error({ message: 'The layout failed: out of memory', detail: 'Error: ...' }), undefined);
    assert.equal(checks.notes.error({ message: 'The layout failed' }), undefined);
  });

  it('refuses a function named by its file and line', () => {
    assert.equal(checks.notes.openFunction({ profileId: 'req-1', function: 4, file: '/etc/passwd', line: 1, hasSource: true }), 'unexpected field "file"');
    assert.equal(checks.notes.openFunction({ profileId: 'req-1', file: '/app/views.py', line: 3 }), 'unexpected field "file"');
    assert.equal(checks.notes.showInCallTree({ profileId: 'req-1', function: 1, path: '/app' }), 'unexpected field "path"');
  });

  it('refuses an index the host did not give, or one of another profile', () => {
    for (const fn of [5, -1, 1.5, '2', null, undefined, Number.NaN]) {
      const problem = checks.notes.openFunction({ profileId: 'req-1', function: fn });
      assert.ok(problem, `function ${String(fn)} refused`);
    }
    assert.match(checks.notes.openFunction({ profileId: 'req-1', function: 5 }) ?? '', /from 0 to 4, not 5/);
    assert.match(checks.notes.showInCallTree({ profileId: 'req-0', function: 1 }) ?? '', /profileId "req-0" is not the shown profile's/);
    assert.match(checks.notes.rendered({ ...RENDERED, hotPath: [0, 9] }) ?? '', /hotPath must be a function's index/);
    assert.equal(callGraphPageChecks(() => undefined).notes.openFunction({ profileId: 'req-1', function: 0 }), 'no profile is shown');
  });

  it('refuses bodies of the wrong shape with the reason', () => {
    assert.equal(checks.notes.saveGraph({ format: 'png' }), 'format must be one of dot, svg');
    assert.equal(checks.notes.saveGraph('svg'), 'expected an object');
    assert.equal(checks.notes.optionsChanged({ options: { ...OPTIONS, nodeThreshold: 2 } }), 'options.nodeThreshold must be a share from 0 to 1');
    assert.equal(checks.notes.optionsChanged({ options: { ...OPTIONS, maxNodes: -1 } }), 'options.maxNodes must be a count');
    assert.equal(checks.notes.optionsChanged({ options: { ...OPTIONS, extra: 1 } }), 'unexpected field "extra"');
    assert.equal(checks.notes.error({ message: 42 }), 'message must be the reason, as text');
    assert.equal(checks.notes.error({}), 'missing field "message"');
    assert.equal(checks.notes.rendered({ ...RENDERED, layoutIn: 'gpu' }), 'layoutIn must be worker or page');
    assert.equal(checks.notes.rendered({ ...RENDERED, timings: { drawn: 'soon' } }), 'timings must map steps to milliseconds');
  });
});

describe('call graph page checks in the host channel', () => {
  /** The host's end over a transport the test posts into, as a page (or a hostile one) would. */
  function hostEnd() {
    let deliver: (message: unknown) => void = () => undefined;
    const transport: ChannelTransport = {
      post: () => undefined,
      listen: (receive) => {
        deliver = receive;
        return () => undefined;
      },
    };
    const handled: string[] = [];
    const problems: string[] = [];
    const record = (type: string) => (body: unknown) => void handled.push(`${type} ${JSON.stringify(body)}`);
    const handlers = {
      notes: {
        rendered: record('rendered'),
        openFunction: record('openFunction'),
        showInCallTree: record('showInCallTree'),
        saveGraph: record('saveGraph'),
        optionsChanged: record('optionsChanged'),
        error: record('error'),
      },
      asks: {},
    } satisfies ChannelHandlers<CallGraphProtocol['page']>;
    const channel = new HostChannel<CallGraphProtocol>(transport, handlers, checks, () => undefined, { report: (problem) => problems.push(problem) });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    return { deliver: (message: unknown) => deliver(message), handled, problems, channel, settle };
  }

  it('hands a well-formed note to its handler', async () => {
    const { deliver, handled, problems, settle } = hostEnd();
    deliver({ rp: 1, kind: 'ready', page: 'p1' });
    deliver({ rp: 1, kind: 'note', type: 'openFunction', body: { profileId: 'req-1', function: 2 } });
    await settle();
    assert.deepEqual(problems, []);
    assert.deepEqual(handled, ['openFunction {"profileId":"req-1","function":2}']);
  });

  it('refuses a path, an unknown type and a bad index before any handler sees them', async () => {
    const { deliver, handled, problems, settle } = hostEnd();
    deliver({ rp: 1, kind: 'ready', page: 'p1' });
    deliver({ rp: 1, kind: 'note', type: 'openFunction', body: { profileId: 'req-1', function: 2, file: '/etc/passwd', line: 1 } });
    deliver({ rp: 1, kind: 'note', type: 'openFile', body: { file: '/etc/passwd' } });
    deliver({ rp: 1, kind: 'note', type: 'showInCallTree', body: { profileId: 'req-1', function: 99 } });
    // The old protocol's messages, flat, are not the channel's at all.
    deliver({ type: 'openFunction', profileId: 'req-1', function: 2, file: '/etc/passwd', line: 1, hasSource: true });
    await settle();
    assert.deepEqual(handled, []);
    assert.deepEqual(problems, [
      'a note "openFunction" was refused: unexpected field "file"',
      'a note "openFile" that nothing handles was refused',
      'a note "showInCallTree" was refused: function must be a function\'s index, from 0 to 4, not 99',
    ]);
  });
});
