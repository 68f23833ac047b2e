#!/usr/bin/env node
// The demo, once scripts/demo.sh has installed code-server and packaged the extension:
// a demo workspace, the demo app writing profiles into it, the .vsix installed into code-server,
// code-server serving that workspace. Prints where to go and runs until Ctrl-C.
//
//   node scripts/demo/demo.mjs [--smoke [--screenshot]] [--app-port N]
//
// --smoke runs headless instead: everything starts in a temporary folder, Chromium checks the
// Profiles view (scripts/demo/smoke.mjs), everything stops, and the exit status says whether the
// check passed. --screenshot (with --smoke) saves the README's pictures into docs/images/
// (profiles-panel.png, call-tree.png, call-graph.png). REQUEST_PROFILER_VSIX=path uses that .vsix.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { assertCodeServerInstalled, installVsix, startCodeServer, workbenchUrl, tail } from '../../test/runner/codeServer.mjs';
import { extensionId, repoRoot, testResultsDir, vsixPath as builtVsix } from '../../test/runner/paths.mjs';
import { FIRST_REQUESTS, sendRequests, startDemoApp, waitForProfiles } from './demoApp.mjs';
import { Expectation, runSmoke } from './smoke.mjs';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const screenshot = args.includes('--screenshot');
const appPortArg = args.indexOf('--app-port');
const appPort = appPortArg >= 0 ? Number(args[appPortArg + 1]) : 0;
if (screenshot && !smoke) usage('--screenshot needs --smoke');
if (!Number.isInteger(appPort) || appPort < 0 || appPort > 65535) usage('--app-port needs a port number');
for (const [i, arg] of args.entries()) {
  if (!['--smoke', '--screenshot', '--app-port'].includes(arg) && args[i - 1] !== '--app-port') usage(`unknown option ${arg}`);
}

function usage(problem) {
  console.error(`demo: ${problem}\nusage: bash scripts/demo.sh [--smoke [--screenshot]] [--app-port N]`);
  process.exit(2);
}

// REQUEST_PROFILER_VSIX=path demonstrates (or smoke-tests) another .vsix, e.g. a CI artifact.
const vsixPath = process.env.REQUEST_PROFILER_VSIX || builtVsix;
const say = (message) => console.log(`[demo] ${message}`);
/** A path as short as it can be said: relative inside the repository, absolute elsewhere. */
const shown = (path) => (relative(repoRoot, path).startsWith('..') ? path : relative(repoRoot, path));

// The interactive demo keeps its folders in the user's cache folder so a second run reuses the
// editor's state; the smoke test gets a fresh temporary folder so runs never see each other.
// Both are outside the repository: a workspace inside it made VS Code find the repository's .git
// above the folder and ask whether to open that parent repository.
const root = smoke ? mkdtempSync(join(tmpdir(), 'rp-demo-smoke-')) : join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'request-profiler-demo');
const workspace = join(root, 'workspace');
const profileDir = join(workspace, '.profiles');
const codeServerDir = join(root, 'code-server');
const logDir = smoke ? testResultsDir : join(root, 'logs');
const appLog = join(logDir, smoke ? 'demo-app-smoke.log' : 'demo-app.log');
const codeServerLog = join(logDir, smoke ? 'demo-code-server-smoke.log' : 'code-server.log');
const screenshotDir = join(repoRoot, 'docs', 'images');
const pictureDraftDir = join(root, 'pictures');
const failureScreenshot = join(testResultsDir, 'demo-smoke-failure.png');

let app = null;
let server = null;
let stopping = false;
async function stopAll() {
  if (stopping) return;
  stopping = true;
  await Promise.all([app?.stop(), server?.stop()]);
  if (smoke && !process.env.KEEP_TEMP) rmSync(root, { recursive: true, force: true });
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.log(`\n[demo] ${signal}: stopping the demo app and code-server`);
    stopAll().finally(() => process.exit(smoke ? 130 : 0));
  });
}

