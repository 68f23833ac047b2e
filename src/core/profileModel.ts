/**
 * An indexed, read-only view of a profile's cProfile data: functions with display
 * names and a classification (app / library / stdlib / built-in), and caller/callee
 * adjacency lists. Built once per opened profile; the call tree, the caller view, the
 * function table and the call graph are all computed from it.
 */
import { buildCallAdjacency, type CallAdjacency } from './callAdjacency';
import type { ProfileData, ProfilePaths, ProfiledEdge } from './profileFormat';

/** Where a function's code lives: the user's own code, or something they did not write. */
export type FunctionKind = 'app' | 'library' | 'stdlib' | 'builtin';

export interface FunctionInfo {
  index: number;
  file: string;
  line: number;
  name: string;
  qualname: string | null;
  /** What to show: the qualified name when recorded, else cProfile's name. */
  displayName: string;
  /** Dotted module for files under a known root ("django.core.handlers.base"), else the file's base name. */
  module: string;
  kind: FunctionKind;
  /** False for built-ins and pseudo-files (<string>, <frozen ...>): nothing to open. */
  hasSource: boolean;
  cc: number;
  nc: number;
  tt: number;
  ct: number;
}

export interface CallEdge {
  readonly caller: number;
  readonly callee: number;
  readonly cc: number;
  readonly nc: number;
  readonly tt: number;
  readonly ct: number;
}

export interface ProfileModel {
  functions: FunctionInfo[];
  edges: CallEdge[];
  /** Edge indices by caller function. */
  calleesOf: number[][];
  /** Edge indices by callee function. */
  callersOf: number[][];
  /** The same graph as flat typed arrays, for walks over all of it (callAdjacency.ts). */
  adjacency: CallAdjacency;
  /**
   * Functions nobody in the profile called (entered from the unprofiled middleware), plus the
   * entry of any cycle no such function reaches; costliest first.
   */
  roots: number[];
  /** Seconds the profile covers: the sum of the roots' cumulative times. */
  totalTime: number;
}

const BUILTIN_FILE = '~';

function isPseudoFile(file: string): boolean {
  return file === BUILTIN_FILE || (file.startsWith('<') && file.endsWith('>'));
}

function normalise(path: string): string {
  return path.replace(/\\/g, '/').replace(/\/+$/, '');
}

/** The longest root that contains file, or undefined. */
function longestContainingRoot(file: string, roots: string[]): string | undefined {
  let best: string | undefined;
  for (const root of roots) {
    if (root && file.startsWith(root + '/') && (!best || root.length > best.length)) best = root;
  }
  return best;
}

