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
  type ProfilePaths,
  type SampledStack,
  type SamplingStats,
} from './profileFormat';
import { formatMs } from './format';

export type MergeResult = { ok: true; document: ProfileDocument } | { ok: false; reason: string };

/** What each profile's functions become in the merged list. */
type IndexMap = Int32Array;

/** (file, line, name): pstats' key. NUL cannot occur in a file name or a Python identifier. */
function functionKey(fn: ProfiledFunction): string {
  return `${fn.file}\0${fn.line}\0${fn.name}`;
}

/**
 * A caller→callee pair's key is from * EDGE_KEY_LIMIT + to: exact as a double (2^26 · 2^26 <
 * 2^53) and fixed while functions are added one profile at a time. 67 million functions
 * would take tens of gigabytes before they reached it.
 */
const EDGE_KEY_LIMIT = 2 ** 26;

export interface MergeOptions {
  /**
   * What the header's path says the requests were: the endpoint's pattern ("/api/users/{id}"),
   * also when only /api/users/7 was profiled. Without it, their common path, or "3 paths".
   */
  path?: string;
}

/** mergeProfiles in one call, for documents already in memory. */
export function mergeProfiles(documents: readonly ProfileDocument[], options: MergeOptions = {}): MergeResult {
  const merger = new ProfileMerger(options);
  for (const document of documents) merger.add(document);
  return merger.result();
}

/**
 * Merges profiles one at a time, so a caller can read, add and drop each in turn (1,000
 * documents are never all in memory) and yield to the event loop between them. Each add is
 * final: result() may be called once, after the last.
 */
export class ProfileMerger {
  private readonly functions: ProfiledFunction[] = [];
  private readonly functionIndex = new Map<string, number>();
  private readonly edges: ProfiledEdge[] = [];
  private readonly edgeIndex = new Map<number, number>();
  private readonly stacks: SampledStack[] = [];
  private readonly stackIndex = new Map<string, number>();
  private readonly headers: ProfileDocument['header'][] = [];
  private readonly paths: ProfilePaths[] = [];
  private readonly samplings: SamplingStats[] = [];
  private readonly profileNotes = new Set<string>();
  private readonly engines = new Set<ProfileEngine>();
  private first: ProfileDocument | undefined;
  private added = 0;

  constructor(private readonly options: MergeOptions = {}) {}

  /** How many documents were added, profiled or not. */
  get count(): number {
    return this.added;
  }

  add(document: ProfileDocument): void {
    this.added++;
    if (!document.header.profiled) return;
    const engine = document.profile.engine ?? 'cprofile';
    this.engines.add(engine);
    // Mixed engines are refused by result(); adding more would only waste time.
    if (this.engines.size > 1) return;
    this.first ??= document;
    this.headers.push(document.header);
    this.paths.push(document.paths);
    for (const note of document.profile.notes) this.profileNotes.add(note);
    const map = this.addFunctions(document.profile.functions);
    this.addEdges(map, document.profile.edges);
    if (engine === 'sample') {
      this.addStacks(map, document.profile.stacks ?? []);
      this.samplings.push(document.profile.sampling!);
    }
  }

  // Indexed loops throughout: destructuring and forEach cost a call or an iterator per item,
  // and an endpoint's 1,000 profiles hold millions of items (bench/aggregate.bench.mjs).
  private addFunctions(list: readonly ProfiledFunction[]): IndexMap {
    const { functions, functionIndex } = this;
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
  }

  private addEdges(map: IndexMap, list: readonly ProfiledEdge[]): void {
    const { edges, edgeIndex } = this;
    for (let i = 0; i < list.length; i++) {
      const raw = list[i];
      const from = map[raw[0]];
      const to = map[raw[1]];
      const key = from * EDGE_KEY_LIMIT + to;
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

  private addStacks(map: IndexMap, list: readonly SampledStack[]): void {
    for (const [frames, lines, awaiting, wall, cpu, samples] of list) {
      const merged = frames.map((f) => map[f]);
      const key = `${merged.join(',')}|${lines.join(',')}|${awaiting ? 1 : 0}`;
      const at = this.stackIndex.get(key);
      if (at === undefined) {
        this.stackIndex.set(key, this.stacks.length);
        this.stacks.push([merged, [...lines], awaiting, wall, cpu, samples]);
      } else {
        const stack = this.stacks[at];
        stack[3] += wall;
        stack[4] += cpu;
        stack[5] += samples;
      }
    }
  }

  result(): MergeResult {
    const first = this.first;
    if (first === undefined) {
      const count = this.added;
      return { ok: false, reason: count === 0 ? 'No profiles to merge.' : `None of the ${count} requests was profiled: nothing to merge.` };
    }
    if (this.engines.size > 1) {
      return {
        ok: false,
        reason: 'cProfile and sampled profiles cannot be merged: one counts calls, the other samples. Select profiles of one engine.',
      };
    }
    const engine: ProfileEngine = this.engines.has('sample') ? 'sample' : 'cprofile';
    const { functions, edges, headers } = this;
    const requests = headers.length;
    const skipped = this.added - requests;
    const header = mergedHeader(headers, functions.length, edges.length, engine, this.options);
    const notes = [
      `aggregate of ${requests} request${requests === 1 ? '' : 's'}: every number is a sum over them; divide by ${requests} for the mean per request`,
    ];
    if (skipped > 0) notes.push(`${skipped} request${skipped === 1 ? ' was' : 's were'} served unprofiled and left out`);
    notes.push(...this.profileNotes);
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
        stdlib: union(this.paths.map((p) => p.stdlib)),
        sitePackages: union(this.paths.map((p) => p.sitePackages)),
        prefixes: union(this.paths.map((p) => p.prefixes)),
      },
      profile: { functions, edges, notes },
      aggregate: { requests, ids: headers.map((h) => h.id), skipped },
    };
    if (engine === 'sample') {
      document.profile.engine = 'sample';
      document.profile.stacks = this.stacks.sort((a, b) => b[3] - a[3]);
      document.profile.sampling = mergedSampling(this.samplings, this.stacks.length);
    }
    return { ok: true, document };
  }
}

/** The common value of every profile, or what to show when they differ. */
function common<T>(values: readonly T[], differ: T): T {
  return values.every((v) => v === values[0]) ? values[0] : differ;
}

function mergedHeader(
  headers: readonly ProfileDocument['header'][],
  functionCount: number,
  edgeCount: number,
  engine: ProfileEngine,
  options: MergeOptions,
): ProfileDocument['header'] {
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
    path: aggregatePath(headers, options),
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

/**
 * "/api/users/{id} · 37 requests · mean 12.4 ms": the profile view and the tabs show the
 * header's method and path, so the path says what the numbers are, and the mean per request.
 */
function aggregatePath(headers: readonly ProfileDocument['header'][], options: MergeOptions): string {
  const count = headers.length;
  const same = common<string | undefined>(
    headers.map((h) => h.path),
    undefined,
  );
  const what = options.path ?? same ?? `${count} paths`;
  const wallMs = headers.reduce((total, h) => total + h.wallMs, 0);
  return `${what} · ${count} request${count === 1 ? '' : 's'} · mean ${formatMs(wallMs / count)}`;
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** Sums of what adds up; the rate and the interval as the samples' mean; the worst gap. */
function mergedSampling(all: readonly SamplingStats[], distinctStacks: number): SamplingStats {
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
