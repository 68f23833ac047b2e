// The views' one loader and its bounded reads: the size limit holds when the file system gives
// a wrong size, a byte-order mark is accepted, and the call graph gets the file's bytes to send
// on. (A read that stalls, given up at the time limit, is test/integration/stalledRead.test.ts.)
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ProfileReadError } from '../../src/core/profileHeader';
import { pstatsFixturePath } from '../fixtures/pstats/loadFixtures';
import { loadProfile, readProfileFile } from '../../src/node/loadProfile';
import { readProfileEntry } from '../../src/node/profileFiles';
import { validProfile } from '../support/hostileFiles';
import { temporaryFolderEachTest } from '../support/temporaryFolder';

describe('bounded profile reads', function () {
  this.timeout(20_000);
  let root = '';
  temporaryFolderEachTest('rp-bounded-', (folder) => (root = folder));

  it('stops at the size limit when the file system says the file is smaller (/proc files say 0 bytes)', async function () {
    const procFile = '/proc/self/mountinfo';
    if (!existsSync(procFile) || readFileSync(procFile).length < 300) this.skip();
    const link = join(root, 'proc.rprof.json');
    await symlink(procFile, link);
    await assert.rejects(
      loadProfile(link, { maxBytes: 256, timeoutMs: 5000 }),
      (error: Error) =>
        error instanceof ProfileReadError &&
        /proc\.rprof\.json is larger than it says \(reading stopped at 256 B\), over the 256 B limit \(requestProfiler\.maxProfileSizeMB\)/.test(error.message),
    );
    // The list reads only up to the first newline, also bounded: a first line over the limit is refused.
    const entry = await readProfileEntry(link, root, { maxBytes: 16 });
    assert.match(entry?.error ?? '', /larger than it says/);
  });

  it('refuses a file over the limit by its size, before reading it', async () => {
    const file = join(root, 'big.rprof.json');
    await writeFile(file, validProfile('/big'));
    const size = readFileSync(file).length;
    await assert.rejects(readProfileFile(file, { maxBytes: size - 1, timeoutMs: 5000 }), /big\.rprof\.json is .* over the .* limit/);
    assert.equal(
      ((await readProfileFile(file, { maxBytes: size, timeoutMs: 5000 })) as { bytes: Uint8Array }).bytes.length,
      size,
      'exactly at the limit is fine',
    );
  });

  it('accepts a leading UTF-8 byte-order mark in the list, the call tree and the call graph', async () => {
    const file = join(root, 'bom.rprof.json');
    await writeFile(file, '\ufeff' + validProfile('/bom'));
    assert.equal((await readProfileEntry(file, root))?.header?.path, '/bom');
    const content = await readProfileFile(file);
    assert.ok('header' in content && content.header.path === '/bom');
    assert.equal((await loadProfile(file)).document.header.path, '/bom');
  });

  it('lists a profile whose header line is over 64 KiB, as the views open it', async () => {
    const file = join(root, 'long.rprof.json');
    const path = `/${'p'.repeat(100 * 1024)}`;
    await writeFile(file, validProfile('/long').replace('"path":"/long"', `"path":"${path}"`));
    const entry = await readProfileEntry(file, root);
    assert.equal(entry?.error, undefined);
    assert.equal(entry?.header?.path, path);
    assert.equal((await loadProfile(file)).document.header.path, path);
  });

  it("keeps the JSON file's bytes for the call graph page, as a plain Uint8Array; pstats files have none", async () => {
    const file = join(root, 'a.rprof.json');
    const text = validProfile('/a');
    await writeFile(file, text);
    const loaded = await loadProfile(file);
    assert.equal(loaded.bytes?.constructor, Uint8Array, 'not a Buffer: VS Code would send a Buffer as a list of numbers');
    assert.equal(Buffer.from(loaded.bytes!).toString('utf8'), text);
    const werkzeug = await loadProfile(pstatsFixturePath('werkzeug/GET.items.42.'));
    assert.equal(werkzeug.bytes, undefined);
    assert.ok(werkzeug.pstats);
  });
});
