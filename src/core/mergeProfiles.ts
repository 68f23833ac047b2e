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
import { PairNumbering } from './pairNumbering';
import { NUMBERS_PER_ITEM, ProfileDigester, type FunctionIdentity, type ProfileDigest, type ProfileSummary } from './profileDigest';

export type MergeResult = { ok: true; document: ProfileDocument } | { ok: false; reason: string };

/** What each profile's functions become in the merged list. */
type IndexMap = Int32Array;

/** (file, line, name): pstats' key. NUL cannot occur in a file name or a Python identifier. */
function functionKey(fn: FunctionIdentity): string {
  return `${fn.file}\0${fn.line}\0${fn.name}`;
}

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
 * Where digests come from (src/core/profileDigest.ts): one digester, in this thread or in a
 * worker, whose function and edge numbers this translates into the aggregate's. Its digests
 * must be added in the order it made them.
 */
export class DigestSource {
  private readonly functions: FunctionIdentity[] = [];
  /** Caller and callee of each of the digester's edges, as its function numbers. */
  private edgeEnds: Int32Array = new Int32Array(0);
  private edgeCount = 0;
  /** The aggregate's index of each of the digester's functions and edges; -1 until a merged profile has it. */
  private functionIndex: Int32Array = new Int32Array(0);
  private edgeIndex: Int32Array = new Int32Array(0);

  learn(digest: ProfileDigest): void {
    for (const fn of digest.newFunctions) this.functions.push(fn);
    this.functionIndex = withRoom(this.functionIndex, this.functions.length, -1);
    const ends = digest.newEdges;
    const edges = this.edgeCount + ends.length / 2;
    if (edges * 2 > this.edgeEnds.length) {
      const grown = new Int32Array(Math.max(edges * 2, this.edgeEnds.length * 2));
      grown.set(this.edgeEnds);
      this.edgeEnds = grown;
    }
    this.edgeEnds.set(ends, this.edgeCount * 2);
    this.edgeCount = edges;
    this.edgeIndex = withRoom(this.edgeIndex, edges, -1);
  }

  /** The aggregate's index of the digester's function `id`; `place` adds it to the aggregate when it is not there yet. */
  functionAt(id: number, place: (fn: FunctionIdentity) => number): number {
    let at = this.functionIndex[id];
    if (at < 0) {
      at = place(this.functions[id]);
      this.functionIndex[id] = at;
    }
    return at;
  }

  /** The aggregate's index of the digester's edge `id`; `place` adds it (its ends as aggregate indices) when it is not there yet. */
  edgeAt(id: number, place: (from: number, to: number) => number): number {
    let at = this.edgeIndex[id];
    if (at < 0) {
      // Its functions are in the aggregate already: those of the profile it is in were added first.
      at = place(this.functionIndex[this.edgeEnds[id * 2]], this.functionIndex[this.edgeEnds[id * 2 + 1]]);
      this.edgeIndex[id] = at;
    }
    return at;
  }
}

/** The table, or a larger copy, with room for `count` entries; new entries are `fill`. */
function withRoom<T extends Int32Array | Float64Array>(table: T, count: number, fill: number): T {
  if (count <= table.length) return table;
  const grown = new (table.constructor as new (length: number) => T)(Math.max(count, table.length * 2, 64));
  if (fill !== 0) grown.fill(fill);
  grown.set(table);
  return grown;
}

/**
 * Merges profiles one at a time, so a caller can read, add and drop each in turn (1,000
 * documents are never all in memory) and yield to the event loop between them. Each add is
 * final: result() may be called once, after the last.
 *
 * Profiles are added as documents (add), or as digests made elsewhere, a worker thread
 * (addDigest); a document is digested here first, so both ways run the same sums in the same
 * order and give the same aggregate, to the last bit of every time.
 */
export class ProfileMerger {
  /** Their numbers are 0 until result(): the sums are kept in functionSums. */
  private readonly functions: ProfiledFunction[] = [];
  /** Aggregate functions of two different digesters meet here: pstats' key, as a string. */
  private readonly functionIndex = new Map<string, number>();
  /** Their numbers are 0 until result(): the sums are kept in edgeSums. */
  private readonly edges: ProfiledEdge[] = [];
  /**
   * cc, nc, tt, ct of each function and edge, side by side in one array each: a profile's items
   * land anywhere in the aggregate, and one array is fewer cache misses than an object each.
   */
  private functionSums = new Float64Array(0);
  private edgeSums = new Float64Array(0);
  /** Edges of two different digesters meet here: (caller, callee) as aggregate indices → the edge's index. */
  private readonly edgeIndex = new PairNumbering();
  private readonly stacks: SampledStack[] = [];
  private readonly stackIndex = new Map<string, number>();
  private readonly headers: ProfileDocument['header'][] = [];
  private readonly paths: ProfilePaths[] = [];
  private readonly samplings: SamplingStats[] = [];
  private readonly profileNotes = new Set<string>();
  private readonly engines = new Set<ProfileEngine>();
  private readonly digester = new ProfileDigester();
  private readonly ownSource = new DigestSource();
  private readonly placeFunction = (fn: FunctionIdentity): number => {
    const key = functionKey(fn);
    let at = this.functionIndex.get(key);
    if (at === undefined) {
      at = this.functions.length;
      this.functionIndex.set(key, at);
      this.functions.push({ file: fn.file, line: fn.line, name: fn.name, qualname: null, cc: 0, nc: 0, tt: 0, ct: 0 });
    }
    return at;
  };
  private readonly placeEdge = (from: number, to: number): number => {
    const at = this.edgeIndex.numberOf(from, to);
    if (at === this.edges.length) this.edges.push([from, to, 0, 0, 0, 0]);
    return at;
  };
  private first: ProfileSummary | undefined;
  private added = 0;

