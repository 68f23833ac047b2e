// Reads and reports the JSON results file test/suite/index.ts writes (SuiteResults there).
import { existsSync, readFileSync } from 'node:fs';

export function readResults(file) {
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** Prints one line per test and returns the exit code the results call for. */
export function printResults(results) {
  console.log(`\nVS Code ${results.vscodeVersion} (extension host pid ${results.extensionHostPid})`);
  for (const test of results.tests) {
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
