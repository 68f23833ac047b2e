// Hostile files in the watched folder of a real VS Code: a FIFO (which used to freeze the
// extension host), a link to /dev/zero (which used to be read without end) and a file over the
// size limit are listed with their reasons, and opening them shows the reason instead.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ProfilesTreeNode } from '../../src/host/profilesTreeProvider';
import { api, closeAllEditors, until, workspaceDir } from './support';

describe('Hostile files in the profile folder', function () {
  this.timeout(60_000);
  const names = { fifo: 'hostile-fifo.rprof.json', zero: 'hostile-zero.rprof.json', huge: 'hostile-huge.rprof.json' };
  const at = (name: string) => path.join(workspaceDir(), '.profiles', name);

  before(() => {
    execFileSync('mkfifo', [at(names.fifo)]);
    fs.symlinkSync('/dev/zero', at(names.zero));
    // Sparse: over the default 256 MB limit without using the disk.
    fs.writeFileSync(at(names.huge), '{"format":"request-profiler","version":1,"header":{}}\n');
    fs.truncateSync(at(names.huge), 300 * 1024 * 1024);
  });
  after(async () => {
    await closeAllEditors();
    for (const name of Object.values(names)) fs.rmSync(at(name), { force: true });
    // The next tests count the panel's rows: wait until the watcher has dropped these.
    const profiler = await api();
    await until(() => Object.values(names).every((name) => !profiler.library.index.get(at(name))), 'the hostile files to leave the list');
  });

  /** The reason the panel's unreadable row for a file name gives (its tooltip shows it), once listed. */
  async function reasonListed(name: string): Promise<string> {
    const profiler = await api();
    return until(async () => {
      const rows = await profiler.tree.getChildren(undefined);
      const row = rows.find((node: ProfilesTreeNode) => node.kind === 'unreadable' && path.basename(node.entry.file) === name);
      return row?.kind === 'unreadable' && row.entry.error;
    }, `${name} to be listed as unreadable`);
  }

  it('lists the FIFO, the /dev/zero link and the huge file, each with the reason', async () => {
    assert.match(await reasonListed(names.fifo), /named pipe \(FIFO\)/);
    assert.match(await reasonListed(names.zero), /A link to \/dev\/zero: not a file but a device/);
    assert.match(await reasonListed(names.huge), /^hostile-huge\.rprof\.json is 300\.0 MiB, over the 256\.0 MiB limit \(requestProfiler\.maxProfileSizeMB\)/);
  });

  it('opening them shows the reason, and nothing is read without bound', async () => {
    const profiler = await api();
    const expected: [string, RegExp][] = [
      [names.zero, /^A link to \/dev\/zero: not a file but a device: not opened\.$/],
      [names.huge, /^hostile-huge\.rprof\.json is 300\.0 MiB, over the 256\.0 MiB limit \(requestProfiler\.maxProfileSizeMB\)\.$/],
      [names.fifo, /named pipe \(FIFO\)/],
    ];
    for (const [name, message] of expected) {
      const uri = vscode.Uri.file(at(name));
      await vscode.commands.executeCommand('requestProfiler.openProfile', uri);
      const view = await until(() => profiler.profileViews.viewsOf(uri)[0], `the profile view of ${name}`);
      const result = await view.loadResult();
      assert.ok('error' in result, `${name} is refused`);
      assert.match(result.error, message);
    }
  });
});
