// "Open Endpoints Overview" inside a real VS Code: the command opens one overview whose real page
// lists the fixture workspace's endpoints with their request counts (as the Profiles panel groups
// them), selects the endpoint of the panel's row it was run on, opens a request's profile from the
// number the host gave it, refuses a request named by path, and follows profiles as they arrive.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { groupByEndpoint } from '../../src/core/profileGroups';
import { isReadable } from '../../src/core/profileIndex';
import type { EndpointsRendered } from '../../src/endpointsView/protocol';
import type { RequestProfilerApi } from '../../src/extension';
import { api, copyFixtureProfile, until, workspaceDir } from './support';

const OPEN = 'requestProfiler.openEndpoints';
// A page loads slowly on a busy machine (code-server took 30 s at times, December 2026).
const RENDER_TIMEOUT_MS = 45_000;

/** The fixture requests by endpoint, as test/fixtures/profiles holds them (no route recorded: grouped by path). */
const FIXTURE_COUNTS: Record<string, number> = {
  'GET /api/users/{id}': 2,
  'GET /': 1,
  'GET /slow': 1,
  'GET /error': 1,
  'GET /stream': 1,
  'GET /<b>bold</b>': 1,
  'GET /async/users/{id}': 1,
};

function endpointTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('requestProfiler.endpoints'));
}

function renderedOf(profiler: RequestProfilerApi, check: (rendered: EndpointsRendered) => boolean, what: string): Promise<EndpointsRendered> {
  return until(
    () => {
      const rendered = profiler.endpoints.panel()?.lastRendered;
      return rendered && check(rendered) ? rendered : undefined;
    },
    what,
    RENDER_TIMEOUT_MS,
  );
}

describe('Endpoints overview', () => {
  const written: string[] = [];

  after(async () => {
    for (const file of written) fs.rmSync(file, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('lists every endpoint of the fixtures with its request count, as the Profiles panel groups them', async () => {
    const profiler = await api();
    await vscode.commands.executeCommand(OPEN);
    const panel = await until(() => profiler.endpoints.panel(), 'the overview to open', 10_000);
    const rendered = await renderedOf(profiler, (r) => r.endpoints.length > 0, 'the page to draw the endpoints');
    const counts = Object.fromEntries(rendered.endpoints.map((row) => [row.key, row.count]));
    for (const [key, count] of Object.entries(FIXTURE_COUNTS)) assert.equal(counts[key], count, `${key}: ${count} request(s)`);
    // The same groups as the panel's, with every request marked (the fixtures are few).
    const groups = groupByEndpoint(profiler.library.index.list().filter(isReadable));
    assert.deepEqual(
      rendered.endpoints.map((row) => row.key),
      groups.map((group) => group.key),
      'sorted as the panel, slowest median first',
    );
    for (const row of rendered.endpoints) assert.equal(row.marks, row.count, `${row.key}: a mark per request`);
    assert.equal(rendered.sort, 'median');
    assert.equal(rendered.selected, groups[0].id, 'the slowest endpoint is selected');
    assert.equal(rendered.timelineMarks, groups[0].entries.length);
    assert.equal(endpointTabs().length, 1);
    assert.deepEqual(panel.pageErrors, []);
  });

  it('selects the endpoint of the Profiles row it is run on, in the open overview', async () => {
    const profiler = await api();
    const users = groupByEndpoint(profiler.library.index.list().filter(isReadable)).find((group) => group.key === 'GET /api/users/{id}');
    assert.ok(users, 'the users endpoint');
    await vscode.commands.executeCommand(OPEN, { kind: 'endpoint', group: users });
    assert.equal(endpointTabs().length, 1, 'one overview, revealed');
    const rendered = await renderedOf(profiler, (r) => r.selected === users.id, 'the users endpoint selected');
    assert.equal(rendered.timelineMarks, 2, 'its two requests over time');
  });

  it('opens a request from its number in the overview, in the profile view', async () => {
    const profiler = await api();
    const panel = profiler.endpoints.panel()!;
    const overview = panel.overview!;
    const slow = overview.endpoints.find((endpoint) => endpoint.key === 'GET /slow')!;
    const request = slow.marks.request[0];
    const file = overview.files[request];
    assert.match(path.basename(file), /-GET-slow-/);
    await profiler.endpoints.receive({ type: 'openRequest', overviewId: panel.overviewId, request });
    const uri = vscode.Uri.file(file);
    await until(() => profiler.profileViews.viewsOf(uri).length > 0, 'a profile view of the /slow request', 15_000);
  });

  it('refuses a request named by path, by a number it did not give, or of an older overview', async () => {
    const profiler = await api();
    const panel = profiler.endpoints.panel()!;
    const requests = panel.overview!.files.length;
    await assert.rejects(
      profiler.endpoints.receive({ type: 'openRequest', overviewId: panel.overviewId, request: 0, file: '/etc/passwd' } as never),
      /refused "openRequest": unexpected field "file"/,
    );
    await assert.rejects(
      profiler.endpoints.receive({ type: 'openRequest', overviewId: panel.overviewId, request: requests }),
      /request must be a request number of the overview/,
    );
    await assert.rejects(profiler.endpoints.receive({ type: 'openRequest', overviewId: 'overview-0', request: 0 }), /is not the shown overview's/);
  });

  it('follows profiles as they arrive', async () => {
    const profiler = await api();
    // The overview must be the visible tab to be redrawn: bring it back in front of the profile view.
    await vscode.commands.executeCommand(OPEN);
    const before = await renderedOf(profiler, () => true, 'the overview drawn');
    const slowBefore = before.endpoints.find((row) => row.key === 'GET /slow')?.count ?? 0;
    written.push(copyFixtureProfile('overview_slow', () => {}));
    const after = await renderedOf(
      profiler,
      (r) => r.endpoints.find((row) => row.key === 'GET /slow')?.count === slowBefore + 1,
      'the new /slow request counted',
    );
    assert.equal(after.endpoints.find((row) => row.key === 'GET /slow')?.marks, slowBefore + 1);
    assert.ok(fs.existsSync(path.join(workspaceDir(), '.profiles')));
  });
});
