// Bundles the extension's real profile library (src/node/profileLibrary.ts, with its directory
// watcher), the bare directory watcher and the tests' hostile-file corpus (test/support/hostileFiles.ts)
// with esbuild's JS API and loads them, so that the Profiles index benchmark and the tests that index
// in a child process (indexInChildProcess.mjs) run the code the extension runs, not a copy of it.
import * as esbuild from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export async function loadProfileLibrary(repoRoot) {
  const result = await esbuild.build({
    stdin: {
      contents: [
        "export { ProfileLibrary } from './src/node/profileLibrary';",
        "export { DirectoryWatcher } from './src/node/directoryWatcher';",
        "export { makeHostileCorpus } from './test/support/hostileFiles';",
      ].join('\n'),
      resolveDir: repoRoot,
      loader: 'ts',
    },
    bundle: true,
    // CommonJS, as the extension itself is bundled (esbuild.mjs): its node requires stay plain.
    format: 'cjs',
    platform: 'node',
    target: 'node18',
    write: false,
    logLevel: 'warning',
  });
  const dir = mkdtempSync(join(tmpdir(), 'rp-bench-library-'));
  const file = join(dir, 'profileLibrary.cjs');
  writeFileSync(file, result.outputFiles[0].text);
  try {
    return createRequire(import.meta.url)(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
