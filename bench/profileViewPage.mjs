// The profile view's page (webview/profileView) as the browser benches load it: the real bundle,
// with a stand-in for VS Code's webview API, served from a temporary folder to headless
// Chromium; optionally built from a git revision's sources too, for before/after figures from
// one run. Shared by callTreeView.bench.mjs and flameTab.bench.mjs.
import * as esbuild from 'esbuild';
import { createServer } from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const STUB = `
window.benchMessages = [];
window.benchState = undefined;
// VS Code copies a posted message and the page lets go of it: keep only its type (and its kind,
// on the views' channel: src/core/webviewChannel.ts; pages before it posted bare messages).
window.acquireVsCodeApi = () => ({
  postMessage: (message) => window.benchMessages.push({ type: message.type, kind: message.kind }),
  getState: () => window.benchState,
  setState: (state) => { window.benchState = state; },
});
// The show message's data as the host sends it, the profile being the bytes postMessage copied.
window.benchShowData = (hideLibraryFrames) => {
  const bytes = window.benchCloned;
  window.benchCloned = undefined;
  const show = { fileName: 'bench.rprof.json', profile: { bytes }, defaults: { hideLibraryFrames } };
  // A note on the views' channel, or (a page from before it, --compare) a bare message.
  const onChannel = window.benchMessages.some((m) => m.kind === 'ready');
  return onChannel ? { rp: 1, kind: 'note', type: 'show', body: show } : { type: 'show', ...show };
};
`;

const page = (extraScript) => `<!DOCTYPE html>
<html><head><meta charset="UTF-8">
<link id="vscode-codicon-stylesheet" rel="stylesheet" href="profileView.css">
</head><body>
<main id="app"></main>
<script src="stub.js"></script>${extraScript ? '\n<script src="bench-extra.js"></script>' : ''}
<script type="module" src="profileView.js"></script>
</body></html>`;

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.json': 'application/json' };

/**
 * Builds the page from the sources under sourceRoot (this tree, or a revision's copy) into dir.
 * extraScript: more of the bench's own code, run before the page's (to wrap browser APIs, say).
 */
export async function buildProfileViewPage(dir, { sourceRoot = root, minify = true, extraScript } = {}) {
  await esbuild.build({
    // The page's folder was webview/callTree until the profile view got its own name.
    entryPoints: [['webview/profileView/main.ts', 'webview/callTree/main.ts'].map((p) => join(sourceRoot, p)).find((p) => existsSync(p))],
    // A revision's copy has no node_modules of its own.
    nodePaths: [join(root, 'node_modules')],
    outfile: join(dir, 'profileView.js'),
    bundle: true,
    minify,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    loader: { '.ttf': 'file' },
    logLevel: 'warning',
  });
  writeFileSync(join(dir, 'stub.js'), STUB);
  if (extraScript) writeFileSync(join(dir, 'bench-extra.js'), extraScript);
  writeFileSync(join(dir, 'index.html'), page(extraScript));
}

/** Serves dir's files on a free local port. */
export function serve(dir) {
  const server = createServer((request, response) => {
    const name = decodeURIComponent(new URL(request.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
    try {
      const body = readFileSync(join(dir, name));
      response.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The sources of a git revision, copied into dir (what the page is built from). */
export function checkOutRevision(ref, dir) {
  const archive = execFileSync('git', ['-C', root, 'archive', '--format=tar', ref, 'webview', 'src'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
}

/**
 * The page's main-thread CPU time (DevTools' ThreadTime) around a step run in it: on a loaded
 * machine a thread gets a fraction of a core, which stretches wall-clock times by the load but
 * CPU times much less. Returns step(fn, arg) → [fn's result, CPU ms], and detach().
 */
export async function cpuStepper(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
  const threadMs = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value * 1000;
  const step = async (fn, arg) => {
    const before = await threadMs();
    const result = await page.evaluate(fn, arg);
    return [result, (await threadMs()) - before];
  };
  /** What the view keeps alive: the page's JavaScript heap after a full collection, in MB. */
  const heapMb = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize / 1e6;
  };
  return { cdp, step, heapMb };
}

/** Runs in the page: fetches the file's bytes (the saved state given, as after the user's last visit). */
export async function loadInPage(state) {
  window.benchState = state;
  window.benchBytes = new Uint8Array(await (await fetch('profile.rprof.json')).arrayBuffer());
}

/** Runs in the page: JSON.parse of the file's text, the yardstick. */
export function parseInPage() {
  let text = new TextDecoder().decode(window.benchBytes);
  const t = performance.now();
  JSON.parse(text);
  const parseMs = performance.now() - t;
  // Only the page's own objects stay alive, as behind postMessage (the parsed value is dropped at once).
  text = null;
  return parseMs;
}

/** Runs in the page: the copy postMessage makes of the bytes, which the page is then sent. */
export function cloneInPage() {
  const t = performance.now();
  window.benchCloned = structuredClone(window.benchBytes);
  return performance.now() - t;
}

/** Writes a DevTools CPU profile to file and prints its 15 functions with the most own time. */
export function writeCpuProfileAndTop(profile, file, label) {
  writeFileSync(file, JSON.stringify(profile));
  const own = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const deltas = profile.timeDeltas;
  profile.samples.forEach((id, i) => {
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
    own.set(key, (own.get(key) ?? 0) + (deltas[i] ?? 0) / 1000);
  });
  const total = [...own.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${label} → ${file}; own time, top 15 of ${total.toFixed(0)} ms:`);
  for (const [key, value] of [...own].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`  ${value.toFixed(1).padStart(7)} ms  ${key}`);
}

/** Starts the page's CPU profiler (sampling every 100 µs); stop with cdp.send('Profiler.stop'). */
export async function startCpuProfile(cdp) {
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
}
