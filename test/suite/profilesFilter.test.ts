// The Profiles panel's filter, labels and editor titles inside a real VS Code, on the fixture
// profiles (test/fixtures/profiles; GET /error raised, so its profile says status null).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { RequestProfilerApi } from '../../src/extension';
import { api, copyFixtureProfile, until } from './support';

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
}

/** The labels of the readable profiles the panel shows now, newest first. */
function shownRequests(profiler: RequestProfilerApi): string[] {
  return profiler.tree.visibleProfiles().map((entry) => labelOf(profiler.tree.getTreeItem({ kind: 'profile', entry })));
}

async function filterBy(query: string): Promise<void> {
  await vscode.commands.executeCommand('requestProfiler.filter', query);
}

describe('Profiles panel: filter, labels and titles', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('requestProfiler.clearFilter');
  });

  it('takes 500, 5xx, 4xx and error as statuses; a request whose app raised is a 500', async () => {
    const profiler = await api();
    const total = profiler.tree.visibleProfiles().length;
    assert.ok(shownRequests(profiler).includes('GET /error'), 'the raised /error fixture is listed');
    for (const query of ['500', 'status:5xx', '5xx', 'error', 's:500 /err']) {
      await filterBy(query);
      assert.deepEqual(shownRequests(profiler), ['GET /error'], `filter "${query}"`);
    }
    await filterBy('500');
    assert.equal(profiler.profilesView.description, 'Filter: 500');
    assert.equal(profiler.profilesView.message, `Filter 500: 1 of ${total} requests shown.`);
    await filterBy('4xx');
    assert.deepEqual(shownRequests(profiler), []);
    assert.equal(profiler.profilesView.message, `Filter 4xx: no profile matches. Clear the filter to see all ${total}.`);
    await vscode.commands.executeCommand('requestProfiler.clearFilter');
    assert.equal(profiler.profilesView.description, undefined);
    assert.equal(profiler.profilesView.message, undefined);
    assert.equal(profiler.tree.visibleProfiles().length, total);
  });

  it('shows a raised request as 500 in its row, and bidi characters in a path escaped', async () => {
    const profiler = await api();
    const error = profiler.tree.visibleProfiles().find((e) => e.header.path === '/error')!;
    assert.match(String(profiler.tree.getTreeItem({ kind: 'profile', entry: error }).description), /^500 \(RuntimeError\) · /);
    const file = copyFixtureProfile('spoof', (header) => {
      header.path = '/invoice\u202Efdp.exe';
      header.status = 404;
    });
    try {
      const entry = await until(() => profiler.tree.visibleProfiles().find((e) => e.file === file), 'the spoofed profile listed');
      const item = profiler.tree.getTreeItem({ kind: 'profile', entry });
      assert.equal(labelOf(item), 'GET /invoice⟨U+202E⟩fdp.exe');
      assert.match(String(item.description), /^404 · /);
      const tooltip = profiler.tree.resolveTreeItem(item, { kind: 'profile', entry }).tooltip as vscode.MarkdownString;
      assert.ok(!tooltip.value.includes('\u202E'), 'no raw override in the tooltip');
      assert.ok(tooltip.value.replace(/\\/g, '').includes('⟨U+202E⟩'), tooltip.value); // Markdown-escaped: ⟨U\+202E⟩
    } finally {
      fs.rmSync(file, { force: true });
      await until(() => !profiler.tree.visibleProfiles().some((e) => e.file === file), 'the spoofed profile gone');
    }
  });

  it('names the profile view after the request, not the file', async () => {
    const profiler = await api();
    const slow = profiler.tree.visibleProfiles().find((e) => e.header.path === '/slow')!;
    const uri = vscode.Uri.file(slow.file);
    await vscode.commands.executeCommand('vscode.openWith', uri, 'requestProfiler.profileView');
    try {
      const view = await until(() => profiler.profileViews.viewsOf(uri)[0], 'the profile view');
      await until(() => view.panel.title === 'GET /slow' || undefined, `the tab titled GET /slow (is "${view.panel.title}")`);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });
});
