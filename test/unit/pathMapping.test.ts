import * as assert from 'node:assert/strict';
import { definitionLine } from '../../src/core/definitionLine';
import { describeNoMatch, noSourceReason, sourceCandidates, suggestMapping, type SourceLookup } from '../../src/core/pathMapping';

function lookup(overrides: Partial<SourceLookup> = {}): SourceLookup {
  return { mappings: [], workspaceFolders: [], ...overrides };
}

function paths(file: string, options: Partial<SourceLookup>): string[] {
  return sourceCandidates(file, lookup(options)).candidates.map((c) => c.path);
}

describe('path mapping', () => {
  it('applies the longest matching mapping first, on segment boundaries', () => {
    const mappings = [
      { from: '/app', to: '/home/me/shop' },
      { from: '/app/vendor', to: '/home/me/vendor' },
      { from: '/ap', to: '/nowhere' },
    ];
    assert.deepEqual(paths('/app/vendor/lib/x.py', { mappings }), ['/home/me/vendor/lib/x.py', '/home/me/shop/vendor/lib/x.py', '/app/vendor/lib/x.py']);
    assert.deepEqual(paths('/apple/x.py', { mappings }), ['/apple/x.py'], '/app is not a prefix of /apple');
  });

  it('accepts trailing separators in mappings', () => {
    assert.deepEqual(paths('/app/x.py', { mappings: [{ from: '/app/', to: '/home/me/shop/' }] }), ['/home/me/shop/x.py', '/app/x.py']);
  });

  it('maps a Linux container path to a Windows folder, and Windows paths case-insensitively', () => {
    assert.deepEqual(paths('/app/shop/views.py', { mappings: [{ from: '/app', to: 'C:\\Users\\me\\shop' }] })[0], 'C:\\Users\\me\\shop\\shop\\views.py');
    assert.deepEqual(paths('C:\\Srv\\App\\views.py', { mappings: [{ from: 'c:\\srv\\app', to: 'D:\\work' }] })[0], 'D:\\work\\views.py');
    assert.deepEqual(paths('C:/srv/app/views.py', { mappings: [{ from: 'C:\\srv', to: '/mnt/c/srv' }] })[0], '/mnt/c/srv/app/views.py');
  });

  it('tries paths under the server working directory against each workspace folder', () => {
    const found = sourceCandidates('/app/shop/views.py', lookup({ serverCwd: '/app', workspaceFolders: ['/home/me/shop', '/home/me/other'] })).candidates;
    assert.deepEqual(
      found.map((c) => [c.path, c.reason]),
      [
        ['/app/shop/views.py', 'recorded'],
        ['/home/me/shop/shop/views.py', 'workspace'],
        ['/home/me/other/shop/views.py', 'workspace'],
      ],
    );
    assert.equal(found[1].detail, 'relative to workspace folder shop');
  });

  it('resolves a relative path (the __main__ script before Python 3.10)', () => {
    assert.deepEqual(paths('./manage.py', { workspaceFolders: ['/home/me/shop'], serverCwd: '/app', mappings: [{ from: '/app', to: '/home/me/shop' }] }), [
      '/home/me/shop/manage.py',
    ]);
    assert.deepEqual(paths('scripts/../run.py', { workspaceFolders: ['C:\\shop'] }), ['C:\\shop\\run.py']);
    assert.deepEqual(paths('../outside.py', { workspaceFolders: ['/home/me/shop'] }), [], 'climbing out of the project is not guessed');
  });

  it('matches known local files by their trailing path segments', () => {
    const knownFiles = ['/home/me/shop/shop/views.py', '/home/me/shop/blog/views.py', '/home/me/shop/shop/models.py'];
    assert.deepEqual(paths('/srv/www/shop/views.py', { knownFiles }), ['/srv/www/shop/views.py', '/home/me/shop/shop/views.py']);
    // Only the file name matches, and two files have it: ambiguous, so nothing.
    assert.deepEqual(paths('/srv/www/api/views.py', { knownFiles }), ['/srv/www/api/views.py']);
    // Only the file name, but just one file has it.
    assert.deepEqual(paths('/srv/www/x/models.py', { knownFiles }), ['/srv/www/x/models.py', '/home/me/shop/shop/models.py']);
    // __init__.py alone says nothing.
    assert.deepEqual(paths('/srv/pkg/__init__.py', { knownFiles: ['/home/me/other/__init__.py'] }), ['/srv/pkg/__init__.py']);
    // Windows local files, compared case-insensitively.
    assert.deepEqual(paths('/srv/Shop/Views.py', { knownFiles: ['C:\\code\\shop\\views.py'] }), ['/srv/Shop/Views.py', 'C:\\code\\shop\\views.py']);
  });

  it('never offers the same file twice', () => {
    const found = paths('/app/x.py', { mappings: [{ from: '/app', to: '/app' }], workspaceFolders: ['/'], serverCwd: '/', knownFiles: ['/app/x.py'] });
    assert.deepEqual(found, ['/app/x.py']);
  });

  it('says why built-ins, frozen modules and exec’d code have no source', () => {
    for (const [file, pattern] of [
      ['~', /built-in/],
      ['<frozen importlib._bootstrap>', /frozen module \(importlib\._bootstrap\)/],
      ['<string>', /compiled from <string>/],
      ['', /No file/],
    ] as const) {
      const result = sourceCandidates(file, lookup({ workspaceFolders: ['/w'] }));
      assert.deepEqual(result.candidates, []);
      assert.match(result.noSource ?? '', pattern);
    }
    assert.equal(noSourceReason('/app/x.py'), null);
  });

  it('explains a failed lookup with what was tried and how to fix it', () => {
    const tried = sourceCandidates('/app/x.py', lookup({ serverCwd: '/app', workspaceFolders: ['/home/me/shop'] })).candidates;
    const message = describeNoMatch('/app/x.py', tried);
    assert.match(message, /No local file found for \/app\/x\.py/);
    assert.match(message, /\/home\/me\/shop\/x\.py \(relative to workspace folder shop\)/);
    assert.match(message, /add a path mapping/);
    assert.match(describeNoMatch('/app/x.py', []), /no workspace folder is open/);
    assert.match(describeNoMatch('~', []), /built-in/);
  });

  it('suggests the mapping that would have found a file the user picked', () => {
    assert.deepEqual(suggestMapping('/app/shop/views.py', '/home/me/shop/views.py'), { from: '/app', to: '/home/me' });
    assert.deepEqual(suggestMapping('/app/views.py', 'C:\\Users\\me\\proj\\Views.py'), { from: '/app', to: 'C:\\Users\\me\\proj' });
    assert.equal(suggestMapping('/app/a.py', '/home/me/b.py'), null, 'different files');
    assert.equal(suggestMapping('/app/a.py', '/app/a.py'), null, 'nothing to map');
  });
});

