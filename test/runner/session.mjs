// What every run against code-server shares: a temporary folder, a log in test-results/, and
// stopping code-server and Chromium on every way out (the end, a failure, Ctrl-C, SIGTERM).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { testResultsDir } from './paths.mjs';

/**
 * label names the run in messages; the temporary folder is made with tempPrefix; the code-server
 * log goes to test-results/logName (an old one is removed first). Set session.server and
 * session.browser as they start; session.cleanUp() stops them and removes the folder (kept with
 * KEEP_TEMP=1).
 */
export function createRunSession(label, tempPrefix, logName) {
  const temp = mkdtempSync(join(tmpdir(), tempPrefix));
  mkdirSync(testResultsDir, { recursive: true });
  const logFile = join(testResultsDir, logName);
  rmSync(logFile, { force: true });
  const session = {
    temp,
    logFile,
    server: null,
    browser: null,
    async cleanUp() {
      if (session.browser) await session.browser.close().catch(() => {});
      session.browser = null;
      if (session.server) await session.server.stop();
      session.server = null;
      keepExtensionHostLogs(temp, logName);
      if (!process.env.KEEP_TEMP) rmSync(temp, { recursive: true, force: true });
    },
  };
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      console.error(`\n[${label}] ${signal}: stopping code-server and Chromium`);
      session.cleanUp().finally(() => process.exit(130));
    });
  }
  return session;
}

/**
 * The extension host's own logs live in the run's user-data folder, which is deleted: keep a copy
 * beside the code-server log (test-results/<logName>.exthost/), for failures seen only in CI.
 */
function keepExtensionHostLogs(temp, logName) {
  try {
    const logs = readdirSync(temp, { recursive: true }).filter((path) => /exthost[^/]*\.log$/i.test(String(path)));
    if (!logs.length) return;
    const target = join(testResultsDir, `${logName}.exthost`);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    logs.forEach((path, i) => copyFileSync(join(temp, String(path)), join(target, `${i}-${basename(String(path))}`)));
  } catch {
    // Best effort: a missing log must not fail the run.
  }
}

/** A failed expectation: reported without a stack trace. */
export class Expectation extends Error {}

export function expect(condition, message) {
  if (!condition) throw new Expectation(message);
}
