// The demo's Python side: starts demo/app.py (the standard-library app wrapped by the middleware)
// writing profiles into the demo workspace, sends it requests, and waits for their profiles.
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const PROFILE_SUFFIX = '.rprof.json';

/** Requests the demo starts with: one of each kind of route demo/app.py has. */
export const FIRST_REQUESTS = ['/', '/api/users/7', '/slow', '/stream', '/api/users/99999', '/error'];

/** What the app prints once it listens (demo/app.py's main()). */
const LISTENING = /demo app on (http:\/\/127\.0\.0\.1:(\d+)\/)/;

/**
 * Starts `python3 demo/app.py --profile-dir <profileDir> --port <port>` (port 0: any free port) and
 * resolves once it listens, with its URL and stop(). Its output goes to logFile.
 */
export async function startDemoApp({ repoRoot, profileDir, port = 0, logFile, python = process.env.PYTHON || 'python3', timeoutMs = 30_000 }) {
  const log = openSync(logFile, 'w');
  const child = spawn(python, ['-u', join(repoRoot, 'demo', 'app.py'), '--profile-dir', profileDir, '--port', String(port)], {
    cwd: repoRoot,
    // Profiling must be on whatever the caller's environment says.
    env: { ...process.env, REQUEST_PROFILER: '1', REQUEST_PROFILER_DIR: profileDir },
    stdio: ['ignore', 'pipe', log],
  });
  closeSync(log);
  let output = '';
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo/app.py did not start listening within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const found = LISTENING.exec(output);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${python}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`demo/app.py exited (${code ?? signal}) before listening; see ${logFile}\n${readFileSync(logFile, 'utf8').slice(-2000)}`));
    });
  });
  return {
    url,
    hasExited: () => exited,
    async stop() {
      if (exited) return;
      child.kill('SIGINT'); // the app's own way out (KeyboardInterrupt), so its writer flushes
      const deadline = Date.now() + 5_000;
      while (!exited && Date.now() < deadline) await sleep(50);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** Sends GET requests one after another; error statuses (404, 500) are part of the demo. */
export async function sendRequests(appUrl, paths) {
  const statuses = [];
  for (const path of paths) {
    const response = await fetch(new URL(path, appUrl));
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

/** The "METHOD /path" of every readable profile in dir (from line 1, the header). */
export function profiledRequests(dir) {
  if (!existsSync(dir)) return [];
  const requests = [];
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(PROFILE_SUFFIX) || name.startsWith('.')) continue;
    try {
      const firstLine = readFileSync(join(dir, name), 'utf8').split('\n', 1)[0];
      const { header } = JSON.parse(`${firstLine.replace(/,\s*$/, '')}}`);
      requests.push(`${header.method} ${header.path}`);
    } catch {
      // a file being replaced, or not a profile: not one of ours
    }
  }
  return requests;
}

/** Resolves once every one of `requests` ("GET /x") has a profile in dir (they are written off the request path). */
export async function waitForProfiles(dir, requests, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const written = profiledRequests(dir);
    const missing = requests.filter((request) => !written.includes(request));
    if (missing.length === 0) return written;
    if (Date.now() > deadline) throw new Error(`no profile for ${missing.join(', ')} in ${dir} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
