// Generates a large sampled profile (engine = sample) for benchmarks: a long request (a report
// export, say) whose stacks make a flame graph of about `frameCount` frames (default 120,000).
// Shaped like a framework request: a spine of framework frames down to the view, then the
// view's work fanning out into ORM, template and serialisation code of a few thousand
// functions in real-looking packages, files and names, stacks from a dozen to a hundred-odd
// frames deep, a few recursions, and times that follow the usual skew (a few hot paths, a long
// tail of paths sampled once). The function and edge tables come from the stacks as the
// middleware adds them up (sampledTables.mjs).
//
//   node test/support/makeSampledProfile.mjs [frames]   writes it to a temp file, prints the path
//
// Deterministic: the same count gives the same profile (a seeded generator).
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededRandom } from './makeLargeProfile.mjs';
import { CONTAINER_PATHS, documentHeader, profileDocumentText } from './profileDocument.mjs';
import { sampledData } from './sampledTables.mjs';

const [SITE] = CONTAINER_PATHS.sitePackages;
const [STDLIB] = CONTAINER_PATHS.stdlib;

/** Packages and their modules, as files under site-packages, the standard library or the app. */
const PACKAGES = [
  ['app', '/srv/app/shop', ['views/orders', 'views/reports', 'services/pricing', 'services/export', 'models', 'serializers', 'templatetags/money']],
  [
    'django',
    `${SITE}/django`,
    [
      'core/handlers/base',
      'db/models/query',
      'db/models/sql/compiler',
      'db/backends/utils',
      'template/base',
      'template/loader_tags',
      'utils/functional',
      'middleware/common',
      'dispatch/dispatcher',
    ],
  ],
  ['rest_framework', `${SITE}/rest_framework`, ['views', 'serializers', 'fields', 'renderers', 'relations']],
  ['psycopg2', `${SITE}/psycopg2`, ['extensions', 'extras', '_json']],
  ['jinja2', `${SITE}/jinja2`, ['environment', 'runtime', 'filters', 'utils']],
  ['openpyxl', `${SITE}/openpyxl`, ['workbook/workbook', 'worksheet/worksheet', 'cell/cell', 'styles/stylesheet', 'writer/excel']],
  ['json', `${STDLIB}/json`, ['encoder', 'decoder']],
  ['re', `${STDLIB}/re`, ['__init__', '_compiler', '_parser']],
  ['decimal', STDLIB, ['_pydecimal']],
  ['logging', `${STDLIB}/logging`, ['__init__', 'handlers']],
];
const VERBS = [
  'get',
  'build',
  'render',
  'resolve',
  'execute',
  'fetch',
  'iterate',
  'to_representation',
  'compile',
  'format',
  'quantize',
  'write',
  'encode',
  'apply',
  'validate',
  'clean',
  'dispatch',
  'load',
];
const NOUNS = [
  'queryset',
  'row',
  'cell',
  'field',
  'context',
  'node',
  'sql',
  'value',
  'style',
  'chunk',
  'item',
  'price',
  'order',
  'filter',
  'response',
  'attribute',
  'template',
  'result',
];
const FUNCTIONS_PER_MODULE = 40;
/** Frames of the framework's request handling above the view: one path, every sample passes through it. */
const SPINE = 12;

/** The functions: each module's share, named verb_noun, in a class now and then. */
function makeFunctions(random) {
  const functions = [];
  const byPackage = [];
  for (const [name, folder, modules] of PACKAGES) {
    const members = [];
    for (const module of modules) {
      for (let i = 0; i < FUNCTIONS_PER_MODULE; i++) {
        const fn = `${VERBS[Math.floor(random() * VERBS.length)]}_${NOUNS[Math.floor(random() * NOUNS.length)]}${i > 20 ? `_${i}` : ''}`;
        const owner =
          random() < 0.5
            ? `${module
                .split('/')
                .pop()
                .replace(/^_+/, '')
                .replace(/^./, (c) => c.toUpperCase())}${i % 7}`
            : null;
        members.push(functions.length);
        functions.push({
          file: `${folder}/${module}.py`,
          line: 1 + ((functions.length * 53) % 1800),
          name: fn,
          qualname: owner ? `${owner}.${fn}` : fn,
          cc: 0,
          nc: 0,
          tt: 0,
          ct: 0,
        });
      }
    }
    byPackage.push({ name, members });
  }
  for (const builtin of [
    'len',
    'isinstance',
    'getattr',
    'sorted',
    'method append of list objects',
    'method join of str objects',
    'method execute of psycopg2 cursor objects',
  ]) {
    functions.push({ file: '~', line: 0, name: `<built-in method ${builtin}>`, qualname: null, cc: 0, nc: 0, tt: 0, ct: 0 });
  }
  return { functions, byPackage, builtins: functions.length - 7 };
}

/**
 * The stacks: a tree of calls grown from the spine down, each frame's time split among its
 * callees (one usually takes most) and kept as its own where it stops. The heaviest frame
 * grows next, until there are `frameCount` frames: the rest stop where they are, so what is
 * left out is the lightest paths' depths, as a sampler misses them.
 */
