/**
 * What the host accepts from the Endpoints overview page (src/endpointsView/pageChecks.ts), on
 * its own and through the host's end of the channel: a request by the number the host gave it in
 * the shown overview; never a path, a number it did not give, or another overview's.
 */
import * as assert from 'node:assert/strict';
import { endpointsPageChecks, type ShownOverview } from '../../src/endpointsView/pageChecks';
import type { EndpointsProtocol, EndpointsRendered } from '../../src/endpointsView/protocol';
import { HostChannel, type ChannelHandlers, type ChannelMessage, type ChannelTransport } from '../../src/core/webviewChannel';

const SHOWN: ShownOverview = { id: 'overview-3', requests: 4 };
const checks = endpointsPageChecks(() => SHOWN);
const RENDERED: EndpointsRendered = {
  overviewId: 'overview-3',
  sort: 'median',
  direction: 'descending',
  endpoints: [{ key: 'GET /users/{id}', count: 7, marks: 7 }],
  selected: 'path:GET /users/{id}',
  timelineMarks: 7,
};

describe('endpoints overview page checks', () => {
  it('accepts what the page sends about the shown overview', () => {
    assert.equal(checks.notes.rendered(RENDERED), undefined);
    assert.equal(checks.notes.rendered({ ...RENDERED, endpoints: [], selected: null, timelineMarks: 0, sort: 'endpoint', direction: 'ascending' }), undefined);
    assert.equal(checks.notes.openRequest({ overviewId: 'overview-3', request: 0 }), undefined);
    assert.equal(checks.notes.openRequest({ overviewId: 'overview-3', request: 3 }), undefined);
    assert.equal(checks.notes.error({ message: 'The endpoints overview failed: x', detail: 'Error: x' }), undefined);
  });

  it('refuses a request named by its file', () => {
    assert.equal(checks.notes.openRequest({ overviewId: 'overview-3', request: 0, file: '/etc/passwd' }), 'unexpected field "file"');
    assert.equal(checks.notes.openRequest({ overviewId: 'overview-3', file: '/app/.profiles/x.rprof.json' }), 'unexpected field "file"');
  });

  it('refuses a number it did not give, or one of another overview', () => {
    for (const request of [4, -1, 1.5, '2', null, Number.NaN]) {
      assert.match(
        checks.notes.openRequest({ overviewId: 'overview-3', request }) ?? '',
        /request must be a request number of the overview, from 0 to 3/,
        `request ${String(request)}`,
      );
    }
    assert.match(checks.notes.openRequest({ overviewId: 'overview-2', request: 0 }) ?? '', /overviewId "overview-2" is not the shown overview's/);
    assert.equal(endpointsPageChecks(() => undefined).notes.openRequest({ overviewId: 'overview-3', request: 0 }), 'no overview is shown');
  });

  it('refuses a drawing report that is not one', () => {
    assert.match(checks.notes.rendered({ ...RENDERED, sort: 'p99' }) ?? '', /sort must be one of/);
    assert.match(checks.notes.rendered({ ...RENDERED, direction: 'up' }) ?? '', /direction must be one of/);
    assert.match(checks.notes.rendered({ ...RENDERED, endpoints: [{ key: 'x', count: -1, marks: 0 }] }) ?? '', /^endpoints: /);
    assert.match(checks.notes.rendered({ ...RENDERED, endpoints: [{ key: 'x', count: 1, marks: 1, file: '/a' }] }) ?? '', /unexpected field "file"/);
    assert.match(checks.notes.rendered({ ...RENDERED, endpoints: 'all' }) ?? '', /endpoints must be a list/);
    assert.match(checks.notes.rendered({ ...RENDERED, timelineMarks: 1.5 }) ?? '', /timelineMarks must be a count/);
    assert.match(checks.notes.error({ message: '' }) ?? '', /message must be the reason/);
  });

  it("keeps a refused note from the host's handler", async () => {
    const opened: number[] = [];
    const problems: string[] = [];
    let receive: (message: unknown) => void = () => {};
    const transport: ChannelTransport = {
      post: () => {},
      listen: (listener) => {
        receive = listener;
        return () => {};
      },
    };
    const handlers = {
      notes: { rendered: () => {}, openRequest: ({ request }) => void opened.push(request), error: () => {} },
      asks: {},
    } satisfies ChannelHandlers<EndpointsProtocol['page']>;
    new HostChannel<EndpointsProtocol>(transport, handlers, checks, () => {}, { report: (problem) => problems.push(problem) });
    const note = (body: unknown): ChannelMessage => ({ rp: 1, kind: 'note', type: 'openRequest', body });
    receive({ rp: 1, kind: 'ready', page: 'p1' });
    receive(note({ overviewId: 'overview-3', request: 2, file: '/etc/passwd' }));
    receive(note({ overviewId: 'overview-3', request: 9 }));
    receive(note({ overviewId: 'overview-3', request: 2 }));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.deepEqual(opened, [2]);
    assert.equal(problems.length, 2);
  });
});
