import * as esbuild from 'esbuild';
import { writeFileSync, readdirSync } from 'node:fs';
const root='/work/wt/aggworkers';
const b = await esbuild.build({ stdin:{contents:"export { mergeProfileFiles } from './src/node/aggregateFiles'; export { DEFAULT_READ_LIMITS } from './src/node/readLimits';", resolveDir: root, loader:'ts'}, bundle:true, format:'esm', platform:'node', write:false});
writeFileSync('/tmp/aggw/b.mjs', b.outputFiles[0].text);
await esbuild.build({ entryPoints: [root+'/src/node/aggregateWorker.ts'], outfile: '/tmp/aggw/w.js', bundle: true, format: 'cjs', platform: 'node' });
const m = await import('/tmp/aggw/b.mjs');
const folder = '/tmp/aggw/files';
const files = readdirSync(folder).sort().map(n => folder + '/' + n);
const mode = process.argv[2];
for (let r = 0; r < Number(process.argv[4] ?? 3); r++) {
  const c0 = process.cpuUsage(); const s = performance.now();
  const res = await m.mergeProfileFiles(files, m.DEFAULT_READ_LIMITS, {}, mode === 'w' ? { workerFile: '/tmp/aggw/w.js', workers: Number(process.argv[3] ?? 2) } : {});
  const c = process.cpuUsage(c0);
  console.log(mode, (performance.now() - s).toFixed(0), 'ms wall; cpu user', (c.user/1000).toFixed(0), 'sys', (c.system/1000).toFixed(0), res.workers);
}
