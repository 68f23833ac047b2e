/**
 * The request profile file format, version 1, as written by the bundled Python
 * middleware (python/request_profiler) and documented in docs/profile-format.md.
 *
 * A profile is one JSON document whose FIRST LINE is
 *   {"format":"request-profiler","version":1,"header":<header JSON>,
 * so that a directory listing needs to read and parse only that line. The rest of
 * the document (request, response, environ, profile ...) follows on later lines.
 * All times are seconds (floats), as cProfile records them, unless named *Ms.
 */

export const PROFILE_FORMAT = 'request-profiler';
export const PROFILE_VERSION = 1;
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
  /** Number of functions and edges in the profile (to size work before parsing it). */
  functionCount: number;
  edgeCount: number;
  /** Version 2: "sample" when the sampling engine profiled the request (absent in cProfile profiles). */
  engine?: 'sample';
}

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

/** [callerIndex, calleeIndex, cc, nc, tt, ct]: the callee's numbers for calls from that caller. */
export type ProfiledEdge = [number, number, number, number, number, number];

export interface ProfileData {
  /** Version 2: "sample" (then tt/ct are sampled self/inclusive wall seconds, cc = nc samples). */
  engine?: 'sample';
  functions: ProfiledFunction[];
  edges: ProfiledEdge[];
  /** Version 2: how the sampling went. */
  sampling?: SamplingStats;
  /** Version 2: every distinct sampled stack, heaviest first. */
  stacks?: SampledStack[];
  /** What the numbers mean: e.g. "asgi: coroutine resumptions count as calls; awaits excluded". */
  notes: string[];
}

/** Version 2: how the sampling went; times in milliseconds (docs/profile-format.md). */
export interface SamplingStats {
  intervalMs: number;
  samples: number;
  rateHz: number;
  maxGapMs: number;
  sampledMs: number;
  cpuMs: number | null;
  unsampledTailMs: number;
  unattributedMs: number;
  overflowMs: number;
  distinctStacks: number;
  /** ASGI only: exactly measured running and awaiting time. */
  runningMs?: number;
  awaitingMs?: number;
}

/** [function indices root to leaf, line of each frame, awaiting, wallSeconds, cpuSeconds, samples]. */
export type SampledStack = [number[], number[], boolean, number, number, number];

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
}
