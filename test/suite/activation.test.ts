// The extension is installed in the real VS Code that runs this suite, and activates there.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const EXTENSION_ID = 'request-profiler.request-profiler';
/**
 * Set by the runners to the folder the extension should be loaded from (the unpacked .vsix or
 * the repository), so the suite proves which copy it tested.
 */
const EXPECTED_PATH_ENV = 'REQUEST_PROFILER_EXPECTED_EXTENSION_PATH';

describe('activation', () => {
  before(() => {
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}, ${vscode.env.appHost})`);
  });

  it('runs in a VS Code that satisfies the engines range', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not installed`);
    const required = String(extension.packageJSON.engines.vscode).replace(/^\^/, '');
    assert.ok(compareVersions(vscode.version, required) >= 0, `VS Code ${vscode.version} is older than the ^${required} the extension declares`);
  });

  it('is loaded from the folder the runner meant to test', function () {
    const expected = process.env[EXPECTED_PATH_ENV];
    if (!expected) this.skip();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    assert.equal(fs.realpathSync(extension.extensionPath), fs.realpathSync(expected));
  });

  // Before any test calls activate(), so that it sees what VS Code did on its own.
  it('activated by itself because the workspace holds profiles', async function () {
    // Guards the activationEvents entry: a workspace with .profiles/*.rprof.json must activate
    // the extension without anyone calling activate(). The runners' workspaces hold profiles;
    // under another workspace there is nothing to check.
    const profiles = await vscode.workspace.findFiles('**/.profiles/*.rprof.json', null, 1);
    if (profiles.length === 0) this.skip();
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const activationEvents: string[] = extension.packageJSON.activationEvents ?? [];
    assert.ok(
      activationEvents.some((event) => event.startsWith('workspaceContains:')),
      'package.json has no workspaceContains activation event',
    );
    await waitFor(() => extension.isActive, 10_000);
  });

  it('activates, and its activate() does not throw', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    assert.equal(extension.isActive, true);
  });
});

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((part) => parseInt(part, 10) || 0);
  const pb = b.split(/[.-]/).map((part) => parseInt(part, 10) || 0);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
