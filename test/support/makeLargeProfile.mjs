// Generates a large, realistic request profile for benchmarks: by default 20,000 functions
// and 100,000 caller→callee edges, shaped like a framework request (one entry point, 60
// levels of calls, most functions in library packages that mostly call themselves, app code
// called back from libraries now and then, built-ins called from everywhere, a few hundred
// recursive calls) and with times that add up the way cProfile's do.
//
//   node test/support/makeLargeProfile.mjs [functions] [edges]   writes it to a temp file, prints the path
//
// Deterministic: the same counts give the same profile (a seeded generator).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTAINER_PATHS, documentHeader, profileDocumentText } from './profileDocument.mjs';

/**
 * mulberry32: a small seeded generator, so every run benchmarks the same profile (and the
 * fuzz tests reproduce their failures).
 */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LEVELS = 60;
const PACKAGES = 23;
const STDLIB_MODULES = 11;
const [SITE] = CONTAINER_PATHS.sitePackages;
const [STDLIB] = CONTAINER_PATHS.stdlib;

function kindOf(random) {
  const r = random();
  if (r < 0.2) return 'app';
  if (r < 0.7) return 'library';
  if (r < 0.9) return 'stdlib';
  return 'builtin';
}

/** Package of a library function, module of a stdlib one; app code is one package. */
function groupOf(kind, random) {
  if (kind === 'library') return Math.floor(random() * PACKAGES);
  if (kind === 'stdlib') return Math.floor(random() * STDLIB_MODULES);
  return 0;
}

function fileOf(kind, group, i) {
  const module = i % 41;
  switch (kind) {
    case 'app':
      return `/srv/app/shop/module_${module}.py`;
    case 'library':
      return `${SITE}/package_${group}/module_${module}.py`;
    case 'stdlib':
      return `${STDLIB}/lib_${group}/module_${module}.py`;
    default:
      return '~';
  }
}

/**
 * What a function of each kind calls, as in real call graphs: code calls mostly code of its
 * own package; libraries call back into the app rarely (views, signals, template tags),
 * the standard library more rarely still; everyone calls built-ins.
 */
const CALLEE_KINDS = {
  app: [
    ['app', 0.45],
    ['library', 0.3],
    ['stdlib', 0.1],
    ['builtin', 0.15],
  ],
  library: [
    ['library', 0.77],
    ['stdlib', 0.08],
    ['builtin', 0.15],
  ],
  stdlib: [
    ['stdlib', 0.8],
    ['builtin', 0.2],
  ],
  // The few library and stdlib functions that call back into the app (view dispatch,
  // signals, template tags, json's default=, sorted's key=).
  dispatcher: [
    ['app', 0.4],
    ['library', 0.4],
    ['builtin', 0.2],
  ],
};
/** Share of library / stdlib functions that call app code. */
const DISPATCHERS = 0.03;
const SAME_PACKAGE = 0.85;
/** The first levels are the framework's request handling: each passes most of its time on. */
const SPINE_LEVELS = 12;

