// Bundles bench/callGraph.bench.ts (TypeScript, imports the core) with esbuild and runs it.
//   node bench/callGraph.bench.mjs [functions] [edges]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'out', 'bench', 'callGraph.bench.cjs');
await esbuild.build({
  entryPoints: [join(root, 'bench', 'callGraph.bench.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  logLevel: 'warning',
});
const run = spawnSync(process.execPath, [outfile, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(run.status ?? 1);
