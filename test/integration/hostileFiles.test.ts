// The Profiles list and the views' loader over a corpus of hostile files (test/support/hostileFiles.ts):
// FIFOs, sockets, devices, folders, dangling and looping links, huge, empty, truncated and odd
// files. Every file is listed with a reason or as a profile, every load gives a document or a
// clear message, and nothing hangs.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { ProfileReadError } from '../../src/core/profileHeader';
import { withTimeout } from '../../src/core/withTimeout';
import { loadProfile } from '../../src/node/loadProfile';
import { makeHostileCorpus, type HostileCorpus, type Outcome } from '../support/hostileFiles';

const repoRoot = join(__dirname, '..', '..', '..');
/** Far above what the corpus takes (well under a second): only a hang gets near it. */
const HANG_GUARD_MS = 60_000;
const MAX_BYTES = 2 * 1024 * 1024;

function check(outcome: Outcome, got: { error?: string; ok: boolean }, what: string): void {
  if (outcome === 'profile') assert.ok(got.ok, `${what}: expected a profile, got "${got.error}"`);
  else assert.match(got.error ?? '(no error)', outcome, `${what}: expected a refusal matching ${outcome}`);
}

describe('hostile files', function () {
  this.timeout(HANG_GUARD_MS + 10_000);
  let root: string;
  let corpus: HostileCorpus;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'rp-hostile-'));
    corpus = await makeHostileCorpus(root, MAX_BYTES);
  });
  after(async () => {
    await corpus?.close();
    await rm(root, { recursive: true, force: true });
  });

  it('the Profiles list finishes and lists every file, as a profile or with the reason', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        [join(repoRoot, 'test', 'support', 'indexInChildProcess.mjs'), root, String(MAX_BYTES)],
        { timeout: HANG_GUARD_MS, cwd: repoRoot },
        (error, stdout, stderr) => {
          if (error)
            reject(new Error(error.killed ? `the index hung: killed after ${HANG_GUARD_MS / 1000} s` : `the index failed: ${stderr || error.message}`));
          else resolve(stdout);
        },
      );
    });
    const entries = JSON.parse(output) as { file: string; error?: string; path?: string }[];
    const byName = new Map(entries.map((e) => [basename(e.file), e]));
    for (const file of corpus.files) {
      const entry = byName.get(file.name);
      assert.ok(entry, `${file.name} (${file.what}) is listed`);
      check(file.listed, { error: entry.error, ok: entry.path !== undefined && !entry.error }, `${file.name} (${file.what}) in the list`);
    }
    assert.equal(entries.length, corpus.files.length, `only the corpus is listed: ${[...byName.keys()].join(', ')}`);
  });

  it('the loader gives a document or a clear ProfileReadError for every file, within the size limit', async () => {
    for (const file of corpus.files) {
      const what = `${file.name} (${file.what}) loaded`;
      let got: { error?: string; ok: boolean };
      try {
        const loaded = await withTimeout(loadProfile(join(root, file.name), { maxBytes: MAX_BYTES, timeoutMs: 30_000 }), HANG_GUARD_MS, `${what}: hung`);
        assert.ok(loaded.document.header, what);
        got = { ok: true };
      } catch (error) {
        assert.ok(error instanceof ProfileReadError, `${what}: ${(error as Error).stack}`);
        got = { ok: false, error: error.message };
      }
      check(file.loaded, got, what);
    }
  });
});
