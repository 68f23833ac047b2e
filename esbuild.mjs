// Bundles the extension host, the webview apps, and (with --tests) the test suites.
//   node esbuild.mjs               development build (source maps)
//   node esbuild.mjs --production  minified build for packaging
//   node esbuild.mjs --watch       rebuild on change
//   node esbuild.mjs --tests       also bundle test/unit, test/integration and test/suite into out/test
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** All files under dir whose names end with suffix. */
function filesUnder(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, suffix);
    return path.endsWith(suffix) ? [path] : [];
  });
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode'],
  },
  // The worker threads of "Open Aggregate Profile" (src/node/aggregateWorkers.ts starts them from
  // next to dist/extension.js): no vscode in them.
  {
    ...common,
    entryPoints: ['src/node/aggregateWorker.ts'],
    outfile: 'dist/aggregateWorker.js',
    platform: 'node',
    format: 'cjs',
    target: 'node18',
  },
];

// One bundle per webview app: webview/<app>/main.ts -> dist/webview/<app>.js
for (const entry of filesUnder('webview', 'main.ts')) {
  const app = entry.split(/[\\/]/).at(-2);
  builds.push({
    ...common,
    entryPoints: [entry],
    outfile: `dist/webview/${app}.js`,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // The codicon font inside the page's CSS: a font the page fetched after it drew could still be
    // in flight when the page is closed, and VS Code's webview service worker then holds every
    // other page's fetches until its 30 s limit (the next view opened stayed blank that long).
    loader: { '.ttf': 'dataurl', '.wasm': 'file' },
  });
}

// A webview app's worker script, kept out of its page's bundle (the page fetches it when it needs
// it): webview/<app>/worker.ts -> dist/webview/<app>.worker.js
for (const entry of filesUnder('webview', 'worker.ts').filter((path) => /[\\/]worker\.ts$/.test(path))) {
  const app = entry.split(/[\\/]/).at(-2);
  builds.push({
    ...common,
    entryPoints: [entry],
    outfile: `dist/webview/${app}.worker.js`,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
  });
}

if (tests) {
  // The mocha tiers (README, Development): each its own folder of bundles, emptied first so that
  // a test moved to another tier does not go on running from an old bundle.
  for (const tier of ['unit', 'integration']) {
    rmSync(`out/test/${tier}`, { recursive: true, force: true });
    const entries = filesUnder(`test/${tier}`, '.test.ts');
    if (!entries.length) continue;
    builds.push({
      ...common,
      sourcemap: 'inline',
      minify: false,
      entryPoints: entries,
      outdir: `out/test/${tier}`,
      outbase: `test/${tier}`,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode', 'mocha'],
    });
  }
  const suite = [...filesUnder('test/suite', '.ts')];
  if (suite.length) {
    builds.push({
      ...common,
      sourcemap: 'inline',
      minify: false,
      entryPoints: suite,
      outdir: 'out/test/suite',
      outbase: 'test/suite',
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      bundle: true,
      external: ['vscode', 'mocha'],
    });
  }
}

if (watch) {
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('esbuild: watching for changes');
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
