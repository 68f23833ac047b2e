// Benchmarks the profile view's Flame tab (webview/profileView/flameTab.ts, drawn by
// webview/shared/flameCanvas.ts) in headless Chromium, on the real page bundle, next to a
// JSON.parse of the same file in the same page, so the figures compare on any machine.
//
//   node bench/flameTab.bench.mjs [frames]
//   (default 120,000: a sampled profile of test/support/makeSampledProfile.mjs whose flame
//   graph has about that many frames; the call tree bench's cProfile profile,
//   test/support/makeLargeProfile.mjs, 20,000 functions and 100,000 edges, whose flame graph
//   has 837 frames; and a cProfile profile whose flame graph has 105,003,
//   test/support/makeSharedChainProfile.mjs)
//   --compare=REF  also builds the page from git revision REF (e.g. main) and measures both,
//                  alternating, for before/after figures from one run on one machine
//   --runs=N       measures each page N times (default 1; 3 with --compare) and prints medians
//   --cpu-profile=FILE  writes DevTools CPU profiles of the first run's two first paints and its
//                  session (FILE.<profile>.<step>.cpuprofile) and prints their heaviest functions
//
// For each profile it prints:
// - first paint of the Flame tab, from the profile arriving with the Flame tab remembered as the
//   open one (decoding, parsing, the model and the call tree included) and from choosing the tab
//   after the call tree was shown, each until the canvas has drawn at its final width (the last
//   drawing before the page goes idle), with the main thread's CPU time;
// - each interaction's main-thread work: its event handler, then every animation-frame and
//   resize callback it causes (the layout, the drawing) until the page is idle: zoom (a click
//   into a frame, Space on the selection, Escape out, Home), keyboard moves, hover, scrolling
//   (the graph's pan: it is as wide as the view and zooms to go further), a resize of the view;
//   median, p95, max and how many were over one 60 Hz frame, in wall-clock and CPU time (read
//   around each); and the frames' pace (animation frame to animation frame) while scrolling
//   every frame;
// - the heap after a full collection.
// The callbacks are timed by wrapping requestAnimationFrame and ResizeObserver before the page's
// own script runs; canvas fills are counted too (how many frames were drawn). Targets (issue
// 14): first paint < 200 ms, every frame < 16 ms; the last lines give the verdict, with the
// load average (a loaded machine slows wall-clock times, CPU times much less).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from '../test/runner/browser.mjs';
import { makeLargeProfileText } from '../test/support/makeLargeProfile.mjs';
import { makeSampledProfileText } from '../test/support/makeSampledProfile.mjs';
import { makeSharedChainText } from '../test/support/makeSharedChainProfile.mjs';
import * as viewPage from './profileViewPage.mjs';
import { median, ms, spread } from './timing.mjs';

const compareArg = process.argv.find((a) => a.startsWith('--compare='));
const compareRef = compareArg ? compareArg.slice('--compare='.length) : undefined;
const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const runs = runsArg ? Math.max(1, Number(runsArg.slice('--runs='.length))) : compareRef ? 3 : 1;
const cpuProfileArg = process.argv.find((a) => a.startsWith('--cpu-profile='))?.slice('--cpu-profile='.length);
const [frameCount = 120_000] = process.argv
  .slice(2)
  .filter((a) => !a.startsWith('--'))
  .map(Number);

/** One frame at 60 Hz. */
const FRAME_MS = 1000 / 60;
const FIRST_PAINT_TARGET_MS = 200;

/**
 * Runs before the page's script: times every animation-frame and resize-observer callback (the
 * canvas's layout and drawing) and counts canvas fills, into window.benchCallbacks; and gives
 * the steps below benchSettle (the page idle) and benchInteract (an action and what it causes).
 */
