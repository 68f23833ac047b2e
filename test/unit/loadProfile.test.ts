import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileReadError } from '../../src/core/profileHeader';
import { pstatsFixturePath } from '../fixtures/pstats/loadFixtures';
import { loadProfile } from '../../src/node/loadProfile';

const fixtures = join(__dirname, '..', '..', '..', 'test', 'fixtures');

describe('loadProfile', () => {
  it("loads the middleware's profiles and pstats files into the same document shape", async () => {
    const slow = readdirSync(join(fixtures, 'profiles')).find((n) => n.includes('-GET-slow-') && n.endsWith('.rprof.json'))!;
    const ours = await loadProfile(join(fixtures, 'profiles', slow));
    assert.equal(ours.document.header.path, '/slow');
    assert.equal(ours.pstats, undefined);
    const werkzeug = await loadProfile(pstatsFixturePath('werkzeug/GET.items.42.'));
    assert.equal(werkzeug.document.header.method, 'GET');
    assert.ok(werkzeug.document.profile.functions.length > 0);
    assert.ok(werkzeug.pstats?.unknownFields.includes('status'));
  });

  it('gives a ProfileReadError for missing, broken and non-pstats files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rp-load-'));
    try {
      await writeFile(join(dir, 'bogus.prof'), 'hello');
      const cases: [string, RegExp][] = [
        [join(dir, 'missing.rprof.json'), /^missing\.rprof\.json no longer exists\.$/],
        [join(fixtures, 'profiles', 'broken-truncated.rprof.json'), /Truncated/],
        [join(dir, 'bogus.prof'), /./],
      ];
      for (const [file, message] of cases) {
        await assert.rejects(loadProfile(file), (error: Error) => error instanceof ProfileReadError && message.test(error.message));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
