// Starts and stops code-server (VS Code served to a browser) for the in-VS Code test runners.
// It is installed by scripts/setup-code-server.sh into .vscode-test/code-server.
import { spawn, execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, openSync, closeSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.mjs';

const execFileAsync = promisify(execFile);

export const codeServerBin = join(repoRoot, '.vscode-test', 'code-server', 'node_modules', '.bin', 'code-server');

export function assertCodeServerInstalled() {
  if (!existsSync(codeServerBin)) {
    throw new Error(`code-server is not installed at ${codeServerBin}; run scripts/setup-code-server.sh`);
  }
}

/**
 * The environment code-server runs with. Its XDG folders point into `home` because code-server
 * writes a default config (with a password) and logs there, even for --install-extension.
 */
function codeServerEnv(home, extraEnv) {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(home, 'config'),
    XDG_DATA_HOME: join(home, 'data'),
    ...extraEnv,
  };
}

/** Installs a .vsix into extensionsDir and returns the folder it was unpacked to. */
export async function installVsix({ vsix, extensionsDir, userDataDir, home, extensionId }) {
  mkdirSync(extensionsDir, { recursive: true });
  await execFileAsync(codeServerBin, ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix, '--force'], {
    env: codeServerEnv(home, {}),
    timeout: 120_000,
  });
  const prefix = `${extensionId}-`;
  const folders = readdirSync(extensionsDir).filter((name) => name.toLowerCase().startsWith(prefix));
  if (folders.length !== 1) {
    throw new Error(`expected one ${prefix}* folder in ${extensionsDir} after installing, found ${folders.length}`);
  }
  return join(extensionsDir, folders[0]);
}

/**
 * Settings that keep a fresh profile from opening welcome pages and update checks over the tests,
 * and that make the web workbench behave as desktop VS Code does by default. code-server serves
 * the web workbench, whose default `files.autoSave` is "afterDelay" (1 s) where desktop VS Code's
 * is "off": a test that checks an edit is left unsaved for the user to review (Set Up's inserted
 * lines) then failed whenever more than a second passed before it looked, on a busy machine.
 */
const quietSettings = {
  'files.autoSave': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
};

function writeUserSettings(userDataDir, settings) {
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers /healthz. The server runs in its
 * own process group so stop() can end it together with its extension hosts and pty helpers.
 */
export async function startCodeServer({ workspace, userDataDir, extensionsDir, home, logFile, env = {}, timeoutMs = 60_000 }) {
  writeUserSettings(userDataDir, quietSettings);
  mkdirSync(extensionsDir, { recursive: true });
  const port = await freePort();
  const log = openSync(logFile, 'a');
  const args = [
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
    workspace,
  ];
  const child = spawn(codeServerBin, args, {
    env: codeServerEnv(home, env),
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });

  const server = {
    port,
    origin: `http://127.0.0.1:${port}`,
    /** The URI authority extension paths need in a payload (the workbench's remote authority). */
    remoteUri: (absolutePath) => `vscode-remote://127.0.0.1:${port}${absolutePath}`,
    hasExited: () => exited,
    stop: () => stopProcessGroup(child, () => exited !== null),
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`code-server exited early (${JSON.stringify(exited)}); see ${logFile}`);
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`code-server did not answer within ${timeoutMs} ms; see ${logFile}`);
    }
    try {
      const response = await fetch(`${server.origin}/healthz`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
}

/** SIGTERM to the whole group, SIGKILL after a grace period. */
async function stopProcessGroup(child, hasExited) {
  if (child.pid === undefined) return;
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + 5_000;
  while (!hasExited() && Date.now() < deadline) await sleep(100);
  // Extension hosts can outlive the server process itself; make sure the group is gone.
  signalGroup('SIGKILL');
}

/**
 * The workbench URL. With a payload holding extensionDevelopmentPath and extensionTestsPath,
 * the workbench loads the extension from that folder and runs the suite's run() in the
 * extension host, as `code --extensionDevelopmentPath ... --extensionTestsPath ...` would.
 */
export function workbenchUrl(server, { workspace, payload }) {
  const url = new URL(server.origin);
  url.searchParams.set('folder', workspace);
  if (payload) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** The last lines of a log file, for failure reports. */
export function tail(file, lines = 40) {
  if (!existsSync(file)) return '';
  return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
