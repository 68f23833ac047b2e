/**
 * The request profile file format, versions 1 and 2, as written by the bundled Python
 * middleware (python/request_profiler) and documented in docs/profile-format.md.
 * Version 1 is a cProfile profile; version 2 adds sampled profiles (engine "sample": the same
 * functions and edges, in samples and seconds, plus the sampled stacks themselves).
 *
 * A profile is one JSON document whose FIRST LINE is
 *   {"format":"request-profiler","version":<1 or 2>,"header":<header JSON>,
 * so that a directory listing needs to read and parse only that line. The rest of
 * the document (request, response, environ, profile ...) follows on later lines.
 * All times are seconds (floats), as cProfile records them, unless named *Ms.
 */

export const PROFILE_FORMAT = 'request-profiler';
/** The version of profiles recorded with cProfile (and of pstats files read as profiles). */
export const PROFILE_VERSION = 1;
/** The version of sampled profiles: a reader of version 1 would take their samples for calls. */
export const SAMPLED_PROFILE_VERSION = 2;
/** Every version this reader opens. */
export const READABLE_PROFILE_VERSIONS: readonly number[] = [PROFILE_VERSION, SAMPLED_PROFILE_VERSION];

/** What recorded the profile: cProfile (every call, caller→callee pairs) or the sampler (stacks). */
export type ProfileEngine = 'cprofile' | 'sample';
/** Final profile files end with this; temporary files of a write in progress never do. */
export const PROFILE_SUFFIX = '.rprof.json';

/** The listing fields: everything the Profiles panel shows, small and first in the file. */
export interface ProfileHeader {
  id: string;
  /** Unix time (seconds) when the request started. */
  start: number;
  /** Wall-clock duration of the whole request, including streaming the body. */
  wallMs: number;
  /** CPU time of the thread/process over the request. */
  cpuMs: number;
  /** Time cProfile attributed to the profiled code (sum of root cumulative times). */
  profiledMs: number;
  /** 'wsgi' or 'asgi' (in ASGI, awaits are not in profiled time). */
  interface: 'wsgi' | 'asgi';
  /** False when the request was passed through without profiling (see skipReason). */
  profiled: boolean;
  skipReason: string | null;
  method: string;
  path: string;
  query: string;
  /** HTTP status code, or null when the app raised before starting a response. */
  status: number | null;
  contentType: string | null;
  /** Content-Length as declared by the app's headers, or null. */
  contentLength: number | null;
  /** Body bytes actually sent. */
  bytesSent: number;
  pid: number;
  threadId: number;
  threadName: string;
  /** Exception type name when the app raised, else null. */
  error: string | null;
  /** True when the client went away before the whole response was sent (absent in older files). */
  clientDisconnected?: boolean;
  /** The route the framework matched; absent when unknown (no match, another framework, older files). */
  route?: ProfileRoute;
  /** Number of functions and edges in the profile (to size work before parsing it). */
  functionCount: number;
  edgeCount: number;
  /** Absent means cProfile (every version 1 file). */
  engine?: ProfileEngine;
}

/**
 * A function of the profile. In a sampled profile the same fields hold samples and sampled
 * time: cc = nc = samples with the function on the stack, tt = seconds it was the running
 * (leaf) frame, ct = seconds it was on the stack (once per stack, also when recursive).
 */
export interface ProfiledFunction {
  /** co_filename as the server saw it ('~' for built-ins). */
  file: string;
  /** co_firstlineno (first decorator line for decorated functions; 0 for built-ins). */
  line: number;
  /** co_name, or cProfile's label for built-ins ("<built-in method builtins.len>"). */
  name: string;
  /** co_qualname where Python has it (3.11+), else null. */
  qualname: string | null;
  /** Primitive (non-recursive) calls. */
  cc: number;
  /** Total calls. */
  nc: number;
  /** Own time, seconds. */
  tt: number;
  /** Cumulative time, seconds (counted once across recursion). */
  ct: number;
}

/**
 * [callerIndex, calleeIndex, cc, nc, tt, ct]: the callee's numbers for calls from that caller
 * (in a sampled profile: samples, and the callee's own and total seconds under that caller).
 */
export type ProfiledEdge = [number, number, number, number, number, number];

/**
 * One distinct stack of a sampled profile: [frames, lines, awaiting, wallSeconds, cpuSeconds,
 * samples]. frames are function indices from the request's entry point (root) to the running
 * frame (leaf), empty for samples of the request's thread running none of its own frames;
 * lines[i] is the line frames[i] was at; awaiting is true when an asyncio request was waiting
 * at that await rather than running.
 */
