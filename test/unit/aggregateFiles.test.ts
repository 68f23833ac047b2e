/**
 * Reading, merging and writing aggregates on real files (src/node/aggregateFiles.ts): the
 * merge of files equals mergeProfiles of the same documents, unreadable files are left out
 * with the loader's reason, a cancelled merge gives nothing, and the folder keeps the newest 20.
 */
import * as assert from 'node:assert/strict';
import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AGGREGATES_KEPT } from '../../src/core/aggregateFile';
import { mergeProfiles } from '../../src/core/mergeProfiles';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { mergeProfileFiles, writeAggregateFile } from '../../src/node/aggregateFiles';
import { DEFAULT_READ_LIMITS } from '../../src/node/readLimits';
import { temporaryFolderEachTest } from '../support/temporaryFolder';

const PROFILES = resolve(__dirname, '../../../test/fixtures/profiles');
const PARTS = ['-GET-api_users_7-', '-GET-root-', '-GET-slow-', '-GET-api_users_8-'];

function fixtureName(part: string): string {
  return readdirSync(PROFILES).find((n) => n.includes(part) && n.endsWith('.rprof.json')) ?? assert.fail(part);
}

describe('aggregate files', () => {
  let folder = '';
  temporaryFolderEachTest('aggregate-files-', (f) => (folder = f));

  function copies(): string[] {
    return PARTS.map((part) => {
      const name = fixtureName(part);
      copyFileSync(join(PROFILES, name), join(folder, name));
      return join(folder, name);
    });
  }

  it('merges files as mergeProfiles merges their documents, leaving out unreadable ones with the reason', async () => {
    const files = copies();
    const broken = join(folder, 'broken-truncated.rprof.json');
    copyFileSync(join(PROFILES, 'broken-truncated.rprof.json'), broken);
    const progress: number[] = [];
    const merged = await mergeProfileFiles(
      [files[0], broken, ...files.slice(1), join(folder, 'gone.rprof.json')],
      DEFAULT_READ_LIMITS,
      {},
      {
        onProgress: (done) => progress.push(done),
      },
    );
    assert.ok(merged?.result.ok);
    const expected = mergeProfiles(files.map((f) => parseProfileDocument(readFileSync(f, 'utf-8'))));
    assert.deepEqual(merged.result, expected);
    assert.deepEqual(
      merged.unreadable.map((u) => u.file),
      [broken, join(folder, 'gone.rprof.json')],
    );
    assert.match(merged.unreadable[1].reason, /gone\.rprof\.json no longer exists/);
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
  });

  it('gives nothing once cancelled', async () => {
    const files = copies();
    let done = 0;
    const merged = await mergeProfileFiles(files, DEFAULT_READ_LIMITS, {}, { onProgress: (n) => (done = n), isCancelled: () => done >= 2 });
    assert.equal(merged, undefined);
    assert.equal(done, 2);
  });

  it('writes an aggregate that reads back as it was, and keeps the newest aggregates only', async () => {
    const files = copies();
    const result = mergeProfiles(files.map((f) => parseProfileDocument(readFileSync(f, 'utf-8'))));
    if (!result.ok) return assert.fail(result.reason);
    const out = join(folder, 'aggregates');
    const written: string[] = [];
    for (let i = 0; i < AGGREGATES_KEPT + 3; i++) written.push(await writeAggregateFile(out, result.document, new Date(Date.UTC(2026, 0, 1, 0, 0, i))));
    writeFileSync(join(out, 'other.txt'), 'left alone');
    await writeAggregateFile(out, result.document, new Date(Date.UTC(2026, 0, 1, 0, 1)));
    const left = readdirSync(out).sort();
    assert.equal(left.length, AGGREGATES_KEPT + 1);
    assert.ok(left.includes('other.txt'));
    assert.ok(!left.includes(written[3].slice(out.length + 1)), 'the oldest are gone');
    assert.ok(left.includes(written.at(-1)!.slice(out.length + 1)));
    assert.deepEqual(parseProfileDocument(readFileSync(written.at(-1)!, 'utf-8')), JSON.parse(JSON.stringify(result.document)));
  });
});
