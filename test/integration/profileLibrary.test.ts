import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ProfileLibrary } from '../../src/node/profileLibrary';
import { pstatsFixturePath } from '../fixtures/pstats/loadFixtures';
import { makeHeader, profileText } from '../unit/profileSamples';

/** Resolves when check() holds after a change of the library's profiles or watch state, or fails after timeoutMs. */
function until(library: ProfileLibrary, check: () => boolean, what = 'the library', timeoutMs = 8000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const recheck = () => {
      if (check()) {
        clearTimeout(timer);
        stop();
        resolve();
      }
    };
    const stopChanges = library.onDidChange(recheck);
    const stopStatus = library.onDidChangeStatus(recheck);
    const stop = () => {
      stopChanges();
      stopStatus();
    };
  });
}

/** Writes a profile the way the middleware does: a temporary dot-file renamed into place. */
async function writeProfile(directory: string, name: string, text: string): Promise<string> {
  const temporary = join(directory, `.${name}.tmp`);
  await writeFile(temporary, text);
  await rename(temporary, join(directory, name));
  return join(directory, name);
}

describe('ProfileLibrary (real files, real watcher)', function () {
  this.timeout(10_000);
  let root: string;
  let library: ProfileLibrary;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rp-lib-'));
    library = new ProfileLibrary({ coalesceMs: 10 });
  });
  afterEach(async () => {
    await library.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('indexes existing profiles, lists broken ones last, ignores other files', async () => {
    await writeProfile(root, 'a.rprof.json', profileText(makeHeader({ path: '/a', start: 1 })));
    await writeProfile(root, 'b.rprof.json', profileText(makeHeader({ path: '/b', start: 2 })));
    await writeFile(join(root, 'broken.rprof.json'), '{"format":"request-profiler","vers');
    await writeFile(join(root, 'notes.txt'), 'hello');
    await writeFile(join(root, '.c.rprof.json.tmp'), 'partial');
    await library.setDirectories([root]);
    const list = library.index.list();
    assert.deepEqual(
      list.map((e) => e.header?.path ?? e.error),
      ['/b', '/a', 'Truncated: the header line is incomplete.'],
    );
  });

  it('reflects new, changed and removed files live, never showing temporary files', async () => {
    await library.setDirectories([root]);
    assert.equal(library.status(root)?.state, 'watching');
    const seen: number[] = [];
    library.onDidChange(() => seen.push(library.index.size));
    const file = await writeProfile(root, 'x.rprof.json', profileText(makeHeader({ path: '/x' })));
    await until(library, () => library.index.size === 1);
    assert.equal(library.index.get(file)?.header?.path, '/x');
    await writeFile(join(root, '.y.rprof.json.tmp'), 'in progress');
    await writeProfile(root, 'x.rprof.json', profileText(makeHeader({ path: '/x2' })));
    await until(library, () => library.index.get(file)?.header?.path === '/x2');
    await rm(file);
    await until(library, () => library.index.size === 0);
    assert.ok(
      seen.every((size) => size <= 1),
      'the temporary file was never listed',
    );
  });

  it('waits for a directory that does not exist yet, and follows its removal and re-creation', async () => {
    const directory = join(root, 'later', '.profiles');
    await library.setDirectories([directory]);
    assert.equal(library.status(directory)?.state, 'waiting-for-directory');
    await mkdir(directory, { recursive: true });
    await until(library, () => library.status(directory)?.state === 'watching', 'the watcher on the created directory');
    await writeProfile(directory, 'n.rprof.json', profileText(makeHeader({ path: '/n' })));
    await until(library, () => library.index.size === 1, 'the first profile');
    await rm(directory, { recursive: true });
    await until(library, () => library.index.size === 0, 'the removed directory to empty the list');
    await mkdir(directory);
    await writeProfile(directory, 'm.rprof.json', profileText(makeHeader({ path: '/m' })));
    await until(library, () => library.index.list()[0]?.header?.path === '/m', 'the profile in the re-created directory');
  });

  it('stops listing a directory that is no longer watched', async () => {
    const other = join(root, 'other');
    await mkdir(other);
    await writeProfile(other, 'o.rprof.json', profileText(makeHeader({ path: '/o' })));
    await library.setDirectories([root, other]);
    assert.equal(library.index.size, 1);
    await library.setDirectories([root]);
    assert.equal(library.index.size, 0);
  });
});

