/**
 * A document is checked once, at load (src/core/validateProfile.ts): bad call data refuses it
 * with the path of the first bad value; a header field that is only shown, of the wrong type,
 * is ignored and named, so the profile still lists and opens.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the broken documents are built by writing past the format's types on purpose */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseProfileDocument, parseProfileHeader, ProfileReadError } from '../../src/core/profileHeader';
import { headerProblems } from '../../src/core/validateProfile';
import { documentText, makeHeader, profileText, refusal } from './profileSamples';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/profiles');

/** The sample document (2 functions, 1 edge) as a parsed object, to break one part of. */
function sampleDocument(): Record<string, any> {
  return JSON.parse(profileText(makeHeader()));
}

describe('validating a profile document', () => {
  const broken: [string, (d: Record<string, any>) => void, string][] = [
    [
      'an edge index past the last function',
      (d) => (d.profile.edges[0][1] = 2),
      'profile.edges[0][1]: expected a function index from 0 to 1 (there are 2 functions), got 2',
    ],
    [
      'a negative edge index',
      (d) => (d.profile.edges[0][0] = -1),
      'profile.edges[0][0]: expected a function index from 0 to 1 (there are 2 functions), got -1',
    ],
    [
      'a fractional edge index',
      (d) => (d.profile.edges[0][0] = 0.5),
      'profile.edges[0][0]: expected a function index from 0 to 1 (there are 2 functions), got 0.5',
    ],
    [
      'an edge index of 2^32',
      (d) => (d.profile.edges[0][1] = 2 ** 32),
      'profile.edges[0][1]: expected a function index from 0 to 1 (there are 2 functions), got 4294967296',
    ],
    [
      'an edge that is not an array',
      (d) => (d.profile.edges[0] = { caller: 0 }),
      'profile.edges[0]: expected an array of 6 numbers [caller, callee, cc, nc, tt, ct], got an object',
    ],
    [
      'an edge of 5 items',
      (d) => d.profile.edges[0].pop(),
      'profile.edges[0]: expected an array of 6 numbers [caller, callee, cc, nc, tt, ct], got an array of 5 items',
    ],
    ['edges that are not an array', (d) => (d.profile.edges = { 0: [0, 1, 1, 1, 0, 0] }), 'profile.edges: expected an array, got an object'],
    ['a fractional call count', (d) => (d.profile.edges[0][3] = 1.5), 'profile.edges[0][3]: expected an integer ≥ 0, got 1.5'],
    ['a negative time', (d) => (d.profile.edges[0][5] = -0.1), 'profile.edges[0][5]: expected a finite number ≥ 0, got -0.1'],
    ['a file that is null', (d) => (d.profile.functions[1].file = null), 'profile.functions[1].file: expected a string, got null'],
    ['a file that is a number', (d) => (d.profile.functions[0].file = 42), 'profile.functions[0].file: expected a string, got 42'],
    ['a null function', (d) => (d.profile.functions[1] = null), 'profile.functions[1]: expected an object, got null'],
    ['a missing name', (d) => delete d.profile.functions[0].name, 'profile.functions[0].name: expected a string, got nothing (the field is missing)'],
    ['a qualname that is a number', (d) => (d.profile.functions[0].qualname = 7), 'profile.functions[0].qualname: expected a string or null, got 7'],
    ['a negative line', (d) => (d.profile.functions[0].line = -3), 'profile.functions[0].line: expected an integer ≥ 0, got -3'],
    ['a time given as a string', (d) => (d.profile.functions[0].ct = '0.5'), 'profile.functions[0].ct: expected a finite number ≥ 0, got the string "0.5"'],
    ['functions that are not an array', (d) => (d.profile.functions = null), 'profile.functions: expected an array, got null'],
    ['no profile', (d) => delete d.profile, 'profile: expected an object, got nothing (the field is missing)'],
    ['a note that is not a string', (d) => (d.profile.notes = [1]), 'profile.notes[0]: expected a string, got 1'],
    ['a path list that is not a list', (d) => (d.paths.stdlib = '/usr/lib'), 'paths.stdlib: expected an array of strings, got the string "/usr/lib"'],
    ['an environ value that is not a string', (d) => (d.environ.PORT = 8000), 'environ["PORT"]: expected a string, got 8000'],
    [
      'a request header that is not a pair',
      (d) => (d.request.headers = [['Host']]),
      'request.headers[0]: expected a [name, value] pair, got an array of 1 item',
    ],
    ['a response status that is a string', (d) => (d.response.status = '200'), 'response.status: expected an integer or null, got the string "200"'],
    ['an error without a traceback', (d) => (d.error = { type: 'E', message: 'm' }), 'error.traceback: expected a string, got nothing (the field is missing)'],
    ['python that is a string', (d) => (d.python = '3.12'), 'python: expected an object, got the string "3.12"'],
  ];
  for (const [name, breakIt, message] of broken) {
    it(`refuses ${name}, naming the path`, () => {
      const document = sampleDocument();
      breakIt(document);
      assert.equal(refusal(documentText(document)), message);
    });
  }

  it('refuses a time too large for a number (1e309 parses to Infinity)', () => {
    const text = profileText(makeHeader()).replace('"ct":0.011', '"ct":1e309');
    assert.equal(refusal(text), 'profile.functions[0].ct: expected a finite number ≥ 0, got Infinity');
  });

  it('writes odd characters of a refused value as escapes', () => {
    const document = sampleDocument();
    document.profile.functions[0].line = 'a\u202eb\ud800\ufffe"';
    assert.equal(refusal(documentText(document)), 'profile.functions[0].line: expected an integer ≥ 0, got the string "a⟨U+202E⟩b⟨U+D800⟩⟨U+FFFE⟩\\""');
  });

  it('tolerates keys the format does not know (a later minor revision may add some)', () => {
    const document = sampleDocument();
    document.extra = { nested: [1, 2] };
    document.profile.functions[0].extra = true;
    document.profile.edges[0] = [...document.profile.edges[0]];
    document.header.newField = 'x';
    const parsed = parseProfileDocument(documentText(document));
    assert.equal(parsed.profile.functions.length, 2);
  });

  it('opens every real profile in the fixtures, and refuses only the broken ones', () => {
    const names = readdirSync(FIXTURES).filter((name) => name.endsWith('.rprof.json'));
    assert.ok(names.length >= 8, `fixtures in ${FIXTURES}`);
    for (const name of names) {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      if (name.startsWith('broken-') || name.startsWith('not-json')) {
        assert.throws(() => parseProfileDocument(text), ProfileReadError, name);
      } else {
        const document = parseProfileDocument(text);
        assert.deepEqual(headerProblems(document.header), [], name);
        assert.equal(document.profile.functions.length, document.header.functionCount, name);
      }
    }
  });

  it('ignores a byte-order mark before the document', () => {
    assert.equal(parseProfileDocument(`\ufeff${profileText(makeHeader())}`).profile.functions.length, 2);
    assert.equal(parseProfileHeader(`\ufeff${profileText(makeHeader({ path: '/bom' }))}`).path, '/bom');
  });
});

