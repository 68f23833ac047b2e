// Generates a profile whose call tree is one deep chain: function i calls function i + 1, down
// to depth - 1. The shape of runaway recursion through distinct frames (generated code, deeply
// nested templates) and the worst case for anything that walks a node's path.
//
// libraryEvery: every so many levels the function is a site-packages frame instead of app
// code, so that library folding has hidden frames to fold (0: app code only).
// Times add up as cProfile's do: each level has 1 µs of its own time, cumulative time is its
// own plus everything below. Used by bench/callTreeDeep.bench.mjs and test/unit/callTreeDeep.test.ts.

const SITE = '/usr/local/lib/python3.11/site-packages';
const MICROSECOND = 1e-6;

export function makeDeepChainData(depth, libraryEvery = 0) {
  const functions = [];
  const edges = [];
  for (let i = 0; i < depth; i++) {
    const library = libraryEvery > 0 && i > 0 && i % libraryEvery === 0;
    const file = library ? `${SITE}/deep/level_${i % 97}.py` : `/srv/app/deep/level_${i % 97}.py`;
    const ct = (depth - i) * MICROSECOND;
    functions.push({ file, line: i + 1, name: `level_${i}`, qualname: `level_${i}`, cc: 1, nc: 1, tt: MICROSECOND, ct });
    if (i > 0) edges.push([i - 1, i, 1, 1, MICROSECOND, ct]);
  }
  return { functions, edges, notes: [] };
}

/** A whole profile document (header on line 1, as the middleware writes it) around the chain. */
export function makeDeepChainText(depth, libraryEvery = 0) {
  const profile = makeDeepChainData(depth, libraryEvery);
  const total = profile.functions[0]?.ct ?? 0;
  const header = {
    id: `deep-${depth}`,
    start: 1_700_000_000,
    wallMs: total * 1000,
    cpuMs: total * 1000,
    profiledMs: total * 1000,
    interface: 'wsgi',
    profiled: true,
    skipReason: null,
    method: 'GET',
    path: `/deep/${depth}`,
    query: '',
    status: 200,
    contentType: 'text/plain',
    contentLength: 2,
    bytesSent: 2,
    pid: 1,
    threadId: 1,
    threadName: 'MainThread',
    error: null,
    functionCount: profile.functions.length,
    edgeCount: profile.edges.length,
  };
  const rest = {
    request: { method: 'GET', path: header.path, query: '', scheme: 'http', host: 'localhost', remoteAddr: '127.0.0.1', headers: [] },
    response: { status: 200, statusLine: '200 OK', headers: [], contentType: 'text/plain', contentLength: 2, bytesSent: 2 },
    environ: {},
    error: null,
    python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3' },
    paths: { cwd: '/srv/app', stdlib: ['/usr/local/lib/python3.11'], sitePackages: [SITE], prefixes: ['/usr/local'] },
    profile,
  };
  return `{"format":"request-profiler","version":1,"header":${JSON.stringify(header)},\n${JSON.stringify(rest).slice(1)}\n`;
}
