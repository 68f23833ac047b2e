/**
 * An aggregate profile: several requests' profiles merged into one document that every view
 * opens like a single request's. cProfile data is summed as pstats' Stats.add does: a function
 * is its (file, line, name), and its calls and times, and those of each caller→callee pair, are
 * added up. Sampled profiles are summed the same way, and so are their stacks (a stack is its
 * frames' functions, its lines and whether it was awaiting).
 *
 * What cannot be merged soundly is refused with the reason: cProfile and sampled profiles
 * measure different things (calls against samples). Requests served unprofiled add nothing
 * and are left out, and counted.
 *
 * Numbers in the aggregate are sums; the document's `aggregate.requests` divides them into a
 * per-request mean, and its notes say so.
 */
import {
  PROFILE_FORMAT,
  PROFILE_VERSION,
  SAMPLED_PROFILE_VERSION,
  type ProfileDocument,
  type ProfileEngine,
  type ProfiledEdge,
  type ProfiledFunction,
  type SampledStack,
  type SamplingStats,
} from './profileFormat';

export type MergeResult = { ok: true; document: ProfileDocument } | { ok: false; reason: string };

/** What each profile's functions become in the merged list. */
type IndexMap = Int32Array;

/** (file, line, name): pstats' key. NUL cannot occur in a file name or a Python identifier. */
function functionKey(fn: ProfiledFunction): string {
  return `${fn.file}\0${fn.line}\0${fn.name}`;
}

export function mergeProfiles(documents: readonly ProfileDocument[]): MergeResult {
  const profiled = documents.filter((d) => d.header.profiled);
  const skipped = documents.length - profiled.length;
  if (profiled.length === 0) {
    return { ok: false, reason: documents.length === 0 ? 'No profiles to merge.' : `None of the ${documents.length} requests was profiled: nothing to merge.` };
  }
  const engines = new Set<ProfileEngine>(profiled.map((d) => d.profile.engine ?? 'cprofile'));
  if (engines.size > 1) {
    return {
      ok: false,
      reason: 'cProfile and sampled profiles cannot be merged: one counts calls, the other samples. Select profiles of one engine.',
    };
  }
  const engine: ProfileEngine = engines.has('sample') ? 'sample' : 'cprofile';

  const functions: ProfiledFunction[] = [];
  const functionIndex = new Map<string, number>();
  // Indexed loops throughout: destructuring and forEach cost a call or an iterator per item,
  // and an endpoint's 1,000 profiles hold millions of items (bench/aggregate.bench.mjs).
  const maps: IndexMap[] = profiled.map((document) => {
    const list = document.profile.functions;
    const map = new Int32Array(list.length);
    for (let i = 0; i < list.length; i++) {
      const fn = list[i];
      const key = functionKey(fn);
      let at = functionIndex.get(key);
      if (at === undefined) {
        at = functions.length;
        functionIndex.set(key, at);
        functions.push({ file: fn.file, line: fn.line, name: fn.name, qualname: fn.qualname, cc: 0, nc: 0, tt: 0, ct: 0 });
      }
      const merged = functions[at];
      merged.qualname ??= fn.qualname;
      merged.cc += fn.cc;
      merged.nc += fn.nc;
      merged.tt += fn.tt;
      merged.ct += fn.ct;
      map[i] = at;
    }
    return map;
  });

  const edges: ProfiledEdge[] = [];
  const edgeIndex = new Map<number, number>();
  const count = functions.length;
  for (let d = 0; d < profiled.length; d++) {
    const map = maps[d];
    const list = profiled[d].profile.edges;
    for (let i = 0; i < list.length; i++) {
      const raw = list[i];
      const from = map[raw[0]];
      const to = map[raw[1]];
      // Exact as a double while count² < 2^53: 94 million functions.
      const key = from * count + to;
      const at = edgeIndex.get(key);
      if (at === undefined) {
        edgeIndex.set(key, edges.length);
        edges.push([from, to, raw[2], raw[3], raw[4], raw[5]]);
      } else {
        const edge = edges[at];
        edge[2] += raw[2];
        edge[3] += raw[3];
        edge[4] += raw[4];
        edge[5] += raw[5];
      }
    }
  }

  const first = profiled[0];
  const header = mergedHeader(profiled, functions.length, edges.length, engine);
  const requests = profiled.length;
  const notes = [
    `aggregate of ${requests} request${requests === 1 ? '' : 's'}: every number is a sum over them; divide by ${requests} for the mean per request`,
  ];
  if (skipped > 0) notes.push(`${skipped} request${skipped === 1 ? ' was' : 's were'} served unprofiled and left out`);
  const profileNotes = new Set(profiled.flatMap((d) => d.profile.notes));
  notes.push(...profileNotes);
  const document: ProfileDocument = {
    format: PROFILE_FORMAT,
    version: engine === 'sample' ? SAMPLED_PROFILE_VERSION : PROFILE_VERSION,
    header,
    request: { method: header.method, path: header.path, query: '', scheme: first.request.scheme, host: first.request.host, remoteAddr: null, headers: [] },
    response: { status: null, statusLine: null, headers: [], contentType: null, contentLength: null, bytesSent: header.bytesSent },
    environ: {},
    error: null,
    python: first.python,
    paths: {
      cwd: first.paths.cwd,
      stdlib: union(profiled.map((d) => d.paths.stdlib)),
      sitePackages: union(profiled.map((d) => d.paths.sitePackages)),
      prefixes: union(profiled.map((d) => d.paths.prefixes)),
    },
    profile: { functions, edges, notes },
    aggregate: { requests, ids: profiled.map((d) => d.header.id), skipped },
  };
  if (engine === 'sample') {
    document.profile.engine = 'sample';
    document.profile.stacks = mergedStacks(profiled, maps);
    document.profile.sampling = mergedSampling(profiled, document.profile.stacks.length);
  }
  return { ok: true, document };
}