const TIMING_SCRIPT = `
window.benchCallbacks = [];
let fills = 0;
const fillRect = CanvasRenderingContext2D.prototype.fillRect;
CanvasRenderingContext2D.prototype.fillRect = function (...args) {
  fills++;
  return fillRect.apply(this, args);
};
const timedCallback = (kind, callback) => (...args) => {
  const before = fills;
  const start = performance.now();
  try {
    return callback(...args);
  } finally {
    window.benchCallbacks.push({ kind, start, end: performance.now(), fills: fills - before });
  }
};
const animationFrame = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => animationFrame(timedCallback('frame', callback));
const PageResizeObserver = window.ResizeObserver;
window.ResizeObserver = class extends PageResizeObserver {
  constructor(callback) {
    super(timedCallback('resize', callback));
  }
};
const nextFrame = () => new Promise((resolve) => animationFrame(() => setTimeout(resolve, 0)));
// Idle: two frames in a row with no callback of the page's.
window.benchSettle = async () => {
  let seen = window.benchCallbacks.length;
  for (let quiet = 0; quiet < 2; ) {
    await nextFrame();
    if (window.benchCallbacks.length === seen) quiet++;
    else (quiet = 0), (seen = window.benchCallbacks.length);
  }
};
// An action, then the callbacks it caused until idle: its handler's time, their time, when the
// last drawing ended, the canvas fills.
window.benchInteract = async (action) => {
  const since = window.benchCallbacks.length;
  const start = performance.now();
  action();
  // What the handler left for the browser's layout counts too.
  document.body.getBoundingClientRect();
  const handlerMs = performance.now() - start;
  await window.benchSettle();
  const caused = window.benchCallbacks.slice(since);
  const callbackMs = caused.reduce((sum, c) => sum + c.end - c.start, 0);
  const drawn = caused.filter((c) => c.fills > 0);
  return {
    workMs: handlerMs + callbackMs,
    handlerMs,
    longestCallbackMs: Math.max(0, ...caused.map((c) => c.end - c.start)),
    paintedAfterMs: drawn.length ? drawn[drawn.length - 1].end - start : NaN,
    fills: drawn.length ? drawn[drawn.length - 1].fills : 0,
  };
};
`;

/** Runs in the page: the show message, until the page is idle (the Flame tab drawn when it was remembered open). */
async function showInPage({ hideLibraryFrames }) {
  const data = window.benchShowData(hideLibraryFrames);
  return window.benchInteract(() => window.dispatchEvent(new MessageEvent('message', { data })));
}

/** Runs in the page: chooses the Flame tab (the call tree shown before), until it is drawn. */
async function chooseFlameInPage() {
  // The tabs element renames its headers' ids: found by their text, as a person finds them.
  const header = [...document.querySelectorAll('vscode-tab-header')].find((h) => h.textContent.trim() === 'Flame');
  return window.benchInteract(() => header.click());
}

/**
 * Runs in the page: plans a person's session on the graph, window.benchSession, a list of named
 * actions that the bench runs one by one (each timed to idle, its CPU time read around it).
 * Clicks land on frames of the rows under the framework's spine at seeded places; keys go to
 * the graph as a keyboard user presses them.
 */
