/** Temporary folders for tests that need real files. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * In a describe block: before each test, a new empty folder under the system's temporary
 * directory (named with prefix), given to use; after each test, the folder is removed.
 */
export function temporaryFolderEachTest(prefix: string, use: (folder: string) => void): void {
  let folder = '';
  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), prefix));
    use(folder);
  });
  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });
}
