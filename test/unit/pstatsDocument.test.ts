import * as assert from 'node:assert/strict';
import { ProfileReadError } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { pstatsHeader, readPstatsDocument, WERKZEUG_NOTE } from '../../src/core/pstats/pstatsDocument';
import { PSTATS_NOTE } from '../../src/core/pstats/readPstats';
import { loadPstatsFixtures, type ExpectedNumbers } from '../fixtures/pstats/loadFixtures';

const fixtures = loadPstatsFixtures();

function fixture(predicate: (name: string) => boolean) {
  const found = fixtures.find((f) => predicate(f.name));
  assert.ok(found?.expected, 'fixture missing');
  return found as typeof found & { expected: ExpectedNumbers };
}

describe('readPstatsDocument', () => {
  it("takes a Werkzeug file's method, path, duration and time from its name", () => {
    const { name, bytes, expected } = fixture((n) => n.startsWith('werkzeug/GET.items.'));
    const fileName = name.slice('werkzeug/'.length);
    const [, elapsed, time] = /\.(\d+)ms\.(\d+)\.prof$/.exec(fileName)!;
    const document = readPstatsDocument(bytes, { fileName });
    const { header } = document;
    assert.equal(header.method, 'GET');
    assert.equal(header.path, '/items/42');
    assert.equal(document.request.path, '/items/42');
    assert.equal(header.wallMs, Number(elapsed));
    assert.equal(header.start, Number(time) - Number(elapsed) / 1000);
    assert.equal(header.interface, 'wsgi');
    assert.equal(header.profiled, true);
    assert.equal(header.id, fileName);
    assert.equal(header.functionCount, expected.functions.length);
    assert.equal(
      header.edgeCount,
      expected.functions.reduce((sum, f) => sum + f.callers.length, 0),
    );
    assert.equal(header.profiledMs, expected.totalTime * 1000);
    assert.deepEqual(document.profile.notes, [PSTATS_NOTE, WERKZEUG_NOTE]);
    assert.equal(document.source.werkzeug?.method, 'GET');
    assert.ok(document.source.estimatedFields.includes('start'));
    assert.ok(document.source.estimatedFields.includes('path'));
    for (const field of ['cpuMs', 'status', 'pid', 'threadName', 'query', 'error'] as const) {
      assert.ok(document.source.unknownFields.includes(field), field);
    }
    for (const field of ['method', 'wallMs', 'interface', 'profiledMs', 'functionCount'] as const) {
      assert.ok(!document.source.unknownFields.includes(field), field);
    }
  });

  it('marks what a plain .prof cannot tell, and estimates its start and duration', () => {
    const { bytes, expected } = fixture((n) => n === 'cprofile-py3.13.prof');
    const modifiedMs = 1_700_000_000_000;
    const document = readPstatsDocument(bytes, { fileName: 'cprofile-py3.13.prof', modifiedMs });
    const { header, source } = document;
    assert.equal(source.werkzeug, undefined);
    assert.equal(header.method, '');
    for (const field of ['method', 'path', 'interface', 'cpuMs', 'status'] as const) assert.ok(source.unknownFields.includes(field), field);
    assert.deepEqual(source.estimatedFields.sort(), ['start', 'wallMs']);
    assert.equal(header.profiledMs, expected.totalTime * 1000);
    assert.equal(header.wallMs, header.profiledMs);
    assert.equal(header.start, (modifiedMs - header.wallMs) / 1000);
    assert.deepEqual(document.profile.notes, [PSTATS_NOTE]);
  });

  it("gives pstats' own total as the profiled time of a script that imports a module", () => {
    // builtins.exec runs the script and, through the import machinery, the imported module:
    // no function is uncalled, so the roots' cumulative time was 0 ("Duration 0.00 ms").
    const { bytes, expected } = fixture((n) => n.startsWith('cprofile-imports-'));
    const { header } = readPstatsDocument(bytes, { fileName: 'cprofile-imports.prof', modifiedMs: 1_700_000_000_000 });
    assert.ok(expected.totalTime > 0.05, `the import did measurable work: ${expected.totalTime} s`);
    assert.equal(header.profiledMs, expected.totalTime * 1000);
    assert.equal(header.wallMs, header.profiledMs);
  });

  it("gives pstats' own total as the profiled time of every fixture", () => {
    for (const { name, bytes, expected } of fixtures) {
      if (!expected) continue;
      assert.equal(readPstatsDocument(bytes).header.profiledMs, expected.totalTime * 1000, name);
    }
  });

  it("finds the interpreter's directories in the file names, so the model classifies code", () => {
    const { bytes } = fixture((n) => n === 'cprofile-py3.13.prof');
    const document = readPstatsDocument(bytes);
    assert.equal(document.paths.stdlib.length, 1);
    assert.match(document.paths.stdlib[0], /\/lib\/python3\.13$/);
    const model = buildProfileModel(document.profile, document.paths);
    const kindOf = (name: string, file: RegExp) => model.functions.find((f) => f.name === name && file.test(f.file))?.kind;
    assert.equal(kindOf('fib', /main\.py$/), 'app');
    assert.equal(kindOf('update_wrapper', /functools\.py$/), 'stdlib');
    assert.equal(model.functions.find((f) => f.file === '~')?.kind, 'builtin');
    assert.ok(model.roots.length >= 1);
  });

  it('gives a ProfileReadError for what is not a pstats file', () => {
    const text = new TextEncoder().encode('{"format":"request-profiler","version":1}\n');
    assert.throws(
      () => readPstatsDocument(text),
      (error: unknown) => error instanceof ProfileReadError,
    );
    assert.throws(() => readPstatsDocument(Uint8Array.from([0x4e])), /Not a pstats file: it holds None/);
  });
});

describe('pstatsHeader', () => {
  it('lists a Werkzeug file from its name alone, marking what only the data holds', () => {
    const { header, source } = pstatsHeader({ fileName: 'DELETE.users.7.31ms.1700000000.prof', modifiedMs: 1 });
    assert.deepEqual([header.method, header.path, header.wallMs, header.start], ['DELETE', '/users/7', 31, 1700000000 - 0.031]);
    for (const field of ['profiledMs', 'functionCount', 'edgeCount'] as const) assert.ok(source.unknownFields.includes(field), field);
    // "users.7" may have been "/users.7": the path is a reading, not a record.
    assert.ok(source.estimatedFields.includes('path'));
    assert.ok(!pstatsHeader({ fileName: 'DELETE.users.31ms.1700000000.prof' }).source.estimatedFields.includes('path'));
  });

  it('says that the start is unknown when neither name nor file time gives one', () => {
    const { header, source } = pstatsHeader({});
    assert.equal(header.id, 'pstats');
    assert.ok(source.unknownFields.includes('start'));
    assert.ok(source.unknownFields.includes('wallMs'));
    assert.ok(!source.estimatedFields.includes('start'));
  });
});
