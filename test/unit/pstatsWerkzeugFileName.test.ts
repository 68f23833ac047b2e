import * as assert from 'node:assert/strict';
import { inferElapsedDecimals, parseWerkzeugFileName } from '../../src/core/pstats/werkzeugFileName';
import { loadPstatsFixtures } from '../fixtures/pstats/loadFixtures';

describe('parseWerkzeugFileName', () => {
  it('reads the default format, {method}.{path}.{elapsed:.0f}ms.{time:.0f}.prof', () => {
    assert.deepEqual(parseWerkzeugFileName('GET.root.12ms.1700000000.prof'), {
      method: 'GET',
      path: '/',
      dottedPath: '',
      pathAmbiguous: false,
      elapsedMs: 12,
      elapsedAmbiguous: false,
      time: 1700000000,
    });
    const users = parseWerkzeugFileName('POST.api.users.1530ms.1700000123.prof');
    assert.equal(users?.path, '/api/users');
    assert.equal(users?.elapsedMs, 1530);
    assert.equal(users?.pathAmbiguous, true);
  });

  it('reads the pre-0.15 format: zero-padded elapsed, no extension', () => {
    const legacy = parseWerkzeugFileName('GET.api.000123ms.1700000000');
    assert.equal(legacy?.path, '/api');
    assert.equal(legacy?.elapsedMs, 123);
    assert.equal(legacy?.time, 1700000000);
  });

  it('reads {elapsed:.3f}, and says when the digits fit both formats', () => {
    const root = parseWerkzeugFileName('GET.root.12.345ms.1700000000.prof');
    assert.equal(root?.path, '/');
    assert.equal(root?.elapsedMs, 12.345);
    const fractionOnly = parseWerkzeugFileName('GET.items.0.5ms.1700000000.prof');
    assert.equal(fractionOnly?.path, '/items/0');
    assert.equal(fractionOnly?.elapsedMs, 5);
    // ".../42.123ms": /items/42 taking 123 ms (the default format) or /items taking 42.123 ms.
    const either = 'GET.items.42.123ms.1700000000.prof';
    assert.deepEqual(
      [parseWerkzeugFileName(either)?.path, parseWerkzeugFileName(either)?.elapsedMs, parseWerkzeugFileName(either)?.elapsedAmbiguous],
      ['/items/42', 123, true],
    );
    assert.deepEqual([parseWerkzeugFileName(either, 3)?.path, parseWerkzeugFileName(either, 3)?.elapsedMs], ['/items', 42.123]);
    assert.equal(parseWerkzeugFileName('GET.root.12ms.1700000000.prof', 3), undefined);
  });

  it('keeps the last "NNms." as the elapsed time when the path holds one too', () => {
    const tricky = parseWerkzeugFileName('GET.a.5ms.b.7ms.1700000000.prof');
    assert.equal(tricky?.path, '/a/5ms/b');
    assert.equal(tricky?.elapsedMs, 7);
  });

  it('refuses names in no Werkzeug format', () => {
    for (const name of ['profile.prof', 'output.pstats', 'GET.root.ms.1.prof', 'GET.12ms.1.prof', '.root.12ms.1.prof', 'x.rprof.json']) {
      assert.equal(parseWerkzeugFileName(name), undefined, name);
    }
  });

  it("matches the requests behind Werkzeug's own fixture files", () => {
    const werkzeug = loadPstatsFixtures().filter((f) => f.name.startsWith('werkzeug/'));
    assert.ok(werkzeug.length >= 3);
    for (const { name, expected } of werkzeug) {
      const request = expected?.request;
      assert.ok(request, `${name} has no request`);
      const baseName = name.slice('werkzeug/'.length);
      // The fixture directory mixes formats on purpose; a real one has only one.
      const decimals = /\.\d+\.\d{3}ms\./.test(baseName) ? 3 : 0;
      const parsed = parseWerkzeugFileName(baseName, decimals);
      assert.ok(parsed, baseName);
      assert.equal(parsed.method, request.method);
      const trimmed = request.path.replace(/^\/+|\/+$/g, '');
      assert.equal(parsed.dottedPath, trimmed.split('/').join('.'));
      if (!trimmed.includes('.')) assert.equal(parsed.path, '/' + trimmed);
      assert.equal(parsed.pathAmbiguous, parsed.dottedPath.includes('.'));
    }
  });
});

describe('inferElapsedDecimals', () => {
  it('assumes the default format unless the names say otherwise', () => {
    assert.equal(inferElapsedDecimals([]), 0);
    assert.equal(inferElapsedDecimals(['GET.items.42.123ms.1.prof']), 0);
    assert.equal(inferElapsedDecimals(['GET.items.42.123ms.1.prof', 'GET.root.5ms.1.prof']), 0);
  });

  it('recognises {elapsed:.3f} from a root request or from several names', () => {
    assert.equal(inferElapsedDecimals(['GET.root.1.234ms.1.prof']), 3);
    assert.equal(inferElapsedDecimals(['GET.items.0.120ms.1.prof', 'GET.users.3.001ms.2.prof', 'notes.txt']), 3);
  });
});