export type SampledStack = [number[], number[], boolean, number, number, number];

/** How the sampling went, as the sampler measured it (docs/profile-format.md). */
export interface SamplingStats {
  /** The interval asked for. */
  intervalMs: number;
  samples: number;
  /** The rate really got: the GIL delays samples while the app runs pure Python. */
  rateHz: number;
  /** The longest gap between two samples of this request. */
  maxGapMs: number;
  /** The time the samples stand for (each weighted by the real time since the previous one). */
  sampledMs: number;
  /** CPU time of the sampled stacks, or null where the platform has no per-thread CPU clock. */
  cpuMs: number | null;
  /** From the last sample to the end of the request: too short to be sampled. */
  unsampledTailMs: number;
  /** Samples of the request's thread running none of the request's own frames. */
  unattributedMs: number;
  /** Time of stacks left out once the request had too many distinct ones. */
  overflowMs: number;
  distinctStacks: number;
  /** ASGI only: the request's running and awaiting time, measured exactly by its step driver. */
  runningMs?: number;
  awaitingMs?: number;
}

export interface ProfileData {
  functions: ProfiledFunction[];
  edges: ProfiledEdge[];
  /** What the numbers mean: e.g. "asgi: coroutine resumptions count as calls; awaits excluded". */
  notes: string[];
  /** Absent means cProfile. */
  engine?: ProfileEngine;
  /** Sampled profiles only. */
  sampling?: SamplingStats;
  /** Sampled profiles only: every distinct stack, heaviest first. */
  stacks?: SampledStack[];
}

/** True for a profile recorded by the sampler (it has stacks). */
export function isSampled(profile: ProfileData): profile is ProfileData & { engine: 'sample'; sampling: SamplingStats; stacks: SampledStack[] } {
  return profile.engine === 'sample';
}

export interface ProfileRequest {
  method: string;
  path: string;
  query: string;
  scheme: string;
  host: string;
  remoteAddr: string | null;
  /** [name, value] pairs, secrets redacted. */
  headers: [string, string][];
}

export interface ProfileResponse {
  status: number | null;
  /** The full status line as the app gave it, e.g. "200 OK". */
  statusLine: string | null;
  headers: [string, string][];
  contentType: string | null;
  contentLength: number | null;
  bytesSent: number;
  /** What showed that the client went away mid-response, or null (absent in older files). */
  disconnect?: string | null;
}

/** An endpoint as the framework knows it: its template, never the values matched. */
export interface ProfileRoute {
  /** As the framework writes it: '/users/<int:id>' (Flask), 'users/<int:id>/' (Django), '/users/{id}'. */
  template: string;
  /** Flask's endpoint, Django's view_name, Pyramid's or Starlette's route name; null when none. */
  name: string | null;
  /** 'flask', 'django', 'pyramid', 'starlette', 'fastapi' (a later version may add others). */
  framework: string;
}

export interface ProfileError {
  type: string;
  message: string;
  traceback: string;
}

export interface ProfilePaths {
  cwd: string;
  /** Standard library directories (sysconfig stdlib/platstdlib). */
  stdlib: string[];
  /** site-packages / dist-packages directories. */
  sitePackages: string[];
  /** sys.prefix and sys.base_prefix. */
  prefixes: string[];
}

/** Present on aggregate profiles only: several requests merged by the extension (mergeProfiles.ts). */
export interface ProfileAggregate {
  /** How many profiles were merged: every number is a sum over them. */
  requests: number;
  /** The header ids of the merged profiles. */
  ids: string[];
  /** Requests that were served unprofiled and left out. */
  skipped: number;
  /** Set on the per-request mean of an aggregate (every sum divided by `requests`, src/core/aggregateMean.ts): never written to a file. */
  mean?: true;
}

export interface ProfileDocument {
  format: typeof PROFILE_FORMAT;
  version: number;
  header: ProfileHeader;
  request: ProfileRequest;
  response: ProfileResponse;
  /** WSGI environ or ASGI scope, values as strings, secrets replaced by "[redacted]". */
  environ: Record<string, string>;
  error: ProfileError | null;
  python: { version: string; implementation: string; executable: string };
  paths: ProfilePaths;
  profile: ProfileData;
  /** Aggregates only (never in a file the middleware writes). */
  aggregate?: ProfileAggregate;
}
