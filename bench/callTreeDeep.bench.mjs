// Benchmarks opening the call tree of a deep call chain (function i calls function i + 1), the
// way the view opens it: parse the file, build the model, the tree, its hot path (the whole
// chain), expand it and list the rows, and lay out the rows that are drawn. With library
// frames shown and folded (every 7th frame a site-packages one). Beside them, the same chain as a
// sampled profile's one stack (the tree built from stacks, src/core/callTree.ts), with all frames.
//
//   node bench/callTreeDeep.bench.mjs [depth...] [--limit=seconds]
//   (defaults 1,000 10,000 100,000; each depth runs in its own worker, stopped after the
//   limit, 60 s by default, so a depth that never finishes is reported as such)
//
// Target (issue 12): a 100,000-deep chain opens in under a second.
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { makeDeepChainText } from '../test/support/makeDeepChain.mjs';
import { bundleCore } from './bundleCore.mjs';
import { ms, timed } from './timing.mjs';

const LIBRARY_EVERY = 7;
/** Rows a virtual list draws at once. */
const SCREEN_ROWS = 60;

/** The TypeScript core's modules this bench times, bundled for the workers to import. */
function bundleDeepCore() {
  return bundleCore(
    [
      "export { parseProfileDocument } from './src/core/profileHeader';",
      "export { buildProfileModel } from './src/core/profileModel';",
      "export { CallTree } from './src/core/callTree';",
      "export { requestHotPath, expandHotPath } from './src/core/hotPath';",
    ],
    'deep-core',
  );
}

/** One depth, in a worker: the open time with all frames and with library frames folded. */
async function measure({ coreFile, depth }) {
  const core = await import(pathToFileURL(coreFile).href);
  const text = makeDeepChainText(depth, LIBRARY_EVERY);
  const [parseTime, document] = timed(() => core.parseProfileDocument(text));
  const [modelTime, model] = timed(() => core.buildProfileModel(document.profile, document.paths));
  const results = { parseTime, modelTime, modes: [] };
  for (const foldLibraries of [false, true]) {
    const [openTime, open] = timed(() => {
      const tree = new core.CallTree(model, { foldLibraries, threshold: 0.005 });
      const hot = core.requestHotPath(tree);
      const expanded = core.expandHotPath(tree, hot[0]);
      const rows = tree.visibleRows(expanded);
      let checksum = 0;
      for (const { node } of rows.slice(0, SCREEN_ROWS)) checksum += node.own + node.total + (node.kind === 'function' && node.hasChildren ? 1 : 0);
      return { hot: hot.length, rows: rows.length, checksum };
    });
    results.modes.push({ foldLibraries, openTime, hot: open.hot, rows: open.rows });
  }
  // The chain as one sampled stack through every level (a sample at the deepest frame).
  const frames = document.profile.functions.map((_, i) => i);
  const stacks = [[frames, frames.map(() => 1), false, depth * 1e-6, 0, 1]];
  const [openTime, open] = timed(() => {
    const tree = new core.CallTree(model, { threshold: 0.005 }, stacks);
    const hot = core.requestHotPath(tree);
    const rows = tree.visibleRows(core.expandHotPath(tree, hot[0]));
    return { hot: hot.length, rows: rows.length };
  });
  results.modes.push({ foldLibraries: false, openTime, hot: open.hot, rows: open.rows });
  parentPort.postMessage(results);
}

async function main() {
  const args = process.argv.slice(2);
  const limitArg = args.find((a) => a.startsWith('--limit='));
  const limitSeconds = limitArg ? Number(limitArg.slice('--limit='.length)) : 60;
  const depths = args.filter((a) => !a.startsWith('--')).map(Number);
  const coreFile = await bundleDeepCore();
  try {
    console.log(`depth     parse    model  | open, all frames     | open, library folded | open, sampled stack`);
    for (const depth of depths.length ? depths : [1_000, 10_000, 100_000]) {
      const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { coreFile, depth }, resourceLimits: { maxOldGenerationSizeMb: 4096 } });
      const outcome = await new Promise((resolve) => {
        const timer = setTimeout(() => {
          worker.terminate();
          resolve({ timeout: true });
        }, limitSeconds * 1000);
        worker.once('message', (results) => {
          clearTimeout(timer);
          resolve(results);
        });
        worker.once('error', (error) => {
          clearTimeout(timer);
          resolve({ error });
        });
      });
      await worker.terminate();
      const label = String(depth).padEnd(8);
      if (outcome.timeout) console.log(`${label} did not finish within ${limitSeconds} s`);
      else if (outcome.error) console.log(`${label} failed: ${outcome.error.message}`);
      else {
        const cells = outcome.modes.map((m) => `${ms(m.openTime).padStart(9)} (${m.hot} hot, ${m.rows} rows)`.padEnd(21));
        console.log(`${label} ${ms(outcome.parseTime).padStart(7)} ${ms(outcome.modelTime).padStart(7)}  | ${cells.join(' | ')}`);
      }
    }
  } finally {
    rmSync(coreFile, { force: true });
  }
}

if (isMainThread) await main();
else await measure(workerData);