/** The profile part: functions with levels, then edges, then times flowing down the levels. */
export function makeLargeProfileData(functionCount = 20_000, edgeCount = 100_000, seed = 4) {
  const random = seededRandom(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const kinds = [];
  const groups = [];
  const levels = [];
  // byLevel[level][kind][group]: candidates for a callee; all[level]: every function there.
  const byLevel = Array.from({ length: LEVELS }, () => ({ all: [], app: [[]], library: [], stdlib: [] }));
  const builtins = [];
  for (let i = 0; i < functionCount; i++) {
    const kind = i === 0 ? 'library' : kindOf(random);
    const group = groupOf(kind, random);
    // Level 0 holds only the entry point; deeper levels hold more functions (calls fan out).
    const level = i === 0 ? 0 : 1 + Math.floor(Math.sqrt(random()) * (LEVELS - 1));
    kinds.push(kind);
    groups.push(group);
    levels.push(level);
    if (kind === 'builtin') {
      builtins.push(i);
      continue;
    }
    const slot = byLevel[level];
    slot.all.push(i);
    (slot[kind][group] ??= []).push(i);
  }
  const nonEmpty = (level) => {
    for (let l = level; l >= 0; l--) if (byLevel[l].all.length) return byLevel[l].all;
    return byLevel[0].all;
  };
  const dispatchers = new Set(byLevel.flatMap((slot) => slot.all).filter((f) => f === 0 || (kinds[f] !== 'app' && random() < DISPATCHERS)));
  /** Who may call a function of this kind (see CALLEE_KINDS), nearest level above first. */
  const mayCall = (caller, kind) => {
    if (kind === 'builtin' || dispatchers.has(caller)) return true;
    if (kind === 'app') return kinds[caller] === 'app';
    if (kind === 'library') return kinds[caller] !== 'stdlib';
    return true;
  };
  const callerAbove = (level, kind) => {
    for (let l = level - 1; l >= 0; l--) {
      const candidates = byLevel[l].all.filter((f) => mayCall(f, kind));
      if (candidates.length) return pick(candidates);
    }
    return 0;
  };

  const edges = new Map(); // caller * functionCount + callee -> [caller, callee, recursive]
  const addEdge = (caller, callee, recursive = false) => {
    const key = caller * functionCount + callee;
    if (edges.has(key)) return false;
    edges.set(key, [caller, callee, recursive]);
    return true;
  };
  // Everyone is called by someone above it, so every function is reachable from the entry.
  for (let i = 1; i < functionCount; i++) {
    const level = kinds[i] === 'builtin' ? 1 + Math.floor(random() * (LEVELS - 1)) : levels[i];
    addEdge(callerAbove(level, kinds[i]), i);
  }
  // A few hundred recursive calls: back to the same function or one a level or two up.
  const recursiveCount = Math.min(300, Math.floor(edgeCount / 300));
  for (let n = 0; n < recursiveCount; n++) {
    const caller = pick(nonEmpty(2 + Math.floor(random() * (LEVELS - 3))));
    const callee = random() < 0.5 ? caller : pick(nonEmpty(Math.max(1, levels[caller] - 1 - Math.floor(random() * 2))));
    addEdge(caller, callee, true);
  }
  // The rest: callees a level down (sometimes a few), of a kind and package that suit the
  // caller. Callers are picked with a skew: some call dozens of functions, most a few.
  const callers = byLevel.slice(0, LEVELS - 1).flatMap((slot) => slot.all);
  for (let i = callers.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [callers[i], callers[j]] = [callers[j], callers[i]];
  }
  const chooseKind = (caller) => {
    let r = random();
    for (const [callee, p] of CALLEE_KINDS[dispatchers.has(caller) ? 'dispatcher' : kinds[caller]]) if ((r -= p) < 0) return callee;
    return 'builtin';
  };
  while (edges.size < edgeCount) {
    const caller = callers[Math.floor(Math.pow(random(), 1.6) * callers.length)];
    const kind = chooseKind(caller);
    if (kind === 'builtin') {
      addEdge(caller, pick(builtins));
      continue;
    }
    const level = Math.min(LEVELS - 1, levels[caller] + (random() < 0.8 ? 1 : 2 + Math.floor(random() * 4)));
    const packages = byLevel[level][kind];
    const group = kind === kinds[caller] && random() < SAME_PACKAGE ? groups[caller] : Math.floor(random() * packages.length);
    const candidates = packages[group];
    if (candidates?.length) addEdge(caller, pick(candidates));
  }

  // Times flow down the levels: a function's cumulative time is what its callers pass it; it
  // keeps some as own time and passes the rest to its callees in skewed proportions (often
  // one callee takes most: the hot path). Built-ins come last: callers at every level.
  const outgoing = Array.from({ length: functionCount }, () => []);
  for (const e of edges.values()) outgoing[e[0]].push(e);
  const ct = new Float64Array(functionCount);
  const tt = new Float64Array(functionCount);
  const edgeCt = new Map();
  ct[0] = 1.5; // seconds
  const order = [...byLevel.flatMap((slot) => slot.all), ...builtins];
  for (const f of order) {
    const forward = outgoing[f].filter((e) => !e[2]);
    const spine = levels[f] < SPINE_LEVELS;
    tt[f] = forward.length ? ct[f] * (spine ? 0.01 + random() * 0.04 : 0.05 + random() * 0.4) : ct[f];
    const weights = forward.map(() => Math.pow(random(), 4));
    if (forward.length > 1 && (spine || random() < 0.7)) {
      // One callee takes most: the framework's chain of handlers down to the view, and the
      // dominant call a view makes (render, query...).
      const others = weights.reduce((a, b) => a + b, 0);
      // Usually a function that calls on (a view, a render), not a leaf like len().
      const callsOn = forward.map((e, k) => k).filter((k) => outgoing[forward[k][1]].length > 0);
      const dominant = callsOn.length && random() < 0.9 ? pick(callsOn) : Math.floor(random() * forward.length);
      weights[dominant] += others * (spine ? 4 + 4 * random() : 1 + 3 * random());
    }
    const sum = weights.reduce((a, b) => a + b, 0);
    forward.forEach((e, k) => {
      const share = (ct[f] - tt[f]) * (weights[k] / sum);
      edgeCt.set(e, share);
      ct[e[1]] += share;
    });
  }
  for (const e of edges.values()) if (e[2]) edgeCt.set(e, ct[e[1]] * 0.3);

  const calls = new Float64Array(functionCount);
  const edgeList = [];
  for (const e of edges.values()) {
    const nc = 1 + Math.floor(Math.pow(random(), 3) * 50);
    calls[e[1]] += nc;
    edgeList.push([e[0], e[1], e[2] ? 0 : nc, nc, edgeCt.get(e) * 0.5, edgeCt.get(e)]);
  }
  edgeList.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const functions = kinds.map((kind, i) => ({
    file: fileOf(kind, groups[i], i),
    line: kind === 'builtin' ? 0 : 1 + ((i * 37) % 2000),
    name: kind === 'builtin' ? `<built-in method builtins.fn_${i}>` : `func_${i}`,
    qualname: kind === 'builtin' ? null : `Class_${i % 301}.func_${i}`,
    cc: Math.max(1, calls[i]),
    nc: Math.max(1, calls[i]),
    tt: tt[i],
    ct: ct[i],
  }));
  return { functions, edges: edgeList, notes: ['generated by test/support/makeLargeProfile.mjs'] };
}

/** A whole profile document, laid out as the middleware writes it (header on the first line). */
export function makeLargeProfileText(functionCount, edgeCount) {
  const profile = makeLargeProfileData(functionCount, edgeCount);
  const header = documentHeader(profile, { id: 'bench', wallMs: 1600, cpuMs: 1550, profiledMs: 1500, path: '/bench' });
  return profileDocumentText(header, profile, CONTAINER_PATHS);
}

/** Writes the profile to a temp file and returns its path. */
export function writeLargeProfile(functionCount = 20_000, edgeCount = 100_000) {
  const path = join(tmpdir(), `request-profiler-bench-${functionCount}x${edgeCount}.rprof.json`);
  writeFileSync(path, makeLargeProfileText(functionCount, edgeCount));
  return path;
}

// Run as a script (benchmarks that bundle this module only import it).
if (process.argv[1]?.endsWith('makeLargeProfile.mjs')) {
  const [functions, edges] = process.argv.slice(2).map(Number);
  console.log(writeLargeProfile(functions || undefined, edges || undefined));
}