describe('validating a profile header', () => {
  it('lists a header whose query or Content-Type is a number, without them, and says why', () => {
    const header = parseProfileHeader(profileText({ ...makeHeader(), query: 42, contentType: 7 } as never));
    assert.equal(header.query, '');
    assert.equal(header.contentType, null);
    assert.deepEqual(header.problems, ['header.query: expected a string, got 42: ignored', 'header.contentType: expected a string or null, got 7: ignored']);
  });

  it('opens such a profile, with the ignored fields in its notes', () => {
    const document = parseProfileDocument(profileText({ ...makeHeader(), threadName: 5 } as never));
    assert.equal(document.header.threadName, '');
    assert.deepEqual(document.profile.notes, ['header.threadName: expected a string, got 5: ignored']);
  });

  it('gives every shown field of the wrong type a value of its type or an unknown number', () => {
    const wrong = Object.fromEntries(Object.keys(makeHeader()).map((key) => [key, { wrong: true }]));
    const header = parseProfileHeader(profileText({ ...wrong, id: 'x', start: 1, wallMs: 2, method: 'GET', path: '/' } as never));
    assert.equal(header.problems?.length, Object.keys(makeHeader()).length - 5);
    for (const key of ['query', 'threadName'] as const) assert.equal(header[key], '');
    for (const key of ['skipReason', 'status', 'contentType', 'contentLength', 'error'] as const) assert.equal(header[key], null);
    for (const key of ['cpuMs', 'profiledMs', 'bytesSent', 'pid', 'threadId', 'functionCount', 'edgeCount'] as const) assert.ok(Number.isNaN(header[key]), key);
    assert.equal(header.interface, 'wsgi');
    assert.equal(header.profiled, true);
  });

  it('keeps clientDisconnected when it is true or false, accepts its absence, and ignores another type', () => {
    assert.equal(parseProfileHeader(profileText({ ...makeHeader(), clientDisconnected: true })).clientDisconnected, true);
    assert.equal(parseProfileHeader(profileText({ ...makeHeader(), clientDisconnected: false })).clientDisconnected, false);
    const absent = parseProfileHeader(profileText(makeHeader()));
    assert.equal('clientDisconnected' in absent, false);
    assert.equal(absent.problems, undefined);
    const wrong = parseProfileHeader(profileText({ ...makeHeader(), clientDisconnected: 'yes' } as never));
    assert.equal(wrong.clientDisconnected, undefined);
    assert.deepEqual(wrong.problems, ['header.clientDisconnected: expected true or false, got the string "yes": ignored']);
  });

  it('keeps a route of the right shape, its fields only, and ignores a wrong one with the reason', () => {
    const route = { template: '/users/<int:id>', name: 'user', framework: 'flask' };
    assert.deepEqual(parseProfileHeader(profileText({ ...makeHeader(), route: { ...route, later: 1 } } as never)).route, route);
    assert.deepEqual(parseProfileHeader(profileText({ ...makeHeader(), route: { ...route, name: null } })).route, { ...route, name: null });
    const absent = parseProfileHeader(profileText(makeHeader()));
    assert.equal('route' in absent, false);
    assert.equal(absent.problems, undefined);
    const wrongs: [unknown, string][] = [
      ['/users', 'header.route: expected an object, got the string "/users"'],
      [{ ...route, template: 42 }, 'header.route.template: expected a string, got 42'],
      [{ ...route, name: 7 }, 'header.route.name: expected a string or null, got 7'],
      [{ template: '/x', name: null }, 'header.route.framework: expected a string, got nothing (the field is missing)'],
    ];
    for (const [value, message] of wrongs) {
      const header = parseProfileHeader(profileText({ ...makeHeader(), route: value } as never));
      assert.equal('route' in header, false, message);
      assert.deepEqual(header.problems, [`${message}: ignored (the profile is grouped by its path)`]);
    }
  });

  it('refuses a response.disconnect that is neither text nor null', () => {
    const withDisconnect = (value: string) => profileText(makeHeader()).replace('"statusLine":"200 OK"', `"statusLine":"200 OK","disconnect":${value}`);
    assert.equal(parseProfileDocument(withDisconnect('"the client closed the connection"')).response.disconnect, 'the client closed the connection');
    assert.equal(parseProfileDocument(withDisconnect('null')).response.disconnect, null);
    assert.throws(() => parseProfileDocument(withDisconnect('3')), /response\.disconnect: expected a string or null, got 3/);
  });

  const refused: [keyof ReturnType<typeof makeHeader>, unknown, string][] = [
    ['id', 5, 'header.id: expected a string, got 5'],
    ['start', 'yesterday', 'header.start: expected a finite number, got the string "yesterday"'],
    ['wallMs', -1, 'header.wallMs: expected a finite number ≥ 0, got -1'],
    ['method', null, 'header.method: expected a string, got null'],
    ['path', ['/'], 'header.path: expected a string, got an array of 1 item'],
  ];
  for (const [key, value, message] of refused) {
    it(`refuses a header whose ${key} is wrong (the listing needs it)`, () => {
      assert.throws(
        () => parseProfileHeader(profileText({ ...makeHeader(), [key]: value } as never)),
        (error: Error) => error instanceof ProfileReadError && error.message === message,
      );
    });
  }
});
