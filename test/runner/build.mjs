// Build steps the runners share: the test bundles and the packaged .vsix.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { repoRoot, suiteEntry, vsixPath } from './paths.mjs';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
}

/** esbuild --tests: dist/ (development build) plus out/test/unit, out/test/integration and out/test/suite. */
export function buildTests() {
  run(process.execPath, ['esbuild.mjs', '--tests']);
  if (!existsSync(suiteEntry)) throw new Error(`the build did not produce ${suiteEntry}`);
}

/** `npm run package`: production build, then vsce into out/request-profiler.vsix. */
export function packageVsix() {
  rmSync(vsixPath, { force: true });
  run('npm', ['run', '--silent', 'package']);
  if (!existsSync(vsixPath)) throw new Error(`npm run package did not produce ${vsixPath}`);
  return vsixPath;
}
