// The benches that run in Node import the TypeScript core through esbuild: the core is pure
// (no vscode, no Node APIs), so a bundle of the modules a bench names runs as it is.
import * as esbuild from 'esbuild';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Bundles the export lines (e.g. "export { CallTree } from './src/core/callTree';", paths from
 * the repository's root) into a temporary module file and returns its path: a worker can import it too.
 */
export async function bundleCore(exportLines, name = 'core') {
  const result = await esbuild.build({
    stdin: { contents: exportLines.join('\n'), resolveDir: root, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const file = join(tmpdir(), `request-profiler-${name}-${process.pid}.mjs`);
  writeFileSync(file, result.outputFiles[0].text);
  return file;
}

/** Bundles the export lines and imports the bundle (the file is removed once loaded). */
export async function importCore(exportLines, name = 'core') {
  const file = await bundleCore(exportLines, name);
  try {
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(file, { force: true });
  }
}
