// "Open Aggregate Profile" inside a real VS Code: run on rows of the Profiles panel (a
// multi-selection, an endpoint group), it writes a profile file and opens it in the profile
// view, whose document holds what mergeProfiles gives for the same files; unprofiled requests
// and unreadable files are left out and counted, and a refusal opens nothing. Many files are read
// by worker threads, whose script the extension finds next to its bundle.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { mergeProfiles } from '../../src/core/mergeProfiles';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import type { RequestProfilerApi } from '../../src/extension';
import type { AggregateOutcome } from '../../src/host/aggregateCommand';
import type { ProfilesTreeNode } from '../../src/host/profilesTreeProvider';
import { withTimeout } from '../../src/core/withTimeout';
import { api, until, workspaceDir } from './support';

const MERGED = ['-GET-api_users_7-', '-GET-root-', '-GET-slow-'];
const UNPROFILED = '-GET-api_users_8-';

/** Every row of the panel, groups' children included. */
async function allNodes(profiler: RequestProfilerApi): Promise<ProfilesTreeNode[]> {
  const nodes: ProfilesTreeNode[] = [];
  const visit = async (node: ProfilesTreeNode | undefined) => {
    for (const child of await profiler.tree.getChildren(node)) {
      nodes.push(child);
      await visit(child);
    }
  };
  await visit(undefined);
  return nodes;
}

function fileOf(node: ProfilesTreeNode): string | undefined {
  return node.kind === 'profile' || node.kind === 'unreadable' ? node.entry.file : undefined;
}

function rowOf(nodes: ProfilesTreeNode[], part: string): ProfilesTreeNode {
  return nodes.find((n) => fileOf(n)?.includes(part)) ?? assert.fail(`a row of ${part}`);
}

function fixtureDocument(part: string): ProfileDocument {
  const dir = path.join(workspaceDir(), '.profiles');
  const name = fs.readdirSync(dir).find((n) => n.includes(part) && n.endsWith('.rprof.json')) ?? assert.fail(part);
  return parseProfileDocument(fs.readFileSync(path.join(dir, name), 'utf8'));
}

/** The profile view opened on the aggregate, its parsed document, and the page's first drawing. */
async function openedDocument(profiler: RequestProfilerApi, file: string): Promise<ProfileDocument> {
  const uri = vscode.Uri.file(file);
  const view = await until(() => profiler.profileViews.viewsOf(uri).at(-1), `a profile view of ${path.basename(file)}`, 15_000);
  // The page loads slowly on a busy machine (code-server took 30 s at times, December 2026).
  if (!view.state) await withTimeout(view.nextState(), 40_000, 'the page to draw the aggregate');
  return (await view.document()) ?? assert.fail('the view parsed the aggregate');
}

