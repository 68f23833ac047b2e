// Reads and reports the JSON results file test/suite/index.ts writes (SuiteResults there).
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';

export function readResults(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** The file the suite appends a line to per finished test (PROGRESS_SUFFIX in test/suite/index.ts). */
export const progressFileOf = (resultsFile) => `${resultsFile}.progress`;

/**
 * Returns a function that prints the lines added to the suite's progress file since its last
 * call, prefixed, so a run shows each test as it finishes. A missing file prints nothing.
 */
export function progressPrinter(file, prefix) {
  let offset = 0;
  let partial = '';
  return () => {
    if (!existsSync(file)) return;
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (let n; (n = readSync(fd, buffer, 0, buffer.length, offset)) > 0;) {
        offset += n;
        partial += buffer.toString('utf8', 0, n);
      }
    } finally {
      closeSync(fd);
    }
    const lines = partial.split('\n');
    partial = lines.pop();
    for (const line of lines) if (line) console.log(`${prefix}${line}`);
  };
}

/**
 * Prints one line per test and returns the exit code the results call for. With streamed (the
 * lines were shown as the tests ran), only the failures are repeated, then the summary.
 */
export function printResults(results, { streamed = false } = {}) {
  console.log(`\nVS Code ${results.vscodeVersion} (extension host pid ${results.extensionHostPid})`);
  for (const test of results.tests) {
    if (streamed && test.state !== 'failed') continue;
    const mark = { passed: 'ok  ', failed: 'FAIL', pending: 'skip' }[test.state];
    const duration = test.durationMs == null ? '' : ` (${test.durationMs} ms)`;
    console.log(`  ${mark} ${test.fullTitle}${duration}`);
    if (test.error) console.log(`       ${test.error.split('\n').join('\n       ')}`);
  }
  console.log(`${results.passed} passed, ${results.failed} failed, ${results.pending} skipped in ${results.durationMs} ms`);
  if (results.error) {
    console.log(`suite error: ${results.error}`);
    return 1;
  }
  if (results.tests.length === 0) {
    console.log('the suite ran no tests');
    return 1;
  }
  return results.failed === 0 ? 0 : 1;
}
