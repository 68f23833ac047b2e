import * as assert from 'node:assert/strict';
import {
  ChannelError,
  HostChannel,
  PageChannel,
  bodyChecks,
  type ChannelChecks,
  type ChannelHandlers,
  type ChannelMessage,
  type ChannelTransport,
} from '../../src/core/webviewChannel';

/** A small view's protocol, as a real one is declared. */
interface TestProtocol {
  host: {
    notes: { show: { title: string } };
    asks: { exportGraph: { body: { format: 'dot' | 'svg' }; answer: { text: string } } };
  };
  page: {
    notes: { openFunction: { function: number } };
    asks: { pickColour: { body: { options: string[] }; answer: string } };
  };
}

/**
 * Two ends joined in memory. Messages are delivered when deliver() is called (or all of them by
 * settle()), in order, as structured clones: nothing shared between the ends, as in VS Code.
 */
class Wire {
  private readonly queue: { to: 'host' | 'page'; message: unknown }[] = [];
  private readonly listeners = { host: [] as ((m: unknown) => void)[], page: [] as ((m: unknown) => void)[] };
  readonly sent: { from: 'host' | 'page'; message: ChannelMessage }[] = [];

  end(side: 'host' | 'page'): ChannelTransport {
    const other = side === 'host' ? 'page' : 'host';
    return {
      post: (message) => {
        this.sent.push({ from: side, message });
        this.queue.push({ to: other, message: structuredClone(message) });
      },
      listen: (receive) => {
        this.listeners[side].push(receive);
        return () => (this.listeners[side] = this.listeners[side].filter((l) => l !== receive));
      },
    };
  }

  /** A message as a page would post it, bypassing its end (a hostile or broken page). */
  inject(to: 'host' | 'page', message: unknown): void {
    this.queue.push({ to, message });
  }

  /** Delivers every queued message, and what the handlers send meanwhile, until none is left. */
  async settle(): Promise<void> {
    for (let rounds = 0; rounds < 100; rounds++) {
      while (this.queue.length) {
        const { to, message } = this.queue.shift()!;
        for (const listener of this.listeners[to]) listener(message);
      }
      // Handlers are async: let them run, then deliver what they sent.
      await new Promise((resolve) => setImmediate(resolve));
      if (!this.queue.length) return;
    }
    throw new Error('the ends kept talking');
  }
}

/** What a promise came to, caught at once (a rejection waiting for its handler is a warning in Node). */
function outcomeOf<T>(promise: Promise<T>): Promise<{ value?: T; error?: Error }> {
  return promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
}

/** A clock the test moves by hand: timers fire only when it says so. */
class ManualClock {
  private timers: { at: number; callback: () => void; cancelled: boolean }[] = [];
  private now = 0;

  readonly startTimer = (callback: () => void, ms: number) => {
    const timer = { at: this.now + ms, callback, cancelled: false };
    this.timers.push(timer);
    return () => (timer.cancelled = true);
  };

  advance(ms: number): void {
    this.now += ms;
    const due = this.timers.filter((t) => !t.cancelled && t.at <= this.now);
    this.timers = this.timers.filter((t) => !due.includes(t));
    for (const timer of due) timer.callback();
  }
}

const PAGE_CHECKS: ChannelChecks<TestProtocol['page']> = {
  notes: { openFunction: (body) => bodyChecks.index(body, 'function', 10) },
  asks: { pickColour: (body) => (Array.isArray((body as { options?: unknown })?.options) ? undefined : 'options must be a list') },
};

function makeEnds(
  options: {
    hostHandlers?: Partial<ChannelHandlers<TestProtocol['page']>['notes']>;
    pageAnswer?: (format: 'dot' | 'svg') => { text: string } | Promise<{ text: string }>;
    clock?: ManualClock;
  } = {},
) {
  const wire = new Wire();
  const opened: number[] = [];
  const shown: string[] = [];
  const readies: string[] = [];
  const problems: string[] = [];
  const host = new HostChannel<TestProtocol>(
    wire.end('host'),
    {
      notes: { openFunction: options.hostHandlers?.openFunction ?? (({ function: fn }) => void opened.push(fn)) },
      asks: { pickColour: ({ options: colours }) => colours[0] },
    },
    PAGE_CHECKS,
    (page) => readies.push(page),
    { report: (problem) => problems.push(problem), startTimer: options.clock?.startTimer },
  );
  const makePage = (pageId: string) =>
    new PageChannel<TestProtocol>(
      wire.end('page'),
      {
        notes: { show: ({ title }) => void shown.push(title) },
        asks: { exportGraph: ({ format }) => (options.pageAnswer ? options.pageAnswer(format) : { text: `graph as ${format}` }) },
      },
      { pageId, startTimer: options.clock?.startTimer },
    );
  return { wire, host, makePage, opened, shown, readies, problems };
}