describe('Open Aggregate Profile', () => {
  it('merges a multi-selection of rows into a profile file opened in the profile view, as mergeProfiles does', async () => {
    const profiler = await api();
    const nodes = await allNodes(profiler);
    const selected = [...MERGED, UNPROFILED].map((part) => rowOf(nodes, part));
    const broken =
      nodes.find((n) => n.kind === 'unreadable' && n.entry.file.endsWith('broken-truncated.rprof.json')) ?? assert.fail('the truncated fixture row');
    // The clicked row is one of the selection: the whole selection is merged.
    const outcome = await vscode.commands.executeCommand<AggregateOutcome>('requestProfiler.openAggregate', selected[1], [...selected, broken]);
    assert.ok(outcome.file, 'an aggregate was written');
    assert.deepEqual(
      outcome.unreadable.map((u) => path.basename(u.file)),
      ['broken-truncated.rprof.json'],
    );
    const document = await openedDocument(profiler, outcome.file);

    const expected = mergeProfiles([...MERGED, UNPROFILED].map(fixtureDocument));
    if (!expected.ok) return assert.fail(expected.reason);
    assert.equal(document.profile.functions.length, expected.document.profile.functions.length);
    assert.equal(document.profile.edges.length, expected.document.profile.edges.length);
    assert.equal(document.header.functionCount, expected.document.header.functionCount);
    const calls = (d: ProfileDocument) => d.profile.functions.reduce((sum, f) => sum + f.nc, 0);
    assert.equal(calls(document), calls(expected.document));
    assert.deepEqual(document.aggregate, { requests: 3, ids: expected.document.aggregate?.ids, skipped: 1 });
    assert.match(document.header.path, / · 3 requests · mean /);
    // Written into the extension's storage, not among the app's profiles.
    assert.ok(!outcome.file.startsWith(workspaceDir()), outcome.file);
    assert.equal(path.basename(path.dirname(outcome.file)), 'aggregates');
  });

  it('merges an endpoint group, and names its pattern in the header', async () => {
    const profiler = await api();
    await vscode.commands.executeCommand('requestProfiler.groupByEndpoint');
    try {
      const top = await profiler.tree.getChildren(undefined);
      const group =
        top.find((n): n is Extract<ProfilesTreeNode, { kind: 'endpoint' }> => n.kind === 'endpoint' && n.group.key === 'GET /api/users/{id}') ??
        assert.fail('the GET /api/users/{id} group');
      const outcome = await vscode.commands.executeCommand<AggregateOutcome>('requestProfiler.openAggregate', group, [group]);
      assert.ok(outcome.file);
      const document = await openedDocument(profiler, outcome.file);
      assert.equal(document.aggregate?.requests, group.group.entries.filter((e) => e.header.profiled).length);
      assert.equal(document.aggregate?.skipped, group.group.entries.filter((e) => !e.header.profiled).length);
      assert.match(document.header.path, /^\/api\/users\/\{id\} · \d+ requests? · mean /);
    } finally {
      await vscode.commands.executeCommand('requestProfiler.groupByTime');
    }
  });

  it('reads many files in worker threads and merges them as mergeProfiles does', async () => {
    const profiler = await api();
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'request-profiler-aggregate-suite-'));
    try {
      const sources = path.join(workspaceDir(), '.profiles');
      const names = fs.readdirSync(sources).filter((n) => MERGED.some((part) => n.includes(part)) && n.endsWith('.rprof.json'));
      // Enough files for workers (FILES_FOR_WORKERS is 16), each fixture several times under other names.
      const files: string[] = [];
      for (let copy = 0; files.length < 24; copy++) {
        for (const name of names) {
          const file = path.join(folder, `${copy}-${name}`);
          fs.copyFileSync(path.join(sources, name), file);
          files.push(file);
        }
      }
      const uris = files.map((f) => vscode.Uri.file(f));
      const outcome = await vscode.commands.executeCommand<AggregateOutcome>('requestProfiler.openAggregate', uris[0], uris);
      assert.ok(outcome.file, 'an aggregate was written');
      assert.ok((outcome.workers ?? 0) > 0, `read by worker threads (${outcome.workers})`);
      assert.deepEqual(outcome.unreadable, []);
      const document = await openedDocument(profiler, outcome.file);
      const expected = mergeProfiles(files.map((f) => parseProfileDocument(fs.readFileSync(f, 'utf8'))));
      if (!expected.ok) return assert.fail(expected.reason);
      // As written and read back: the profile's lists, number for number.
      const written = JSON.parse(JSON.stringify(expected.document)) as ProfileDocument;
      assert.deepEqual(document.profile.functions, written.profile.functions);
      assert.deepEqual(document.profile.edges, written.profile.edges);
      assert.equal(document.aggregate?.requests, files.length);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses, opening nothing, when none of the requests was profiled', async () => {
    const profiler = await api();
    const unprofiled = rowOf(await allNodes(profiler), UNPROFILED);
    const before = profiler.profileViews.allViews().length;
    const outcome = await vscode.commands.executeCommand<AggregateOutcome>('requestProfiler.openAggregate', unprofiled, [unprofiled]);
    assert.equal(outcome.file, undefined);
    assert.equal(profiler.profileViews.allViews().length, before);
  });
});