  constructor(private readonly options: MergeOptions = {}) {}

  /** How many documents were added, profiled or not. */
  get count(): number {
    return this.added;
  }

  add(document: ProfileDocument): void {
    this.addDigest(this.ownSource, this.digester.digest(document));
  }

  /** Adds a profile digested by the source's digester (the next one it made). */
  addDigest(source: DigestSource, digest: ProfileDigest): void {
    // Before anything is left out: the source's later digests number these functions.
    source.learn(digest);
    this.added++;
    const { summary } = digest;
    if (!summary.header.profiled) return;
    this.engines.add(summary.engine);
    // Mixed engines are refused by result(); adding more would only waste time.
    if (this.engines.size > 1) return;
    this.first ??= summary;
    this.headers.push(summary.header);
    this.paths.push(summary.paths);
    for (const note of summary.notes) this.profileNotes.add(note);
    const map = this.addFunctions(source, digest);
    this.addEdges(source, digest);
    if (summary.engine === 'sample') {
      this.addStacks(map, digest.stacks ?? []);
      this.samplings.push(summary.sampling!);
    }
  }

  // Indexed loops throughout: destructuring and forEach cost a call or an iterator per item,
  // and an endpoint's 1,000 profiles hold millions of items (bench/aggregateOpen.bench.mjs).
  private addFunctions(source: DigestSource, digest: ProfileDigest): IndexMap {
    const { functions, placeFunction } = this;
    const { functionIds: ids, functionNumbers: numbers } = digest;
    // Room for all of them new, before placing any: `sums` stays the array added to.
    const sums = (this.functionSums = withRoom(this.functionSums, (functions.length + ids.length) * NUMBERS_PER_ITEM, 0));
    const map = new Int32Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      const at = source.functionAt(ids[i], placeFunction);
      const to = at * NUMBERS_PER_ITEM;
      const n = i * NUMBERS_PER_ITEM;
      sums[to] += numbers[n];
      sums[to + 1] += numbers[n + 1];
      sums[to + 2] += numbers[n + 2];
      sums[to + 3] += numbers[n + 3];
      map[i] = at;
    }
    // The first qualname known, in the order profiles are added, as `??=` per function would keep.
    for (const [i, qualname] of digest.qualnames) functions[map[i]].qualname ??= qualname;
    return map;
  }

  private addEdges(source: DigestSource, digest: ProfileDigest): void {
    const { placeEdge } = this;
    const { edgeIds: ids, edgeNumbers: numbers } = digest;
    const sums = (this.edgeSums = withRoom(this.edgeSums, (this.edges.length + ids.length) * NUMBERS_PER_ITEM, 0));
    for (let i = 0; i < ids.length; i++) {
      const to = source.edgeAt(ids[i], placeEdge) * NUMBERS_PER_ITEM;
      const n = i * NUMBERS_PER_ITEM;
      sums[to] += numbers[n];
      sums[to + 1] += numbers[n + 1];
      sums[to + 2] += numbers[n + 2];
      sums[to + 3] += numbers[n + 3];
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

  /** The sums into the functions and edges, once all is added. */
  private writeSums(): void {
    const { functions, edges, functionSums, edgeSums } = this;
    for (let i = 0; i < functions.length; i++) {
      const fn = functions[i];
      const at = i * NUMBERS_PER_ITEM;
      fn.cc = functionSums[at];
      fn.nc = functionSums[at + 1];
      fn.tt = functionSums[at + 2];
      fn.ct = functionSums[at + 3];
    }
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      const at = i * NUMBERS_PER_ITEM;
      edge[2] = edgeSums[at];
      edge[3] = edgeSums[at + 1];
      edge[4] = edgeSums[at + 2];
      edge[5] = edgeSums[at + 3];
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
    this.writeSums();
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
      request: { method: header.method, path: header.path, query: '', scheme: first.scheme, host: first.host, remoteAddr: null, headers: [] },
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
