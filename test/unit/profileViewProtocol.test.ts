/**
 * The profile view's protocol as the host receives it: every note of the page goes through the
 * host's checks (PAGE_CHECKS) on the views' channel before a handler sees it; a function is
 * named by its index alone, never by a path.
 */
import * as assert from 'node:assert/strict';
import { HostChannel, type ChannelHandlers, type ChannelMessage } from '../../src/core/webviewChannel';
import { PAGE_CHECKS, viewStateProblem, type ProfileViewProtocol, type ViewState } from '../../src/profileView/protocol';

type PageNotes = ProfileViewProtocol['page']['notes'];

/** A host end whose page is played by the test: what it delivers, and what the handlers and the report saw. */
function hostWithPage() {
  let deliver: (message: unknown) => void = () => assert.fail('the channel is not listening');
  const handled: { type: keyof PageNotes; body: unknown }[] = [];
  const problems: string[] = [];
  const record =
    <K extends keyof PageNotes>(type: K) =>
    (body: PageNotes[K]) =>
      void handled.push({ type, body });
  const handlers: ChannelHandlers<ProfileViewProtocol['page']> = {
    notes: {
      viewState: record('viewState'),
      saveState: record('saveState'),
      openFunction: record('openFunction'),
      openRaw: record('openRaw'),
      compareWithAggregate: record('compareWithAggregate'),
      error: record('error'),
    },
    asks: {},
  };
  new HostChannel<ProfileViewProtocol>(
    { post: () => undefined, listen: (receive) => ((deliver = receive), () => undefined) },
    handlers,
    PAGE_CHECKS,
    () => undefined,
    { report: (problem) => problems.push(problem) },
  );
  deliver({ rp: 1, kind: 'ready', page: 'page-1' } satisfies ChannelMessage);
  return {
    handled,
    problems,
    /** A note as a page could send it, whatever its body. */
    async send(type: string, body: unknown): Promise<void> {
      deliver({ rp: 1, kind: 'note', type, body } satisfies ChannelMessage);
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

function viewState(overrides: Record<string, unknown> = {}): ViewState {
  return {
    profileId: '0195f0a2-aaaa',
    tab: 'tree',
    expanded: ['0', '0/3'],
    hotPath: ['0', '0/3'],
    selectedId: '0/3',
    selectedFunction: 3,
    search: '',
    searchMatches: 0,
    hideLibraryFrames: true,
    threshold: 0.005,
    rowCount: 12,
    renderedRows: 12,
    firstPaintMs: 41.5,
    selectedLocation: 'app:42',
    ...overrides,
  } as ViewState;
}

describe('profile view protocol: what the host accepts from the page', () => {
  it('takes go-to-source by the function index alone', async () => {
    const host = hostWithPage();
    await host.send('openFunction', { function: 0 });
    await host.send('openFunction', { function: 7 });
    assert.deepEqual(host.handled, [
      { type: 'openFunction', body: { function: 0 } },
      { type: 'openFunction', body: { function: 7 } },
    ]);
    assert.deepEqual(host.problems, []);
  });

  it('refuses go-to-source that carries a path or a line beside the index (as the page once sent it)', async () => {
    const host = hostWithPage();
    await host.send('openFunction', { function: 3, file: '/etc/passwd', line: 1, name: 'slow_report' });
    await host.send('openFunction', { function: 3, file: '/home/app/demo/app.py' });
    assert.deepEqual(host.handled, [], 'no handler saw a path from the page');
    assert.deepEqual(host.problems, [
      'a note "openFunction" was refused: unexpected fields file, line, name',
      'a note "openFunction" was refused: unexpected field file',
    ]);
  });

  it('refuses go-to-source whose function is not an index', async () => {
    const host = hostWithPage();
    for (const fn of ['/etc/passwd', -1, 1.5, null, Number.MAX_SAFE_INTEGER + 1]) await host.send('openFunction', { function: fn });
    await host.send('openFunction', {});
    await host.send('openFunction', 'app.py');
    assert.deepEqual(host.handled, []);
    assert.deepEqual(host.problems, [
      `a note "openFunction" was refused: function must be a function's index, not "/etc/passwd"`,
      `a note "openFunction" was refused: function must be a function's index, not -1`,
      `a note "openFunction" was refused: function must be a function's index, not 1.5`,
      `a note "openFunction" was refused: function must be a function's index, not null`,
      `a note "openFunction" was refused: function must be a function's index, not 9007199254740992`,
      `a note "openFunction" was refused: function must be a function's index, not undefined`,
      'a note "openFunction" was refused: expected an object',
    ]);
  });

  it('refuses "open the raw file" naming a file: the host opens its own', async () => {
    const host = hostWithPage();
    await host.send('openRaw', { file: '/etc/passwd' });
    await host.send('openRaw', {});
    assert.deepEqual(host.handled, [{ type: 'openRaw', body: {} }]);
    assert.deepEqual(host.problems, ['a note "openRaw" was refused: unexpected field file']);
  });

  it('takes "compare with the endpoint aggregate" with nothing in it: the host compares its own file', async () => {
    const host = hostWithPage();
    await host.send('compareWithAggregate', { file: '/etc/passwd' });
    await host.send('compareWithAggregate', {});
    assert.deepEqual(host.handled, [{ type: 'compareWithAggregate', body: {} }]);
    assert.deepEqual(host.problems, ['a note "compareWithAggregate" was refused: unexpected field file']);
  });

  it('takes a failure with its message and optional detail, and nothing but text', async () => {
    const host = hostWithPage();
    await host.send('error', { message: 'x.rprof.json cannot be shown: bad edge' });
    await host.send('error', { message: 'failed', detail: 'Error: failed\n    at show (app.js:1:2)' });
    await host.send('error', { message: 42 });
    await host.send('error', { message: 'failed', detail: { stack: [] } });
    await host.send('error', { message: 'x'.repeat(20_001) });
    assert.deepEqual(
      host.handled.map((h) => h.body),
      [{ message: 'x.rprof.json cannot be shown: bad edge' }, { message: 'failed', detail: 'Error: failed\n    at show (app.js:1:2)' }],
    );
    assert.deepEqual(host.problems, [
      'a note "error" was refused: message must be a string',
      'a note "error" was refused: detail must be a string',
      'a note "error" was refused: message is longer than 20000 characters',
    ]);
  });

  it('takes the view state the page reports, and saved state as the page keeps it', async () => {
    const host = hostWithPage();
    await host.send('viewState', { state: viewState() });
    await host.send('viewState', { state: viewState({ selectedId: null, selectedFunction: null, selectedLocation: null, tab: 'callers' }) });
    await host.send('saveState', { state: { profileId: 'p', expansion: [1, 2] } });
    assert.deepEqual(
      host.handled.map((h) => h.type),
      ['viewState', 'viewState', 'saveState'],
    );
    assert.deepEqual(host.problems, []);
  });

  it('refuses a view state of the wrong shape, saying which field', () => {
    assert.equal(viewStateProblem(viewState()), undefined);
    const cases: [Record<string, unknown>, string][] = [
      [{ profileId: 7 }, 'state.profileId must be a string'],
      [{ tab: 'settings' }, 'state.tab must be one of tree, flame, functions, callers, sandwich, request'],
      [{ expanded: ['0', 3] }, 'state.expanded must be a list of node ids'],
      [{ hotPath: 'all' }, 'state.hotPath must be a list of node ids'],
      [{ rowCount: '12' }, 'state.rowCount must be a number'],
      [{ hideLibraryFrames: 'yes' }, 'state.hideLibraryFrames must be true or false'],
      [{ selectedId: 3 }, 'state.selectedId must be a node id or null'],
      [{ selectedFunction: -2 }, 'state.selectedFunction must be a function index or null'],
      [{ selectedLocation: 42 }, 'state.selectedLocation must be a string or null'],
    ];
    for (const [override, problem] of cases) assert.equal(viewStateProblem(viewState(override)), problem, JSON.stringify(override));
    assert.equal(viewStateProblem(null), 'state must be an object');
  });

  it('refuses notes the protocol does not have, and the host-bound ones a page might echo', async () => {
    const host = hostWithPage();
    await host.send('ready', {});
    await host.send('show', { fileName: 'x.rprof.json' });
    await host.send('viewState', { state: viewState(), file: '/etc/passwd' });
    assert.deepEqual(host.handled, []);
    assert.deepEqual(host.problems, [
      'a note "ready" that nothing handles was refused',
      'a note "show" that nothing handles was refused',
      'a note "viewState" was refused: unexpected field file',
    ]);
  });
});