describe('definitionLine', () => {
  const source = [
    'import functools', //                        1
    '', //                                        2
    '@app.route("/users/<id>",', //               3
    '           methods=["GET"])', //             4
    '@login_required', //                         5
    'def user(id):', //                           6
    '    return id', //                           7
    '', //                                        8
    'class View:', //                             9
    '    @cached(', //                           10
    '        key=lambda self: 1,', //            11
    '        doc="""', //                        12
    'def not_this():', //                        13
    '"""', //                                    14
    '    )', //                                  15
    '    async def get(self):', //               16
    '        pass', //                           17
    '@dataclass', //                             18
    'class Point:', //                           19
    '    x: int', //                             20
  ].join('\r\n');

  it('moves from the first decorator to the def', () => {
    assert.equal(definitionLine(source, 3), 6);
    assert.equal(definitionLine(source, 5), 6);
  });

  it('finds an indented async def after a multi-line decorator, skipping look-alikes in its arguments', () => {
    assert.equal(definitionLine(source, 10), 16);
  });

  it('finds a decorated class', () => {
    assert.equal(definitionLine(source, 18), 19);
  });

  it('leaves other lines alone, including out-of-range ones', () => {
    assert.equal(definitionLine(source, 6), 6);
    assert.equal(definitionLine(source, 1), 1);
    assert.equal(definitionLine(source, 0), 0);
    assert.equal(definitionLine(source, 99), 99);
    assert.equal(definitionLine('@broken\n', 1), 1, 'a decorator with nothing after it');
  });
});