describe('webview channel', () => {
  it('holds what the host sends until the page is ready, then sends it in order and tells the owner', async () => {
    const { wire, host, makePage, shown, readies } = makeEnds();
    host.note('show', { title: 'first' });
    host.note('show', { title: 'second' });
    await wire.settle();
    assert.deepEqual(wire.sent, [], 'nothing goes out before a page is ready');
    makePage('page-1');
    await wire.settle();
    assert.deepEqual(shown, ['first', 'second']);
    assert.deepEqual(readies, ['page-1']);
    assert.equal(host.pageId, 'page-1');
  });

  it('matches each answer to its ask by id, whatever order the answers come in', async () => {
    const releases: (() => void)[] = [];
    const { wire, host, makePage } = makeEnds({
      pageAnswer: (format) => new Promise((resolve) => releases.push(() => resolve({ text: `graph as ${format}` }))),
    });
    makePage('page-1');
    await wire.settle();
    const dot = host.ask('exportGraph', { format: 'dot' });
    const svg = host.ask('exportGraph', { format: 'svg' });
    await wire.settle();
    assert.equal(releases.length, 2);
    releases[1]();
    await wire.settle();
    releases[0]();
    await wire.settle();
    assert.deepEqual(await Promise.all([dot, svg]), [{ text: 'graph as dot' }, { text: 'graph as svg' }]);
  });

  it('fails an ask nobody answers in time, naming it, and ignores its late answer', async () => {
    const clock = new ManualClock();
    let release: (() => void) | undefined;
    const { wire, host, makePage } = makeEnds({ clock, pageAnswer: () => new Promise((resolve) => (release = () => resolve({ text: 'late' }))) });
    makePage('page-1');
    await wire.settle();
    let timedOut = false;
    const asked = outcomeOf(host.ask('exportGraph', { format: 'svg' }, 5000).finally(() => (timedOut = true)));
    await wire.settle();
    clock.advance(4999);
    await wire.settle();
    assert.equal(timedOut, false, 'not before its time');
    clock.advance(1);
    const { error } = await asked;
    assert.ok(error instanceof ChannelError && error.message === 'no answer to "exportGraph" within 5 s', String(error));
    release!();
    await wire.settle();
  });

  it('on a reload, fails the asks of the page that went away and asks the owner to show the new one', async () => {
    const { wire, host, makePage, readies } = makeEnds({ pageAnswer: () => new Promise(() => {}) });
    makePage('page-1');
    await wire.settle();
    const asked = outcomeOf(host.ask('exportGraph', { format: 'dot' }));
    await wire.settle();
    makePage('page-2');
    await wire.settle();
    assert.equal((await asked).error?.message, '"exportGraph" got no answer: the page was loaded again');
    assert.deepEqual(readies, ['page-1', 'page-2']);
  });

  it('holds messages again once the page has gone, until the next one is ready', async () => {
    const { wire, host, makePage, shown } = makeEnds();
    const first = makePage('page-1');
    await wire.settle();
    first.dispose(); // its webview is gone with it
    host.pageGone();
    host.note('show', { title: 'while hidden' });
    await wire.settle();
    assert.deepEqual(shown, []);
    makePage('page-2');
    await wire.settle();
    assert.deepEqual(shown, ['while hidden']);
  });

  it("refuses what a page sends that fails the host's checks: the handler never sees it, the problem is reported", async () => {
    const { wire, makePage, opened, problems } = makeEnds();
    const page = makePage('page-1');
    await wire.settle();
    page.note('openFunction', { function: 3 });
    page.note('openFunction', { function: 10 });
    wire.inject('host', { rp: 1, kind: 'note', type: 'openFunction', body: { function: '/etc/passwd' } });
    await wire.settle();
    assert.deepEqual(opened, [3]);
    assert.deepEqual(problems, [
      'a note "openFunction" was refused: function must be an index from 0 to 9, not 10',
      'a note "openFunction" was refused: function must be an index from 0 to 9, not "/etc/passwd"',
    ]);
  });

  it('answers an ask it refuses or cannot handle with an error the asker sees', async () => {
    const { wire, makePage, problems } = makeEnds();
    const page = makePage('page-1');
    await wire.settle();
    const bad = outcomeOf(page.ask('pickColour', { options: 'red' as unknown as string[] }));
    const good = page.ask('pickColour', { options: ['teal', 'red'] });
    await wire.settle();
    assert.equal((await bad).error?.message, '"pickColour" failed: options must be a list');
    assert.equal(await good, 'teal');
    assert.equal(problems.length, 1);
  });

  it('refuses types nobody handles, including the names every object has', async () => {
    const { wire, makePage, problems } = makeEnds();
    makePage('page-1');
    await wire.settle();
    for (const type of ['deleteEverything', 'constructor', '__proto__', 'toString']) wire.inject('host', { rp: 1, kind: 'note', type, body: {} });
    await wire.settle();
    assert.deepEqual(
      problems,
      ['deleteEverything', 'constructor', '__proto__', 'toString'].map((type) => `a note "${type}" that nothing handles was refused`),
    );
  });

  it('ignores what is not a message of this channel', async () => {
    const { wire, host, makePage, problems, opened } = makeEnds();
    makePage('page-1');
    await wire.settle();
    for (const message of [
      null,
      'ready',
      { type: 'openFunction', function: 1 },
      { rp: 2, kind: 'note', type: 'openFunction', body: { function: 1 } },
      { rp: 1, kind: 'ask', type: 'pickColour', id: 1.5 },
      { rp: 1, kind: 'ready', page: '' },
    ]) {
      wire.inject('host', message);
    }
    await wire.settle();
    assert.deepEqual({ problems, opened, page: host.pageId }, { problems: [], opened: [], page: 'page-1' });
  });

  it('reports a handler that throws, and answers the ask with its message', async () => {
    const { wire, host, makePage, problems } = makeEnds({
      hostHandlers: {
        openFunction: () => {
          throw new Error('no such file');
        },
      },
      pageAnswer: () => {
        throw new Error('the graph is not drawn yet');
      },
    });
    const page = makePage('page-1');
    await wire.settle();
    page.note('openFunction', { function: 1 });
    const asked = outcomeOf(host.ask('exportGraph', { format: 'dot' }));
    await wire.settle();
    assert.equal((await asked).error?.message, '"exportGraph" failed: the graph is not drawn yet');
    assert.match(problems[0], /^handling the note "openFunction" failed: Error: no such file/);
  });

  it('after dispose, fails what waits and handles nothing more', async () => {
    const { wire, host, makePage, opened } = makeEnds({ pageAnswer: () => new Promise(() => {}) });
    const page = makePage('page-1');
    await wire.settle();
    const asked = outcomeOf(host.ask('exportGraph', { format: 'dot' }));
    await wire.settle();
    host.dispose();
    assert.match((await asked).error?.message ?? '', /the view is closed/);
    page.note('openFunction', { function: 2 });
    await wire.settle();
    assert.deepEqual(opened, []);
    await assert.rejects(host.ask('exportGraph', { format: 'svg' }), /was not asked: the view is closed/);
  });

  it('makes a missing handler or check a compile error', () => {
    // Type-level: `npm run typecheck` fails if any of these compiles.
    const handlers: ChannelHandlers<TestProtocol['page']> = {
      // @ts-expect-error pickColour's handler is missing
      asks: {},
      notes: { openFunction: () => {} },
    };
    const checks: ChannelChecks<TestProtocol['page']> = {
      // @ts-expect-error openFunction's check is missing
      notes: {},
      asks: { pickColour: () => undefined },
    };
    // @ts-expect-error the body of a note is typed by the protocol
    const wrongBody = (host: HostChannel<TestProtocol>) => host.note('show', { heading: 'x' });
    assert.ok(handlers && checks && wrongBody);
  });
});
