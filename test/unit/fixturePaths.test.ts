import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Fixtures are recorded as if on a neutral machine (scripts/make-fixtures.py and
 * scripts/make-pstats-fixtures.py: the app under /srv/app, the interpreter under
 * /usr/local, the home folder /home/app), so that no test depends on, or shows, the
 * machine they were made on.
 */
const FIXTURES = join('test', 'fixtures');

/** Places that only exist on the machine a fixture was made on (or on the one reading it). */
const MACHINE_PATHS = [
  /\/(tmp|root|work|Users|private\/var)\//,
  /\/home\/(?!app\b)/,
  /\.pyenv\//,
  ...[process.cwd(), homedir(), tmpdir()].map((path) => new RegExp(`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`)),
];

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

describe('fixtures', () => {
  it('carry no path of the machine they were made on, in their text or their marshalled bytes', () => {
    const files = filesUnder(FIXTURES);
    assert.ok(files.some((f) => f.endsWith('.prof')) && files.some((f) => f.endsWith('.rprof.json')));
    const found = files.flatMap((file) => {
      // latin1: every byte one character, so paths inside marshal data are seen as well.
      const text = readFileSync(file, 'latin1');
      return MACHINE_PATHS.flatMap((pattern) => {
        const match = pattern.exec(text);
        return match ? [`${file}: ${text.slice(Math.max(0, match.index - 10), match.index + 50)}`] : [];
      });
    });
    assert.deepEqual(found, []);
  });
});
