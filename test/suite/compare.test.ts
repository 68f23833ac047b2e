// "Compare With…" inside a real VS Code: the command on two selected Profiles rows opens the
// diff view of the two fixture requests (the older, GET /, as A), whose real page draws the
// table with the function that explains the difference first, and its Call tree tab opened on
// the path that explains it; the mode toggle reaches the host and back; what the page may ask
// is checked; a broken file opens nothing; the serializer reopens a view after a reload from
// the files its page saved, and says in the panel when one is gone.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestProfilerApi } from '../../src/extension';
import type { ProfilesTreeNode } from '../../src/host/profilesTreeProvider';
import { api, closeAllEditors, until, workspaceDir } from './support';

const COMPARE = 'requestProfiler.compareWith';
// A page loads slowly on a busy machine (code-server took 30 s at times, December 2026): as long as
// the test's own time (60 s) allows.
const RENDER_TIMEOUT_MS = 45_000;

function profilesDir(): string {
  return path.join(workspaceDir(), '.profiles');
}

function fixture(part: string): vscode.Uri {
  const name = fs.readdirSync(profilesDir()).find((n) => n.includes(part) && n.endsWith('.rprof.json'));
  assert.ok(name, `the ${part} fixture is in .profiles`);
  return vscode.Uri.file(path.join(profilesDir(), name));
}

/** A row of the Profiles panel, as VS Code hands it to a context menu command. */
function row(profiler: RequestProfilerApi, uri: vscode.Uri): ProfilesTreeNode {
  const entry = profiler.library.index.get(uri.fsPath);
  assert.ok(entry?.header, `${uri.fsPath} is listed`);
  return { kind: 'profile', entry: { ...entry, header: entry.header } };
}

function compareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('requestProfiler.compare'));
}

