// Runs the extension's real ProfileLibrary over one folder in a process of its own and prints
// the entries as JSON: a test can then kill it if it hangs (a read blocking the main thread
// would stop the test runner's own timers too).
//
//   node test/support/indexInChildProcess.mjs <folder> <maxBytes>
import { loadProfileLibrary } from './loadProfileLibrary.mjs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const [folder, maxBytes] = process.argv.slice(2);
const { ProfileLibrary } = await loadProfileLibrary(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
const library = new ProfileLibrary({}, { maxBytes: Number(maxBytes), timeoutMs: 30_000 });
await library.setDirectories([folder]);
const entries = library.index.list().map((e) => ({ file: e.file, error: e.error, path: e.header?.path }));
await library.dispose();
process.stdout.write(JSON.stringify(entries));
process.exit(0);
