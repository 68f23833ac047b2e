/** Small, hand-made profiles for unit tests of the list and the header reader. */
import type { ProfileHeader } from '../../src/core/profileFormat';

let counter = 0;

export function makeHeader(overrides: Partial<ProfileHeader> = {}): ProfileHeader {
  counter++;
  return {
    id: `id-${counter}`,
    start: 1_700_000_000 + counter,
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
    functionCount: 2,
    edgeCount: 1,
    ...overrides,
  };
}

/** The text of a profile file laid out as the middleware writes it (header on line 1). */
export function profileText(header: ProfileHeader): string {
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
    python: { version: '3.11.7', implementation: 'CPython', executable: '/usr/bin/python3' },
    paths: { cwd: '/app', stdlib: ['/usr/lib/python3.11'], sitePackages: ['/usr/lib/python3/dist-packages'], prefixes: ['/usr'] },
    profile: {
      functions: [
        { file: '/app/app.py', line: 1, name: 'handler', qualname: 'handler', cc: 1, nc: 1, tt: 0.001, ct: 0.011 },
        { file: '~', line: 0, name: '<built-in method builtins.len>', qualname: null, cc: 3, nc: 3, tt: 0.01, ct: 0.01 },
      ],
      edges: [[0, 1, 3, 3, 0.01, 0.01]],
      notes: [],
    },
  };
  return `{"format":"request-profiler","version":1,"header":${JSON.stringify(header)},\n${JSON.stringify(rest).slice(1)}\n`;
}
