// The one wrapper that makes a whole profile document around profile data for tests and
// benchmarks (test/unit/profileSamples.ts, makeDeepChain.mjs, makeLargeProfile.mjs): laid out
// as the middleware writes it, the header on line 1 and the rest from line 2, every field the
// format requires set (docs/profile-format.md).

/** Where the recorded interpreter and app were: the app in a container (python:3.11 image). */
export const CONTAINER_PATHS = {
  cwd: '/srv/app',
  stdlib: ['/usr/local/lib/python3.11'],
  sitePackages: ['/usr/local/lib/python3.11/site-packages'],
  prefixes: ['/usr/local'],
};

/** The same on Debian's own python3. */
export const DEBIAN_PATHS = { cwd: '/app', stdlib: ['/usr/lib/python3.11'], sitePackages: ['/usr/lib/python3/dist-packages'], prefixes: ['/usr'] };

/** A header with every field set, for a small GET / answered 200 (overrides win); its counts are profile's. */
export function documentHeader(profile, overrides = {}) {
  return {
    id: 'generated',
    start: 1_700_000_000,
    wallMs: 12.5,
    cpuMs: 10,
    profiledMs: 11,
    interface: 'wsgi',
    profiled: true,
    skipReason: null,
    method: 'GET',
    path: '/',
    query: '',
    status: 200,
    contentType: 'text/html; charset=utf-8',
    contentLength: 120,
    bytesSent: 120,
    pid: 42,
    threadId: 1,
    threadName: 'MainThread',
    error: null,
    functionCount: profile.functions.length,
    edgeCount: profile.edges.length,
    ...overrides,
  };
}

/** The text of a profile file: header, then the request and response it tells of, then profile. */
export function profileDocumentText(header, profile, paths = DEBIAN_PATHS) {
  const rest = {
    request: { method: header.method, path: header.path, query: header.query, scheme: 'http', host: 'localhost', remoteAddr: '127.0.0.1', headers: [] },
    response: {
      status: header.status,
      statusLine: '200 OK',
      headers: [],
      contentType: header.contentType,
      contentLength: header.contentLength,
      bytesSent: header.bytesSent,
    },
    environ: {},
    error: null,
    python: { version: '3.11.7', implementation: 'CPython', executable: `${paths.prefixes[0]}/bin/python3` },
    paths,
    profile,
  };
  return `{"format":"request-profiler","version":1,"header":${JSON.stringify(header)},\n${JSON.stringify(rest).slice(1)}\n`;
}