function planSessionInPage() {
  const viewport = document.querySelector('.flame-viewport');
  viewport.focus();
  let seed = 7;
  const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296;
  const session = [];
  const add = (name, action) => session.push({ name, action });
  const key = (name) => () => viewport.dispatchEvent(new KeyboardEvent('keydown', { key: name, bubbles: true }));
  const at = (type, depth) => {
    const x = 1 + random() * (viewport.clientWidth - 2);
    return () => {
      const box = viewport.getBoundingClientRect();
      const y = box.top + (depth + 0.5) * 18 - viewport.scrollTop;
      viewport.dispatchEvent(new MouseEvent(type, { clientX: box.left + x, clientY: y, bubbles: true }));
    };
  };
  for (let round = 0; round < 8; round++) {
    add('zoom: click a frame', at('click', 13 + Math.floor(random() * 6)));
    add('zoom: Escape (out one level)', key('Escape'));
    add('keys: ArrowDown / ArrowRight', key('ArrowDown'));
    add('keys: ArrowDown / ArrowRight', key('ArrowRight'));
    add('zoom: Space (into the selection)', key(' '));
    add('zoom: Home (whole graph)', key('Home'));
  }
  for (let i = 0; i < 30; i++) add('hover', at('mousemove', 12 + Math.floor(random() * 30)));
  for (let i = 0; i < 20; i++) {
    add('scroll (pan)', () => (viewport.scrollTop = ((i * 97) % 10) * ((viewport.scrollHeight - viewport.clientHeight) / 9)));
  }
  const main = document.querySelector('main');
  for (const width of ['1000px', '1300px', '700px', '']) add('resize the view', () => (main.style.width = width));
  window.benchSession = session;
  return session.length;
}

/** Runs in the page: one action of the session, to idle. */
async function runActionInPage(index) {
  const { name, action } = window.benchSession[index];
  return { name, ...(await window.benchInteract(action)) };
}

/** Runs in the page: the frames' pace while scrolling a few rows every frame for 2 seconds, animation frame to animation frame. */
async function paceInPage() {
  const viewport = document.querySelector('.flame-viewport');
  const height = viewport.scrollHeight - viewport.clientHeight;
  const pace = [];
  let last = performance.now();
  for (let i = 0; i < 120; i++) {
    viewport.scrollTop = Math.abs(((i * 3 * 18) % (2 * height)) - height);
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const now = performance.now();
    pace.push(now - last);
    last = now;
  }
  return pace;
}

/** One page load and measurement: a fresh page each time, as VS Code makes one per view. */
async function measureOnce(browser, url, profileId, hideLibraryFrames, cpuProfileFile) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  try {
    const open = async (tab) => {
      await page.goto(url);
      await page.waitForFunction(() => window.benchMessages?.some((m) => m.type === 'ready' || m.kind === 'ready'));
      await page.evaluate(viewPage.loadInPage, { profileId, tab });
      await page.evaluate(viewPage.cloneInPage);
    };
    const { cdp, step: cpuStep, heapMb } = await viewPage.cpuStepper(page);
    // With --cpu-profile, each step's CPU profile too.
    const step = async (fn, arg) => {
      if (!cpuProfileFile) return cpuStep(fn, arg);
      await viewPage.startCpuProfile(cdp);
      const result = await cpuStep(fn, arg);
      const file = `${cpuProfileFile}.${fn.name}.cpuprofile`;
      viewPage.writeCpuProfileAndTop((await cdp.send('Profiler.stop')).profile, file, `${fn.name} CPU profile`);
      return result;
    };
    // The Flame tab remembered open: the profile arrives and the page opens on the graph.
    await open('flame');
    const [parseMs, parseCpuMs] = await cpuStep(viewPage.parseInPage);
    const [remembered, rememberedCpuMs] = await step(showInPage, { hideLibraryFrames });
    // The call tree first, then the Flame tab chosen.
    await open('tree');
    await page.evaluate(showInPage, { hideLibraryFrames });
    const [chosen, chosenCpuMs] = await step(chooseFlameInPage);
    const actions = await page.evaluate(planSessionInPage);
    const session = {};
    if (cpuProfileFile) await viewPage.startCpuProfile(cdp);
    for (let i = 0; i < actions; i++) {
      const [done, cpuMs] = await cpuStep(runActionInPage, i);
      (session[done.name] ??= []).push({ ...done, cpuMs });
    }
    if (cpuProfileFile)
      viewPage.writeCpuProfileAndTop((await cdp.send('Profiler.stop')).profile, `${cpuProfileFile}.session.cpuprofile`, 'session CPU profile');
    const [pace, paceCpuMs] = await step(paceInPage);
    const heap = await heapMb();
    await cdp.detach();
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    return { parseMs, parseCpuMs, remembered, rememberedCpuMs, chosen, chosenCpuMs, session, pace, paceCpuMs, heapMb: heap };
  } finally {
    await page.close();
  }
}

