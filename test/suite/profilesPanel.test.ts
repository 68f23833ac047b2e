// The Profiles panel inside a real VS Code: real profile files from the middleware (the
// fixtures the runner copies into the workspace's .profiles), live updates, broken files,
// deletion and settings changes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RequestProfilerApi } from '../../src/extension';
import type { ProfilesTreeNode } from '../../src/host/profilesTreeProvider';
import { api, closeAllEditors, copyFixtureProfile, until, workspaceDir } from './support';

/** Top-level rows and, for bursts/groups, their children: every profile row the user can reach. */
async function allRows(profiler: RequestProfilerApi): Promise<{ node: ProfilesTreeNode; item: vscode.TreeItem }[]> {
  const rows: { node: ProfilesTreeNode; item: vscode.TreeItem }[] = [];
  const visit = async (node: ProfilesTreeNode | undefined) => {
    for (const child of await profiler.tree.getChildren(node)) {
      rows.push({ node: child, item: profiler.tree.getTreeItem(child) });
      await visit(child);
    }
  };
  await visit(undefined);
  return rows;
}

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

function profilesDir(): string {
  return path.join(workspaceDir(), '.profiles');
}

describe('Profiles panel', () => {
  it('lists every fixture profile with method, path, status and duration, broken files last', async () => {
    const profiler = await api();
    const rows = await allRows(profiler);
    const profiles = rows.filter((r) => r.node.kind === 'profile');
    const files = fs.readdirSync(profilesDir()).filter((n) => n.endsWith('.rprof.json'));
    const unreadable = rows.filter((r) => r.node.kind === 'unreadable');
    assert.equal(profiles.length + unreadable.length, files.length);
    assert.ok(unreadable.length >= 2, 'the truncated and not-JSON fixtures are listed');
    const slow = profiles.find((r) => labelOf(r.item) === 'GET /slow');
    assert.ok(slow, `a "GET /slow" row among ${profiles.map((r) => labelOf(r.item)).join(', ')}`);
    assert.match(String(slow.item.description), /^200 · \d+(\.\d+)? ms · /);
    const errorRow = profiles.find((r) => labelOf(r.item) === 'GET /error');
    assert.ok(errorRow);
    assert.equal((errorRow.item.iconPath as vscode.ThemeIcon).id, 'error');
    // Unreadable files come after every profile, with the reason in the tooltip.
    const lastProfileIndex = Math.max(...rows.map((r, i) => (r.node.kind === 'profile' ? i : -1)));
    assert.ok(rows.findIndex((r) => r.node.kind === 'unreadable') > lastProfileIndex);
    const truncated = unreadable.find((r) => labelOf(r.item) === 'broken-truncated.rprof.json');
    assert.ok(truncated);
    assert.match(String((truncated.item.tooltip as vscode.MarkdownString).value), /Truncated|not valid JSON/);
  });

  it('opens the profile in the profile view with the command its row carries', async () => {
    const profiler = await api();
    const row = (await allRows(profiler)).find((r) => r.node.kind === 'profile' && labelOf(r.item) === 'GET /slow')!;
    assert.ok(row.node.kind === 'profile');
    const command = row.item.command;
    assert.ok(command, 'a profile row opens something when clicked');
    // Clicks racing a refresh of the list are covered by test/ui/profilesPanel.ui.mjs: only the
    // workbench's path through VS Code's command converter loses arguments.
    await vscode.commands.executeCommand(command.command, ...(command.arguments ?? []));
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    assert.ok(input instanceof vscode.TabInputCustom, `the active tab is a custom editor, not ${JSON.stringify(input)}`);
    assert.equal(input.viewType, 'requestProfiler.profileView');
    assert.equal(input.uri.fsPath, row.node.entry.file);
    await closeAllEditors();
  });

  it('builds the full tooltip only when asked', async () => {
    const profiler = await api();
    const row = (await allRows(profiler)).find((r) => r.node.kind === 'profile' && labelOf(r.item) === 'GET /slow')!;
    assert.equal(row.item.tooltip, undefined);
    const resolved = profiler.tree.resolveTreeItem(row.item, row.node);
    const text = (resolved.tooltip as vscode.MarkdownString).value;
    for (const expected of ['Content\\-Type', 'application/json', 'Bytes sent', 'CPU']) assert.ok(text.includes(expected), `tooltip has ${expected}: ${text}`);
  });

  it('lists a header whose query and Content-Type are numbers, and its tooltip says they were ignored', async () => {
    const profiler = await api();
    const file = copyFixtureProfile('numeric_fields', (h) => {
      h.id = 'numeric-fields';
      h.path = '/numeric/fields';
      h.query = 42;
      h.contentType = 7;
    });
    try {
      await until(async () => (await allRows(profiler)).some((r) => labelOf(r.item) === 'GET /numeric/fields'), 'the profile row');
      const row = (await allRows(profiler)).find((r) => labelOf(r.item) === 'GET /numeric/fields')!;
      assert.equal(row.node.kind, 'profile');
      const text = (profiler.tree.resolveTreeItem(row.item, row.node).tooltip as vscode.MarkdownString).value;
      assert.ok(text.includes('header\\.query: expected a string, got 42: ignored'), text);
      assert.ok(text.includes('header\\.contentType: expected a string or null, got 7: ignored'), text);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('shows a new profile within a moment and drops a deleted one', async () => {
    const profiler = await api();
    const file = copyFixtureProfile('live_check', (h) => {
      h.id = 'live-check';
      h.path = '/live/check';
      h.start = Date.now() / 1000;
    });
    await until(async () => (await allRows(profiler)).some((r) => labelOf(r.item) === 'GET /live/check'), 'the new profile row');
    const rows = await allRows(profiler);
    const first = rows.find((r) => r.node.kind === 'profile');
    assert.equal(labelOf(first!.item), 'GET /live/check', 'newest first');
    await vscode.commands.executeCommand('requestProfiler.deleteProfile', vscode.Uri.file(file));
    await until(async () => !(await allRows(profiler)).some((r) => labelOf(r.item) === 'GET /live/check'), 'the deleted row to go');
    assert.equal(fs.existsSync(file), false);
  });

  it('groups by endpoint with count and median, and back', async () => {
    const profiler = await api();
    await vscode.commands.executeCommand('requestProfiler.groupByEndpoint');
    try {
      const top = await profiler.tree.getChildren(undefined);
      const users = top.map((n) => ({ n, item: profiler.tree.getTreeItem(n) })).find((r) => labelOf(r.item) === 'GET /api/users/{id}');
      assert.ok(users, 'the two /api/users/N requests form one endpoint');
      assert.match(String(users.item.description), /^2× · median .* · p95 .* · max /);
    } finally {
      await vscode.commands.executeCommand('requestProfiler.groupByTime');
    }
  });

  it('groups profiles that carry a route by it, with their errors, beside the path-pattern groups', async () => {
    const profiler = await api();
    const route = { template: '/items/<int:item_id>', name: 'item_detail', framework: 'flask' };
    const files = [1, 2, 3].map((n) =>
      copyFixtureProfile(`items_${n}`, (h) => {
        h.id = `items-${n}`;
        h.path = `/items/${n}`;
        h.wallMs = n * 10;
        h.route = route;
        if (n === 3) [h.status, h.error] = [500, 'RuntimeError'];
      }),
    );
    await vscode.commands.executeCommand('requestProfiler.groupByEndpoint');
    try {
      const endpoint = async () => {
        const top = await profiler.tree.getChildren(undefined);
        return top.map((n) => ({ n, item: profiler.tree.getTreeItem(n) })).find((r) => labelOf(r.item) === 'GET /items/<int:item_id>');
      };
      await until(async () => (await endpoint())?.item.description?.toString().startsWith('3×') === true, 'the three routed profiles in one endpoint row');
      const row = (await endpoint())!;
      assert.match(String(row.item.description), /^3× · median 20(\.0+)? ms · p95 30(\.0+)? ms · max 30(\.0+)? ms · 1 error$/);
      assert.match(String(row.item.tooltip), /flask route item_detail/);
      assert.equal((await profiler.tree.getChildren(row.n)).length, 3);
      // Fixtures without a route keep the guessed grouping.
      const top = await profiler.tree.getChildren(undefined);
      assert.ok(top.some((n) => labelOf(profiler.tree.getTreeItem(n)) === 'GET /api/users/{id}'));
    } finally {
      await vscode.commands.executeCommand('requestProfiler.groupByTime');
      for (const file of files) fs.rmSync(file, { force: true });
      await until(async () => !(await allRows(profiler)).some((r) => labelOf(r.item).startsWith('GET /items/')), 'the routed copies to go');
    }
  });

  it('applies settings without a reload: maxProfiles and the watched folders', async () => {
    const profiler = await api();
    const config = vscode.workspace.getConfiguration('requestProfiler');
    try {
      await config.update('maxProfiles', 2, vscode.ConfigurationTarget.Workspace);
      await until(async () => (await allRows(profiler)).filter((r) => r.node.kind === 'profile').length === 2, 'two rows');
      const other = path.join(profilesDir(), '..', 'elsewhere');
      await config.update('profileDirectories', [other], vscode.ConfigurationTarget.Workspace);
      await until(async () => (await allRows(profiler)).length === 0, 'an empty list for a folder that does not exist yet');
      fs.mkdirSync(other, { recursive: true });
      const source = fs.readdirSync(profilesDir()).find((n) => n.includes('-GET-slow-') && n.endsWith('.rprof.json'))!;
      fs.copyFileSync(path.join(profilesDir(), source), path.join(other, source));
      await until(async () => (await allRows(profiler)).some((r) => labelOf(r.item) === 'GET /slow'), 'the profile in the new folder');
    } finally {
      await config.update('maxProfiles', undefined, vscode.ConfigurationTarget.Workspace);
      await config.update('profileDirectories', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until(async () => (await allRows(profiler)).filter((r) => r.node.kind === 'profile').length > 2, 'the default folder again');
  });

  it('warns about a wrong setting instead of failing', async () => {
    const profiler = await api();
    const config = vscode.workspace.getConfiguration('requestProfiler');
    try {
      await config.update('maxProfiles', 'many' as unknown as number, vscode.ConfigurationTarget.Workspace);
      await until(() => profiler.settings().maxProfiles === 1000, 'the default to be used');
    } finally {
      await config.update('maxProfiles', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