describe('Compare With…', () => {
  const root = () => fixture('-GET-root-');
  const slow = () => fixture('-GET-slow-');

  after(async () => {
    await closeAllEditors();
  });

  it('compares two selected rows, the older as A, and the page lists first what explains the difference', async () => {
    const profiler = await api();
    // Right-click on the newer row with both selected: VS Code passes the clicked row, then the selection.
    const opened = await vscode.commands.executeCommand<boolean>(COMPARE, row(profiler, slow()), [row(profiler, slow()), row(profiler, root())]);
    assert.equal(opened, true);
    const panel = profiler.compare.panel(root(), slow());
    assert.ok(panel, 'a diff view of the two is open');
    assert.equal(panel.a.uri.fsPath, root().fsPath, 'GET / (the older) is A');
    assert.equal(panel.b.uri.fsPath, slow().fsPath);
    const rendered = await until(() => panel.lastRendered, 'the page to draw the table', RENDER_TIMEOUT_MS);
    assert.equal(rendered.mode, 'absolute');
    assert.equal(rendered.sort, 'explains');
    assert.equal(rendered.firstFunction, 'is_prime.<locals>.<genexpr>');
    assert.equal(rendered.rows, panel.comparison?.functions.length);
    const top = panel.comparison!.functions[0];
    assert.equal(top.status, 'new', 'the generator is new in B');
    assert.match(panel.comparison!.summary, /^is_prime\.<locals>\.<genexpr> \(new in B\) \+/);
    await until(() => compareTabs().find((tab) => tab.label === 'GET /slow vs GET / (compare)'), 'the "GET /slow vs GET / (compare)" tab', 5000);
    assert.deepEqual(panel.pageErrors, []);
  });

  it('opens the Call tree on the path that explains the difference, down to the new generator', async () => {
    const profiler = await api();
    const panel = profiler.compare.panel(root(), slow())!;
    const rendered = await until(() => panel.lastRendered, 'the page to draw', RENDER_TIMEOUT_MS);
    const tree = panel.tree;
    const top = tree.nodes[tree.nodes[0].children[0]];
    assert.equal(top.name, 'build_app.<locals>.demo_app', 'the app is the top node of both trees');
    assert.equal(top.status, 'both');
    assert.ok(top.totalChange > 0.1, `the app took over 100 ms longer in B: ${top.totalChange * 1000} ms`);
    const slowReport = tree.nodes.find((n) => n.name === 'slow_report') ?? assert.fail('slow_report in the tree');
    assert.equal(slowReport.status, 'new');
    assert.equal(rendered.treeSelected, 'is_prime.<locals>.<genexpr>', 'the page selects the deepest node of the path');
    assert.ok(rendered.treeRows >= 7, `the path's nodes are expanded: ${rendered.treeRows} rows`);
  });

  it('reuses the open view, and redraws in the mode the page asks for', async () => {
    const profiler = await api();
    assert.equal(await vscode.commands.executeCommand<boolean>(COMPARE, root(), [root(), slow()]), true);
    assert.equal(compareTabs().length, 1, 'one view per pair');
    const panel = profiler.compare.panel(slow(), root())!;
    await until(() => panel.lastRendered, 'the table', RENDER_TIMEOUT_MS);
    await profiler.compare.receive(root(), slow(), { type: 'setMode', mode: 'normalised' });
    const rendered = await until(() => (panel.lastRendered?.mode === 'normalised' ? panel.lastRendered : undefined), 'the normalised table', RENDER_TIMEOUT_MS);
    assert.equal(panel.comparison?.mode, 'normalised');
    assert.equal(rendered.firstFunction, panel.comparison!.functions[0].displayName);
    assert.match(panel.comparison!.summary, /points of its request's time/);
    await profiler.compare.receive(root(), slow(), { type: 'setMode', mode: 'absolute' });
    await until(() => (panel.lastRendered?.mode === 'absolute' ? true : undefined), 'the absolute table again', RENDER_TIMEOUT_MS);
  });

  it('opens nothing a page names by path, and refuses an index outside its profile', async () => {
    const profiler = await api();
    const panel = profiler.compare.panel(root(), slow())!;
    const functionsA = panel.a.document.profile.functions.length;
    await assert.rejects(
      profiler.compare.receive(root(), slow(), { type: 'openFunction', comparisonId: panel.comparisonId, side: 'a', function: functionsA }),
      /refused "openFunction": function must be an index of profile A's functions/,
    );
    await assert.rejects(
      profiler.compare.receive(root(), slow(), {
        type: 'openFunction',
        comparisonId: panel.comparisonId,
        side: 'b',
        function: 0,
        file: '/etc/passwd',
      } as never),
      /unexpected field "file"/,
    );
  });

  it('reopens a comparison after a reload from the files its page saved', async () => {
    const profiler = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until(() => (profiler.compare.panel(root(), slow()) ? undefined : true), 'the diff view to close', 5000);
    // What VS Code does after a reload: a bare panel of the view type, and the page's saved state.
    const bare = vscode.window.createWebviewPanel('requestProfiler.compare', 'restoring', vscode.ViewColumn.Active, {});
    await profiler.compare.serializer.deserializeWebviewPanel(bare, { a: root().toString(), b: slow().toString(), mode: 'absolute', tab: 'tree' });
    const panel = profiler.compare.panel(root(), slow());
    assert.ok(panel, 'the comparison is open again');
    assert.equal(panel.panel, bare, 'in the panel VS Code gave');
    assert.equal(bare.title, 'GET /slow vs GET / (compare)');
    const rendered = await until(() => panel.lastRendered, 'the reopened page to draw', RENDER_TIMEOUT_MS);
    assert.equal(rendered.firstFunction, 'is_prime.<locals>.<genexpr>');
    assert.deepEqual(panel.pageErrors, []);
  });

  it('says in the panel that a saved profile is gone, and throws nothing', async () => {
    const profiler = await api();
    const gone = vscode.Uri.file(path.join(profilesDir(), 'deleted-since.rprof.json'));
    const bare = vscode.window.createWebviewPanel('requestProfiler.compare', 'restoring', vscode.ViewColumn.Active, {});
    try {
      await profiler.compare.serializer.deserializeWebviewPanel(bare, { a: gone.toString(), b: root().toString() });
      assert.match(bare.webview.html, /could not be reopened/);
      assert.match(bare.webview.html, /deleted-since\.rprof\.json no longer exists/);
      assert.equal(profiler.compare.panel(gone, root()), undefined);
      await profiler.compare.serializer.deserializeWebviewPanel(bare, undefined as never);
      assert.match(bare.webview.html, /closed before it showed which two profiles/);
    } finally {
      bare.dispose();
    }
  });

  it('says which file cannot be read, and opens nothing', async () => {
    const profiler = await api();
    const broken = fixture('not-json');
    const before = compareTabs().length;
    assert.equal(await vscode.commands.executeCommand<boolean>(COMPARE, broken, [broken, root()]), false);
    assert.equal(profiler.compare.panel(broken, root()), undefined);
    assert.equal(compareTabs().length, before);
  });
});