const times = (ratio) => `${ratio >= 10 ? ratio.toFixed(0) : ratio.toPrecision(2)}×`;
const verdict = (value, target) => `${ms(value)} ${value < target ? 'MET' : 'NOT MET'} (target < ${target.toFixed(target < 100 ? 1 : 0)} ms)`;

/** Prints one page's figures (medians over runs); returns what the verdict needs. */
function printRuns(label, results) {
  const med = (figure) => median(results.map(figure));
  const parse = med((r) => r.parseMs);
  console.log(`\n[${label}]${results.length > 1 ? ` median of ${results.length} runs` : ''}`);
  console.log(`JSON.parse              ${ms(parse)}  (CPU ${ms(med((r) => r.parseCpuMs))})`);
  const remembered = med((r) => r.remembered.paintedAfterMs);
  const chosen = med((r) => r.chosen.paintedAfterMs);
  console.log(
    `first paint, remembered ${ms(remembered)} (${times(remembered / parse)} JSON.parse)  CPU ${ms(med((r) => r.rememberedCpuMs))}  (show message to the graph drawn: parse, model, call tree, flame; ${results[0].remembered.fills} fills)`,
  );
  console.log(
    `first paint, tab chosen ${ms(chosen)} (${times(chosen / parse)} JSON.parse)  CPU ${ms(med((r) => r.chosenCpuMs))}  (click on the tab to the graph drawn: flame model, layout, draw; ${results[0].chosen.fills} fills)`,
  );
  // Wall-clock times stretch with the machine's load (a thread waits for a core); CPU times
  // much less: the verdict reads both.
  let worst = 0;
  let worstCpu = 0;
  let over = 0;
  for (const name of Object.keys(results[0].session)) {
    const figures = (figure) => {
      const spreads = results.map((r) => spread(r.session[name].map(figure)));
      return { median: median(spreads.map((w) => w.median)), p95: median(spreads.map((w) => w.p95)), max: Math.max(...spreads.map((w) => w.max)) };
    };
    const wall = figures((i) => i.workMs);
    const cpu = figures((i) => i.cpuMs);
    const handler = figures((i) => i.handlerMs);
    const overFrame = med((r) => r.session[name].filter((i) => i.workMs > FRAME_MS).length);
    worst = Math.max(worst, wall.max);
    worstCpu = Math.max(worstCpu, cpu.max);
    over += overFrame;
    console.log(
      `${name.padEnd(34)} ×${String(results[0].session[name].length).padEnd(3)} median ${ms(wall.median)}, p95 ${ms(wall.p95)}, max ${ms(wall.max)}, ${overFrame} over one frame (handler median ${ms(handler.median)}); CPU median ${ms(cpu.median)}, max ${ms(cpu.max)}`,
    );
  }
  const pace = spread(results.flatMap((r) => r.pace));
  const slow = med((r) => r.pace.filter((p) => p > FRAME_MS * 1.5).length);
  console.log(
    `scrolling every frame: frame to frame median ${ms(pace.median)}, p95 ${ms(pace.p95)}, max ${ms(pace.max)}; ${slow} of ${results[0].pace.length} frames late (> 1.5 frames); CPU ${ms(med((r) => r.paceCpuMs / r.pace.length))} a frame`,
  );
  console.log(`heap after GC ${med((r) => r.heapMb).toFixed(1)} MB`);
  // Over every interaction of the first run: a loaded machine's preemptions land in the max.
  const all = (figure) => spread(Object.values(results[0].session).flatMap((list) => list.map(figure))).p95;
  const p95 = all((i) => i.workMs);
  const p95Cpu = all((i) => i.cpuMs);
  return { remembered, chosen, worst, worstCpu, over, p95, p95Cpu };
}