function makeStacks(frameCount, seed) {
  const { functions, byPackage, builtins } = makeFunctions(seededRandom(seed));
  const random = seededRandom(seed + 1);
  const packageOf = new Map();
  byPackage.forEach(({ members }, p) => members.forEach((f) => packageOf.set(f, p)));
  const calleeOf = (caller, depth, taken) => {
    for (;;) {
      const r = random();
      let fn;
      if (r < 0.08 && depth > SPINE + 3) fn = builtins + Math.floor(random() * (functions.length - builtins));
      else {
        const own = packageOf.get(caller);
        const p = own !== undefined && r < 0.7 ? own : Math.floor(random() * byPackage.length);
        const { members } = byPackage[p];
        fn = members[Math.floor(random() * members.length)];
      }
      // Recursion now and then (a template's include, a serializer's nested fields).
      if (random() < 0.01) fn = caller;
      if (!taken.has(fn)) return fn;
    }
  };
  const totalSamples = 60_000;
  const stacks = [];
  const addStack = (path, seconds) => {
    const samples = Math.max(1, Math.round(seconds * totalSamples));
    stacks.push([path, path.map((f) => functions[f].line + 3), false, samples * 0.001, samples * 0.0009, samples]);
  };
  const spine = Array.from({ length: SPINE }, (_, i) => byPackage[1].members[i * 3]);
  const pending = new HeaviestFirst();
  pending.push(spine, 1);
  let frames = SPINE;
  while (pending.size > 0) {
    const [path, share] = pending.pop();
    const caller = path[path.length - 1];
    // Built-ins call nothing; deeper frames stop more often (most stacks end 35 to 120 deep).
    const stops = frames >= frameCount || caller >= builtins || path.length >= 120 || random() < (path.length - 35) / 120;
    const own = stops ? share : share * (random() < 0.9 ? 0 : random() * 0.3);
    if (own > 0) addStack(path, own);
    const rest = share - own;
    if (rest <= 0) continue;
    // The view's first levels call many things (a loop over rows, each rendered and priced).
    const r = path.length < SPINE + 6 ? random() * 0.9 + 0.1 : random();
    const count = r < 0.8 ? 1 : r < 0.93 ? 2 : r < 0.98 ? 3 + Math.floor(random() * 2) : 5 + Math.floor(random() * 6);
    const weights = Array.from({ length: count }, () => Math.pow(random(), 3));
    weights[0] += weights.reduce((a, b) => a + b, 0) * (1 + 3 * random());
    const sum = weights.reduce((a, b) => a + b, 0);
    const taken = new Set();
    for (const weight of weights) {
      const fn = calleeOf(caller, path.length, taken);
      taken.add(fn);
      frames++;
      pending.push([...path, fn], (rest * weight) / sum);
    }
  }
  return { functions, stacks };
}

/** A binary heap of (path, share), the largest share out first. */
class HeaviestFirst {
  paths = [];
  shares = [];
  get size() {
    return this.shares.length;
  }
  push(path, share) {
    let at = this.shares.length;
    this.paths.push(path);
    this.shares.push(share);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (this.shares[parent] >= this.shares[at]) break;
      this.swap(at, parent);
      at = parent;
    }
  }
  pop() {
    const top = [this.paths[0], this.shares[0]];
    const last = this.shares.length - 1;
    this.swap(0, last);
    this.paths.pop();
    this.shares.pop();
    for (let at = 0; ;) {
      const left = 2 * at + 1;
      let largest = at;
      if (left < last && this.shares[left] > this.shares[largest]) largest = left;
      if (left + 1 < last && this.shares[left + 1] > this.shares[largest]) largest = left + 1;
      if (largest === at) break;
      this.swap(at, largest);
      at = largest;
    }
    return top;
  }
  swap(a, b) {
    [this.paths[a], this.paths[b]] = [this.paths[b], this.paths[a]];
    [this.shares[a], this.shares[b]] = [this.shares[b], this.shares[a]];
  }
}

/** The profile part: functions, edges and stacks, as the middleware writes a sampled profile. */
export function makeSampledProfileData(frameCount = 120_000, seed = 11) {
  const { functions, stacks } = makeStacks(frameCount, seed);
  const data = sampledData(functions, stacks);
  data.notes = ['generated by test/support/makeSampledProfile.mjs'];
  return data;
}

/** A whole profile document (version 2, engine sample), laid out as the middleware writes it. */
export function makeSampledProfileText(frameCount = 120_000) {
  const profile = makeSampledProfileData(frameCount);
  const sampledMs = profile.sampling.sampledMs;
  const header = documentHeader(profile, {
    id: 'bench-sampled',
    engine: 'sample',
    wallMs: sampledMs + 5,
    cpuMs: sampledMs * 0.9,
    profiledMs: sampledMs,
    path: '/reports/export',
  });
  return profileDocumentText(header, profile, CONTAINER_PATHS).replace('"version":1,', '"version":2,');
}

// Run as a script (benchmarks import it).
if (process.argv[1]?.endsWith('makeSampledProfile.mjs')) {
  const frames = Number(process.argv[2]) || undefined;
  const path = join(tmpdir(), `request-profiler-bench-sampled-${frames ?? 120_000}.rprof.json`);
  writeFileSync(path, makeSampledProfileText(frames));
  console.log(path);
}