describe('ProfileLibrary with pstats files', function () {
  this.timeout(10_000);
  let root: string;
  let library: ProfileLibrary;
  const werkzeugFixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'pstats', 'werkzeug');

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rp-pstats-'));
    library = new ProfileLibrary({ coalesceMs: 10 });
  });
  afterEach(async () => {
    await library.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it("lists Werkzeug's profiles with method, path and time from their names", async () => {
    // Werkzeug's default name, {method}.{path}.{elapsed:.0f}ms.{time:.0f}.prof: the request began elapsed before time.
    const startOf = (name: string) => {
      const [, elapsedMs, time] = /\.(\d+)ms\.(\d+)\.prof$/.exec(name)!;
      return Number(time) - Number(elapsedMs) / 1000;
    };
    const [getRoot, deleteUser] = ['werkzeug/GET.root.', 'werkzeug/DELETE.users.7.'].map((prefix) => basename(pstatsFixturePath(prefix)));
    for (const name of [getRoot, deleteUser]) await copyFile(join(werkzeugFixtures, name), join(root, name));
    await library.setDirectories([root]);
    const rows = library.index.list().map((e) => [e.format, e.header?.method, e.header?.path, e.header?.start]);
    assert.deepEqual(rows.sort(), [
      ['pstats', 'DELETE', '/users/7', startOf(deleteUser)],
      ['pstats', 'GET', '/', startOf(getRoot)],
    ]);
  });

  it('lists a plain cProfile output by name, refuses a non-pstats .prof, and hides the .prof copy of a profile', async () => {
    await copyFile(join(werkzeugFixtures, '..', 'cprofile-py3.12.prof'), join(root, 'output.prof'));
    await writeFile(join(root, 'bogus.prof'), 'hello');
    await writeProfile(root, 'r.rprof.json', profileText(makeHeader({ path: '/r' })));
    await copyFile(join(werkzeugFixtures, '..', 'cprofile-py3.12.prof'), join(root, 'r.prof'));
    await library.setDirectories([root]);
    const byName = new Map(library.index.list().map((e) => [e.file.split('/').pop(), e]));
    assert.deepEqual([...byName.keys()].sort(), ['bogus.prof', 'output.prof', 'r.rprof.json']);
    assert.equal(byName.get('output.prof')?.header?.method, '');
    assert.match(byName.get('bogus.prof')?.error ?? '', /Not a pstats file/);
    // A .prof written after its profile is not listed either.
    await writeProfile(root, 's.rprof.json', profileText(makeHeader({ path: '/s' })));
    await until(library, () => library.index.size === 4);
    await copyFile(join(werkzeugFixtures, '..', 'cprofile-py3.12.prof'), join(root, 's.prof'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(library.index.get(join(root, 's.prof')), undefined);
  });
});

describe('DirectoryWatcher when the system runs out of file watches', function () {
  this.timeout(10_000);

  it('falls back to polling, says why, and keeps reporting new profiles', async () => {
    const root = await mkdtemp(join(tmpdir(), 'rp-enospc-'));
    const library = new ProfileLibrary({ coalesceMs: 10, pollIntervalMs: 50 });
    try {
      const notices: string[] = [];
      library.onDidChangeStatus((status) => status.message && notices.push(status.message));
      await library.setDirectories([root]);
      // What a watch reports when inotify's limit is hit: an 'error' event with code ENOSPC.
      type Internals = { handleError(error: Error, generation: number): Promise<void>; generation: number };
      const watcher = (library as unknown as { watchers: Map<string, Internals> }).watchers.get(root)!;
      await watcher.handleError(Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }), watcher.generation);
      await until(library, () => library.status(root)?.state === 'polling', 'polling');
      assert.match(notices.join('\n'), /file-watch limit was reached \(ENOSPC\); watching .* by polling instead/);
      await writeProfile(root, 'p.rprof.json', profileText(makeHeader({ path: '/polled' })));
      await until(library, () => library.index.list()[0]?.header?.path === '/polled', 'the profile seen by polling');
    } finally {
      await library.dispose();
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe('ProfileLibrary and files that are not profiles', function () {
  this.timeout(15_000);
  let root: string;
  let library: ProfileLibrary;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'rp-lib-odd-'));
    library = new ProfileLibrary({ coalesceMs: 10 });
  });
  afterEach(async () => {
    await library.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('lists a FIFO, a folder, a dangling link and a looping link that appear while watching, each with the reason', async () => {
    await library.setDirectories([root]);
    execFileSync('mkfifo', [join(root, 'fifo.rprof.json')]);
    await mkdir(join(root, 'folder.rprof.json'));
    await symlink(join(root, 'gone', 'x.rprof.json'), join(root, 'dangling.rprof.json'));
    await symlink(join(root, 'loop.rprof.json'), join(root, 'loop.rprof.json'));
    await until(library, () => library.index.size === 4, 'all four to be listed');
    const reason = (name: string) => library.index.get(join(root, name))?.error ?? '';
    assert.match(reason('fifo.rprof.json'), /named pipe \(FIFO\)/);
    assert.match(reason('folder.rprof.json'), /folder/);
    assert.equal(reason('dangling.rprof.json'), `Dangling link to ${join(root, 'gone', 'x.rprof.json')}: nothing is there.`);
    assert.match(reason('loop.rprof.json'), /The link loops/);
    await rm(join(root, 'fifo.rprof.json'));
    await until(library, () => library.index.size === 3, 'the removed FIFO to go');
  });

  it('lists a file over the size limit with the limit and its setting, and lists it again when the limit is raised', async () => {
    const file = await writeProfile(root, 'big.rprof.json', profileText(makeHeader({ path: '/big' })));
    library = new ProfileLibrary({ coalesceMs: 10 }, { maxBytes: 100, timeoutMs: 5000 });
    await library.setDirectories([root]);
    assert.match(library.index.get(file)?.error ?? '', /^big\.rprof\.json is [\d.]+ KiB, over the 100 B limit \(requestProfiler\.maxProfileSizeMB\)\.$/);
    await library.setReadLimits({ maxBytes: 1024 * 1024, timeoutMs: 5000 });
    assert.equal(library.index.get(file)?.header?.path, '/big');
  });
});