const dir = mkdtempSync(join(tmpdir(), 'rp-flame-tab-bench-'));
let server;
let browser;
try {
  const profiles = [
    { name: 'sampled', id: 'bench-sampled', text: makeSampledProfileText(frameCount), about: `sampled, ~${frameCount} flame frames (makeSampledProfile.mjs)` },
    { name: 'cprofile', id: 'bench', text: makeLargeProfileText(20_000, 100_000), about: 'cProfile, 20,000 functions, 100,000 edges (makeLargeProfile.mjs)' },
    {
      name: 'cprofile-shared-chain',
      id: 'bench-shared-chain',
      text: makeSharedChainText(),
      about: 'cProfile, 3,000 callers of one 34-deep chain: ~105,000 flame frames apportioned by the call tree (makeSharedChainProfile.mjs)',
    },
  ];
  const variants = [{ label: 'this tree', path: 'current' }];
  if (compareRef) variants.push({ label: compareRef, path: 'compare' });
  for (const variant of variants) {
    const pageDir = join(dir, variant.path);
    let sourceRoot;
    if (variant.path === 'compare') {
      sourceRoot = join(dir, 'sources');
      mkdirSync(sourceRoot, { recursive: true });
      viewPage.checkOutRevision(compareRef, sourceRoot);
    }
    for (const profile of profiles) {
      mkdirSync(join(pageDir, profile.name), { recursive: true });
      // Readable names and lines in a CPU profile.
      await viewPage.buildProfileViewPage(join(pageDir, profile.name), { sourceRoot, minify: !cpuProfileArg, extraScript: TIMING_SCRIPT });
      writeFileSync(join(pageDir, profile.name, 'profile.rprof.json'), profile.text);
    }
  }
  server = await viewPage.serve(dir);
  const origin = `http://127.0.0.1:${server.address().port}`;
  browser = await launchChromium();
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(' ');
  console.log(`headless Chromium, viewport 1400×900; machine: ${cpus().length} cores, load average ${load()}`);
  const verdicts = [];
  for (const profile of profiles) {
    console.log(`\n== ${profile.about}, ${(profile.text.length / 1e6).toFixed(1)} MB`);
    const results = variants.map(() => []);
    for (let run = 0; run < runs; run++) {
      for (const [i, variant] of variants.entries()) {
        const cpuProfileFile = cpuProfileArg && run === 0 && i === 0 ? `${cpuProfileArg.replace(/\.cpuprofile$/, '')}.${profile.name}` : undefined;
        results[i].push(await measureOnce(browser, `${origin}/${variant.path}/${profile.name}/index.html`, profile.id, false, cpuProfileFile));
      }
    }
    const printed = variants.map((variant, i) => printRuns(`${profile.name}: ${variant.label}`, results[i]));
    const { remembered, chosen, worst, worstCpu, over, p95, p95Cpu } = printed[0];
    verdicts.push(
      `${profile.name}: first paint remembered ${verdict(remembered, FIRST_PAINT_TARGET_MS)}, tab chosen ${verdict(chosen, FIRST_PAINT_TARGET_MS)}; ` +
        `interactions p95 ${verdict(p95, FRAME_MS)}, slowest ${verdict(worst, FRAME_MS)} (${over} over one frame); in CPU p95 ${verdict(p95Cpu, FRAME_MS)}, slowest ${ms(worstCpu)}` +
        (printed[1]
          ? `; before (${compareRef}): remembered ${ms(printed[1].remembered)}, chosen ${ms(printed[1].chosen)}, slowest ${ms(printed[1].worst)} (CPU ${ms(printed[1].worstCpu)})`
          : ''),
    );
  }
  console.log(`\nverdict against the targets (this tree; load average now ${load()}):`);
  for (const line of verdicts) console.log(`  ${line}`);
} finally {
  await browser?.close();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
}