/** The common value of every profile, or what to show when they differ. */
function common<T>(values: readonly T[], differ: T): T {
  return values.every((v) => v === values[0]) ? values[0] : differ;
}

function mergedHeader(documents: readonly ProfileDocument[], functionCount: number, edgeCount: number, engine: ProfileEngine): ProfileDocument['header'] {
  const headers = documents.map((d) => d.header);
  const sum = (pick: (h: ProfileDocument['header']) => number) => headers.reduce((total, h) => total + pick(h), 0);
  const errors = headers.filter((h) => h.error !== null).length;
  const header: ProfileDocument['header'] = {
    id: `aggregate-${headers.length}-${headers[0].id}`,
    start: Math.min(...headers.map((h) => h.start)),
    wallMs: sum((h) => h.wallMs),
    cpuMs: sum((h) => h.cpuMs),
    profiledMs: sum((h) => h.profiledMs),
    interface: common(
      headers.map((h) => h.interface),
      headers[0].interface,
    ),
    profiled: true,
    skipReason: null,
    method: common(
      headers.map((h) => h.method),
      '*',
    ),
    path: common(
      headers.map((h) => h.path),
      `${headers.length} paths`,
    ),
    query: '',
    status: common(
      headers.map((h) => h.status),
      null,
    ),
    contentType: null,
    contentLength: null,
    bytesSent: sum((h) => h.bytesSent),
    pid: common(
      headers.map((h) => h.pid),
      0,
    ),
    threadId: 0,
    threadName: '',
    error: errors > 0 ? `${errors} of ${headers.length} raised` : null,
    functionCount,
    edgeCount,
  };
  if (engine === 'sample') header.engine = 'sample';
  return header;
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

function mergedStacks(documents: readonly ProfileDocument[], maps: readonly IndexMap[]): SampledStack[] {
  const stacks: SampledStack[] = [];
  const index = new Map<string, number>();
  documents.forEach((document, d) => {
    const map = maps[d];
    for (const [frames, lines, awaiting, wall, cpu, samples] of document.profile.stacks ?? []) {
      const merged = frames.map((f) => map[f]);
      const key = `${merged.join(',')}|${lines.join(',')}|${awaiting ? 1 : 0}`;
      const at = index.get(key);
      if (at === undefined) {
        index.set(key, stacks.length);
        stacks.push([merged, [...lines], awaiting, wall, cpu, samples]);
      } else {
        const stack = stacks[at];
        stack[3] += wall;
        stack[4] += cpu;
        stack[5] += samples;
      }
    }
  });
  return stacks.sort((a, b) => b[3] - a[3]);
}

/** Sums of what adds up; the rate and the interval as the samples' mean; the worst gap. */
function mergedSampling(documents: readonly ProfileDocument[], distinctStacks: number): SamplingStats {
  const all = documents.map((d) => d.profile.sampling!);
  const sum = (pick: (s: SamplingStats) => number) => all.reduce((total, s) => total + pick(s), 0);
  const samples = sum((s) => s.samples);
  const sampledMs = sum((s) => s.sampledMs);
  return {
    intervalMs: samples > 0 ? sum((s) => s.intervalMs * s.samples) / samples : all[0].intervalMs,
    samples,
    rateHz: sampledMs > 0 ? (samples / sampledMs) * 1000 : 0,
    maxGapMs: Math.max(...all.map((s) => s.maxGapMs)),
    sampledMs,
    cpuMs: all.every((s) => s.cpuMs !== null) ? sum((s) => s.cpuMs!) : null,
    unsampledTailMs: sum((s) => s.unsampledTailMs),
    unattributedMs: sum((s) => s.unattributedMs),
    overflowMs: sum((s) => s.overflowMs),
    distinctStacks,
  };
}
