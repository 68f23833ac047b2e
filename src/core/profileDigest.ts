/**
 * A profile's call data as numbers, for merging (src/core/mergeProfiles.ts): what a worker
 * thread that read and parsed the profile sends to the thread that merges (typed arrays move
 * between threads without copying; a list of 400 function objects would be copied field by
 * field), and what the in-thread merge adds too, so both merges run the same code.
 *
 * A digester gives each distinct function (pstats' key: file, line, name) a number of its own,
 * the first time it sees it, and sends that function's name only then; later profiles carry
 * only the number. Each distinct caller→callee pair is numbered the same way. The merger
 * translates a digester's numbers into the aggregate's own, so that what it does per item is
 * an array lookup and four additions: the lookups by key are done once per digester and
 * function or pair, in the threads that digest.
 *
 * A digester must digest profiles in the order they are merged in: a function's qualname
 * (the first one known, in that order, wins) is sent with the first profile that knows it.
 */
import { PairNumbering } from './pairNumbering';
import type { ProfileDocument, ProfiledFunction, ProfileEngine, ProfileHeader, ProfilePaths, SampledStack, SamplingStats } from './profileFormat';

/** pstats' key of a function. */
export interface FunctionIdentity {
  file: string;
  line: number;
  name: string;
}

/** What a merge reads of a profile besides its call data. */
export interface ProfileSummary {
  header: ProfileHeader;
  scheme: string;
  host: string;
  python: ProfileDocument['python'];
  paths: ProfilePaths;
  notes: string[];
  engine: ProfileEngine;
  sampling?: SamplingStats;
}

/** Numbers per function and per edge: calls (cc, nc), then times (tt, ct). */
export const NUMBERS_PER_ITEM = 4;

export interface ProfileDigest {
  summary: ProfileSummary;
  /** Functions the digester had not seen before this profile: they take its next numbers, in order. */
  newFunctions: FunctionIdentity[];
  /** The digester's number of each of the profile's functions, in the profile's order. */
  functionIds: Int32Array;
  /** cc, nc, tt, ct of each of the profile's functions. */
  functionNumbers: Float64Array;
  /** Qualnames the digester did not know before this profile: [index in the profile's functions, qualname]. */
  qualnames: [number, string][];
  /** Caller→callee pairs the digester had not seen before, as its function numbers (caller, callee, caller, …): they take its next edge numbers, in order. */
  newEdges: Int32Array;
  /** The digester's number of each of the profile's edges, in the profile's order. */
  edgeIds: Int32Array;
  /** cc, nc, tt, ct of each edge. */
  edgeNumbers: Float64Array;
  /** A sampled profile's stacks as they are (frames are indices in the profile's functions). */
  stacks?: SampledStack[];
}

/** The buffers a digest holds, for postMessage's transfer list. */
export function digestBuffers(digest: ProfileDigest): ArrayBuffer[] {
  return [digest.functionIds, digest.functionNumbers, digest.newEdges, digest.edgeIds, digest.edgeNumbers].map((array) => array.buffer as ArrayBuffer);
}

/** The one function numbered under a name and line, or, once several files have one, each file's. */
type KnownAt = { file: string; id: number } | Map<string, number>;

export class ProfileDigester {
  /**
   * name → line → the function(s) of that name and line. Not keyed by file first: a parsed
   * profile's strings are new each time, and hashing a new 60-character path cost more than the
   * rest of a function's digest; a name is mostly short (JSON.parse shares short strings), and
   * a path is compared with === against the one function of its name and line, or, when several
   * files have one (`<module>` at line 1), looked up by file.
   */
  private readonly known = new Map<string, Map<number, KnownAt>>();
  private readonly qualnameKnown: boolean[] = [];
  private readonly edges = new PairNumbering();

  digest(document: ProfileDocument): ProfileDigest {
    const { header, profile } = document;
    const summary: ProfileSummary = {
      header,
      scheme: document.request.scheme,
      host: document.request.host,
      python: document.python,
      paths: document.paths,
      notes: profile.notes,
      engine: profile.engine ?? 'cprofile',
    };
    if (profile.sampling !== undefined) summary.sampling = profile.sampling;
    // An unprofiled request adds nothing but its count.
    if (!header.profiled) return { summary, ...emptyCallData() };
    const functions = profile.functions;
    const count = functions.length;
    const functionIds = new Int32Array(count);
    const functionNumbers = new Float64Array(count * NUMBERS_PER_ITEM);
    const newFunctions: FunctionIdentity[] = [];
    const qualnames: [number, string][] = [];
    // Indexed loops: a profile has thousands of items and 1,000 profiles millions (bench/aggregateOpen.bench.mjs).
    for (let i = 0; i < count; i++) {
      const fn = functions[i];
      const id = this.idOf(fn, newFunctions);
      if (fn.qualname !== null && !this.qualnameKnown[id]) {
        this.qualnameKnown[id] = true;
        qualnames.push([i, fn.qualname]);
      }
      functionIds[i] = id;
      const at = i * NUMBERS_PER_ITEM;
      functionNumbers[at] = fn.cc;
      functionNumbers[at + 1] = fn.nc;
      functionNumbers[at + 2] = fn.tt;
      functionNumbers[at + 3] = fn.ct;
    }
    const edges = profile.edges;
    const edgeIds = new Int32Array(edges.length);
    const edgeNumbers = new Float64Array(edges.length * NUMBERS_PER_ITEM);
    const newEdges: number[] = [];
    for (let i = 0; i < edges.length; i++) {
      const edge = edges[i];
      const from = functionIds[edge[0]];
      const to = functionIds[edge[1]];
      const known = this.edges.size;
      const id = this.edges.numberOf(from, to);
      if (id === known) newEdges.push(from, to);
      edgeIds[i] = id;
      const at = i * NUMBERS_PER_ITEM;
      edgeNumbers[at] = edge[2];
      edgeNumbers[at + 1] = edge[3];
      edgeNumbers[at + 2] = edge[4];
      edgeNumbers[at + 3] = edge[5];
    }
    const digest: ProfileDigest = { summary, newFunctions, functionIds, functionNumbers, qualnames, newEdges: Int32Array.from(newEdges), edgeIds, edgeNumbers };
    if (profile.stacks !== undefined) digest.stacks = profile.stacks;
    return digest;
  }

  /** The function's number; a new one, and the function added to newFunctions, the first time. */
  private idOf(fn: ProfiledFunction, newFunctions: FunctionIdentity[]): number {
    let byLine = this.known.get(fn.name);
    if (byLine === undefined) {
      byLine = new Map();
      this.known.set(fn.name, byLine);
    }
    const known = byLine.get(fn.line);
    const id = this.qualnameKnown.length;
    if (known === undefined) {
      byLine.set(fn.line, { file: fn.file, id });
    } else if (known instanceof Map) {
      const found = known.get(fn.file);
      if (found !== undefined) return found;
      known.set(fn.file, id);
    } else {
      if (known.file === fn.file) return known.id;
      byLine.set(
        fn.line,
        new Map([
          [known.file, known.id],
          [fn.file, id],
        ]),
      );
    }
    this.qualnameKnown.push(false);
    newFunctions.push({ file: fn.file, line: fn.line, name: fn.name });
    return id;
  }
}

function emptyCallData(): Omit<ProfileDigest, 'summary'> {
  return {
    newFunctions: [],
    functionIds: new Int32Array(0),
    functionNumbers: new Float64Array(0),
    qualnames: [],
    newEdges: new Int32Array(0),
    edgeIds: new Int32Array(0),
    edgeNumbers: new Float64Array(0),
  };
}