function dottedModule(relativePath: string): string {
  const withoutExt = relativePath.replace(/\.pyw?$/, '');
  const parts = withoutExt.split('/').filter(Boolean);
  if (parts.length > 1 && parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

/** Classifies files and names their modules from the interpreter paths recorded in the profile. */
export class PathClassifier {
  private readonly sitePackages: string[];
  private readonly stdlib: string[];
  private readonly cwd: string;

  constructor(paths: ProfilePaths | undefined) {
    this.sitePackages = (paths?.sitePackages ?? []).map(normalise);
    this.stdlib = (paths?.stdlib ?? []).map(normalise);
    this.cwd = normalise(paths?.cwd ?? '');
  }

  classify(file: string): { kind: FunctionKind; module: string } {
    if (file === BUILTIN_FILE) return { kind: 'builtin', module: '' };
    const path = normalise(file);
    if (path.startsWith('<frozen ')) return { kind: 'stdlib', module: path.slice(8, -1) };
    if (isPseudoFile(path)) return { kind: 'app', module: path };
    // site-packages usually sits inside the stdlib directory (lib/python3.x/site-packages): check it first.
    const site = longestContainingRoot(path, this.sitePackages) ?? libraryRootByName(path);
    if (site) return { kind: 'library', module: dottedModule(path.slice(site.length + 1)) };
    const std = longestContainingRoot(path, this.stdlib);
    if (std) return { kind: 'stdlib', module: dottedModule(path.slice(std.length + 1)) };
    if (this.cwd && path.startsWith(this.cwd + '/')) return { kind: 'app', module: dottedModule(path.slice(this.cwd.length + 1)) };
    return {
      kind: 'app',
      module: path
        .split('/')
        .pop()!
        .replace(/\.pyw?$/, ''),
    };
  }
}

/** site-packages / dist-packages directories recognised by name when the profile did not list them. */
function libraryRootByName(path: string): string | undefined {
  const match = /^(.*\/(?:site|dist)-packages)\//.exec(path);
  return match?.[1];
}

export function buildProfileModel(data: ProfileData, paths?: ProfilePaths): ProfileModel {
  const classifier = new PathClassifier(paths);
  // Functions share files (a module's functions, every built-in's "~"): classify each file once.
  const classified = new Map<string, { kind: FunctionKind; module: string }>();
  const functions: FunctionInfo[] = data.functions.map((f, index) => {
    let byFile = classified.get(f.file);
    if (!byFile) {
      byFile = classifier.classify(f.file);
      classified.set(f.file, byFile);
    }
    const { kind, module } = byFile;
    return {
      index,
      file: f.file,
      line: f.line,
      name: f.name,
      qualname: f.qualname,
      displayName: f.qualname || f.name,
      module,
      kind,
      hasSource: !isPseudoFile(f.file),
      cc: f.cc,
      nc: f.nc,
      tt: f.tt,
      ct: f.ct,
    };
  });
  const rawEdges = data.edges as ProfiledEdge[];
  const edgeCount = rawEdges.length;
  const callerOf = new Int32Array(edgeCount);
  const calleeOf = new Int32Array(edgeCount);
  // Each edge's times, read by its ModelEdge.
  const times: EdgeTimes = { tt: new Float64Array(edgeCount), ct: new Float64Array(edgeCount) };
  const edges: CallEdge[] = new Array(edgeCount);
  for (let index = 0; index < edgeCount; index++) {
    // Indexed, not destructured: destructuring goes through the array iterator, for each of 100,000 edges.
    const raw = rawEdges[index];
    const caller = raw[0];
    const callee = raw[1];
    if (!(caller >= 0 && caller < functions.length && callee >= 0 && callee < functions.length)) {
      throw new Error(`profile edge refers to function ${caller} -> ${callee}, but there are ${functions.length} functions`);
    }
    callerOf[index] = caller;
    calleeOf[index] = callee;
    times.tt[index] = raw[4];
    times.ct[index] = raw[5];
    edges[index] = new ModelEdge(inlineInt(caller), inlineInt(callee), inlineInt(raw[2]), inlineInt(raw[3]), times, index);
  }
  const adjacency = buildCallAdjacency(functions.length, callerOf, calleeOf, times.ct);
  // Each function's lists at their final length: an array grown by push from [] reserves 17
  // slots, which for 100,000 functions of one or two edges each is most of the model's memory
  // (and of what every major garbage collection of the page walks).
  const calleesOf = edgeLists(functions.length, adjacency.calleeStart, adjacency.calleeEdge);
  const callersOf = edgeLists(functions.length, adjacency.callerStart, adjacency.callerEdge);
  const roots = uncalledFunctions(functions.length, adjacency);
  // A loop, not push(...): a profile can have more cycle entries than a call takes arguments.
  for (const entry of cycleEntries(functions, adjacency, roots)) roots.push(entry);
  roots.sort((a, b) => functions[b].ct - functions[a].ct || a - b);
  let totalTime = roots.reduce((sum, r) => sum + functions[r].ct, 0);
  if (!(totalTime > 0)) totalTime = functions.reduce((max, f) => Math.max(max, f.ct), 0);
  return { functions, edges, calleesOf, callersOf, adjacency, roots, totalTime };
}

/** Each function's run of positions (start[f] to start[f + 1] - 1) as a list of the edge indices there. */
function edgeLists(functionCount: number, start: Int32Array, edgeAt: Int32Array): number[][] {
  const lists: number[][] = new Array(functionCount);
  for (let f = 0; f < functionCount; f++) {
    const list = listOfLength(start[f + 1] - start[f]);
    for (let k = start[f], i = 0; k < start[f + 1]; k++, i++) list[i] = edgeAt[k];
    lists[f] = list;
  }
  return lists;
}

/** Functions nobody called but (recursively) themselves, in index order. */
function uncalledFunctions(functionCount: number, { callerStart, caller }: CallAdjacency): number[] {
  const roots: number[] = [];
  for (let f = 0; f < functionCount; f++) {
    let calledByOthers = false;
    for (let k = callerStart[f]; k < callerStart[f + 1] && !calledByOthers; k++) calledByOthers = caller[k] !== f;
    if (!calledByOthers) roots.push(f);
  }
  return roots;
}

/** An array with room for n items only, every one of which the caller sets. */
function listOfLength(n: number): number[] {
  return n ? new Array<number>(n) : [];
}

/** The times of every edge, by edge index. */
interface EdgeTimes {
  readonly tt: Float64Array;
  readonly ct: Float64Array;
}

/**
 * An edge whose times live in Float64Arrays shared by all edges. V8 keeps a fraction
 * stored in an object's field as a heap object of its own: 100,000 edges would bring
 * 200,000 of them, which every major garbage collection walks (a pause that pushed expands
 * of a big call tree past a frame).
 */
class ModelEdge implements CallEdge {
  constructor(
    readonly caller: number,
    readonly callee: number,
    readonly cc: number,
    readonly nc: number,
    private readonly times: EdgeTimes,
    private readonly at: number,
  ) {}

  get tt(): number {
    return this.times.tt[this.at];
  }

  get ct(): number {
    return this.times.ct[this.at];
  }
}

/**
 * The same integer, as one V8 stores inside an object. An edge's integers come from a JSON
 * array that also holds fractions (its times), which V8 keeps as doubles; stored as they are,
 * every edge object would point to four more heap objects (100,000 edges: 400,000 of them for
 * each garbage collection to walk). `| 0` gives a small integer stored inline, for values in
 * its range; anything else is kept as it is.
 */
function inlineInt(value: number): number {
  return Number.isInteger(value) && value >= -0x40000000 && value < 0x40000000 ? value | 0 : value;
}

/**
 * Functions that no root reaches: a cycle (a calls b calls a) entered straight from the
 * unprofiled middleware has no function without callers, so without this it would vanish
 * from every top-down view. The costliest unreached function of such a group is where the
 * outside call came in (its cumulative time holds the others'), so it becomes a root too.
 */
function cycleEntries(functions: FunctionInfo[], { calleeStart, callee }: CallAdjacency, roots: number[]): number[] {
  const reached = new Uint8Array(functions.length);
  const stack: number[] = [];
  const visitFrom = (start: number): void => {
    reached[start] = 1;
    stack.push(start);
    while (stack.length) {
      const f = stack.pop()!;
      for (let k = calleeStart[f]; k < calleeStart[f + 1]; k++) {
        const to = callee[k];
        if (!reached[to]) {
          reached[to] = 1;
          stack.push(to);
        }
      }
    }
  };
  roots.forEach(visitFrom);
  const unreached = functions.filter((f) => !reached[f.index]).sort((a, b) => b.ct - a.ct || a.index - b.index);
  const entries: number[] = [];
  for (const f of unreached) {
    if (reached[f.index]) continue;
    entries.push(f.index);
    visitFrom(f.index);
  }
  return entries;
}