let exitCode = 1;
try {
  assertCodeServerInstalled();
  if (!existsSync(vsixPath)) throw new Expectation(`${shown(vsixPath)} is missing: run bash scripts/demo.sh (it packages the extension)`);
  mkdirSync(logDir, { recursive: true });
  // A fresh list of profiles on every run: what is in the panel is what this run requested.
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  keepOutOfParentRepositories(workspace);
  if (smoke) rmSync(failureScreenshot, { force: true });
  if (screenshot) mkdirSync(pictureDraftDir, { recursive: true });

  app = await startDemoApp({ repoRoot, profileDir, port: appPort, logFile: appLog });
  say(`demo app listening on ${app.url}`);
  const statuses = await sendRequests(app.url, FIRST_REQUESTS);
  const expected = FIRST_REQUESTS.map((path) => `GET ${path}`);
  await waitForProfiles(profileDir, expected);
  say(`${FIRST_REQUESTS.length} requests sent (statuses ${statuses.join(' ')}), their profiles are in ${shown(profileDir)}`);

  const home = join(codeServerDir, 'home');
  const userDataDir = join(codeServerDir, 'user-data');
  const extensionsDir = join(codeServerDir, 'extensions');
  // Replace whatever an earlier run installed: the demo shows the .vsix just built.
  rmSync(extensionsDir, { recursive: true, force: true });
  const installed = await installVsix({ vsix: vsixPath, extensionsDir, userDataDir, home, extensionId });
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  say(`installed ${shown(vsixPath)} into code-server`);
  server = await startCodeServer({ workspace, userDataDir, extensionsDir, home, logFile: codeServerLog });

  if (smoke) {
    await runSmoke({
      server,
      workspace,
      app,
      profileDir,
      expected,
      // Pictures go to docs/images/ only when every one of them was taken.
      screenshotDir: screenshot ? pictureDraftDir : null,
      hasCallGraph: (manifest.contributes?.commands ?? []).some((c) => c.command === 'requestProfiler.openCallGraph'),
      commandTitles: Object.fromEntries((manifest.contributes?.commands ?? []).map((c) => [c.command, `${c.category ? `${c.category}: ` : ''}${c.title}`])),
      failureScreenshot,
      log: (message) => say(`smoke: ${message}`),
    });
    if (screenshot) {
      for (const name of readdirSync(pictureDraftDir)) copyFileSync(join(pictureDraftDir, name), join(screenshotDir, name));
      say(`pictures saved in ${shown(screenshotDir)}`);
    }
    say('smoke test passed');
    exitCode = 0;
  } else {
    printWelcome();
    // Runs until Ctrl-C (handled above) or until one of the two servers dies.
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // After Ctrl-C the servers stop on purpose; the signal handler ends the process.
      if (stopping) await new Promise(() => {});
      if (app.hasExited()) throw new Error(`the demo app stopped; see ${appLog}`);
      if (server.hasExited()) throw new Error(`code-server stopped; see ${codeServerLog}`);
    }
  }
} catch (error) {
  console.error(`[demo] FAILED: ${error instanceof Expectation ? error.message : (error?.stack ?? error)}`);
  if (smoke && existsSync(failureScreenshot)) console.error(`[demo] screenshot of the failure: ${failureScreenshot}`);
  for (const [name, file] of [
    ['demo app', appLog],
    ['code-server', codeServerLog],
  ]) {
    const lines = tail(file, 20);
    if (lines.trim()) console.error(`[demo] last lines of the ${name} log (${file}):\n${lines}`);
  }
} finally {
  await stopAll();
}
process.exit(exitCode);

/**
 * The cache folder may itself sit in a git repository (a home folder kept in git): the demo
 * workspace says never to open a repository found in a parent folder, so VS Code does not ask.
 */
function keepOutOfParentRepositories(folder) {
  const settings = join(folder, '.vscode', 'settings.json');
  if (existsSync(settings)) return;
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  writeFileSync(settings, `${JSON.stringify({ 'git.openRepositoryInParentFolders': 'never' }, null, 2)}\n`);
}

function printWelcome() {
  const vsix = shown(vsixPath);
  console.log(`
Request Profiler demo is running.

  Open VS Code in your browser:  ${workbenchUrl(server, { workspace })}
      then click the Request Profiler icon in the activity bar (left).
  The demo app:                  ${app.url}
      each request you make appears in the Profiles panel within a moment; try
      ${['slow', 'api/users/7', 'stream', 'error'].map((path) => new URL(path, app.url).href).join('  ')}
  Profiles are written to:       ${profileDir}
  Logs:                          ${logDir}

  Both servers listen on 127.0.0.1 only. On a remote machine, forward the two ports, e.g.
      ssh -L ${server.port}:127.0.0.1:${server.port} -L ${new URL(app.url).port}:127.0.0.1:${new URL(app.url).port} <host>

  In your desktop VS Code instead:
      code --install-extension ${vsix}
      code ${workspace}

Press Ctrl-C to stop the demo app and code-server.
`);
}
