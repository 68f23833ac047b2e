/**
 * Entry point of the extension-host test suite, in the contract shared by @vscode/test-electron's
 * runTests({ extensionTestsPath }) and code-server's `payload` URL parameter: VS Code loads this
 * module inside the real extension host and awaits run(); when it settles the host exits.
 *
 * Besides throwing on failure (which only sets the extension host's exit code, invisible to a
 * runner driving code-server through a browser), run() writes a JSON summary of every test to a
 * results file, so runners read results from a file rather than from a log line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Mocha from 'mocha';
import * as vscode from 'vscode';

/** Environment variable naming the results file; runners set it on the VS Code process. */
export const RESULTS_PATH_ENV = 'REQUEST_PROFILER_SUITE_RESULTS';
/**
 * Where results go when the variable is not set (the extension host may not inherit the runner's
 * environment): out/test/results/suite.json, next to the compiled suite in out/test/suite.
 */
const DEFAULT_RESULTS_PATH = path.join(__dirname, '..', 'results', 'suite.json');
/** Generous: extension-host tests start servers, open editors and wait for file watchers. */
const TEST_TIMEOUT_MS = 60_000;
/** Optional: run only the tests whose full title matches this regular expression (to repeat one part). */
export const GREP_ENV = 'REQUEST_PROFILER_SUITE_GREP';

export interface SuiteTestResult {
  fullTitle: string;
  file: string | null;
  state: 'passed' | 'failed' | 'pending';
  durationMs: number | null;
  error: string | null;
}

export interface SuiteResults {
  vscodeVersion: string;
  /** process.pid of the extension host, to tell runs apart in logs. */
  extensionHostPid: number;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  pending: number;
  /** Set when the suite could not run at all (for example a test file failed to load). */
  error: string | null;
  tests: SuiteTestResult[];
}

/**
 * Beside the results file, one line per test as it finishes, so a runner can show progress
 * instead of staying silent for minutes (results file + this suffix).
 */
export const PROGRESS_SUFFIX = '.progress';

export async function run(): Promise<void> {
  const startedAt = new Date();
  const tests: SuiteTestResult[] = [];
  let error: string | null = null;
  const resultsPath = process.env[RESULTS_PATH_ENV] || DEFAULT_RESULTS_PATH;
  const progress = progressWriter(resultsPath + PROGRESS_SUFFIX);
  try {
    const files = compiledTestFilesUnder(__dirname);
    if (files.length === 0) throw new Error(`no *.test.js files under ${__dirname}`);
    await runMocha(files, tests, progress);
  } catch (caught) {
    error = caught instanceof Error ? (caught.stack ?? caught.message) : String(caught);
  }
  const results: SuiteResults = {
    vscodeVersion: vscode.version,
    extensionHostPid: process.pid,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    pending: tests.filter((t) => t.state === 'pending').length,
    error,
    tests,
  };
  writeResultsAtomically(resultsPath, results);
  if (error) throw new Error(`extension-host suite could not run: ${error}`);
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
}

/** Every *.test.js below dir, sorted so runs are reproducible. */
function compiledTestFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => path.join(dir, name))
    .sort();
}

/** Appends a line per finished test; progress is a courtesy, so a write that fails is dropped. */
function progressWriter(file: string): (result: SuiteTestResult) => void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '');
  } catch {
    return () => undefined;
  }
  return (result) => {
    const mark = { passed: 'ok  ', failed: 'FAIL', pending: 'skip' }[result.state];
    const duration = result.durationMs === null ? '' : ` (${result.durationMs} ms)`;
    try {
      // A failure's reason too: a run cut short by its time limit writes no results file.
      const reason = result.error ? `\n       ${result.error.split('\n')[0]}` : '';
      fs.appendFileSync(file, `${mark} ${result.fullTitle}${duration}${reason}\n`);
    } catch {
      // The results file still says everything at the end.
    }
  };
}

async function runMocha(files: string[], tests: SuiteTestResult[], progress: (result: SuiteTestResult) => void): Promise<void> {
  // Mocha 12 is an ES module. import() loads it in any extension host; require() would need the
  // require(esm) support of node >= 20.19, which the Electron of some VS Code versions lacks.
  const { default: MochaClass } = await import('mocha');
  const grep = process.env[GREP_ENV];
  const mocha = new MochaClass({ ui: 'bdd', timeout: TEST_TIMEOUT_MS, color: false, reporter: 'spec', ...(grep ? { grep: new RegExp(grep) } : {}) });
  for (const file of files) mocha.addFile(file);
  // Loading first makes a test file that throws reject here, with its stack.
  await mocha.loadFilesAsync();
  const record = (test: Mocha.Runnable, state: SuiteTestResult['state'], failure?: Error) => {
    const result: SuiteTestResult = {
      fullTitle: test.fullTitle(),
      file: test.file ?? null,
      state,
      durationMs: test.duration ?? null,
      error: failure ? (failure.stack ?? failure.message) : null,
    };
    tests.push(result);
    progress(result);
  };
  await new Promise<void>((resolve) => {
    mocha
      .run(() => resolve())
      .on('pass', (test) => record(test, 'passed'))
      // Also fires for failing hooks, which then count as failed entries of their own.
      .on('fail', (test, failure) => record(test, 'failed', failure))
      .on('pending', (test) => record(test, 'pending'));
  });
}

/** Write then rename, so a runner polling for the file never reads half of it. */
function writeResultsAtomically(file: string, results: SuiteResults): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(results, null, 2));
  fs.renameSync(partial, file);
}
