// A read that stalls (a hung network share) is given up at the time limit, with a message:
// real time and a writer process, hence not a unit test (test/unit/boundedRead.test.ts has the rest).
import * as assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { ProfileReadError } from '../../src/core/profileHeader';
import { readPrefix, withTimeLimit } from '../../src/node/boundedRead';
import { temporaryFolderEachTest } from '../support/temporaryFolder';

describe('bounded profile reads (stalled)', function () {
  this.timeout(20_000);
  let root = '';
  temporaryFolderEachTest('rp-stalled-', (folder) => (root = folder));

  it('gives up a read that stalls, at the time limit, with a message', async function () {
    // A FIFO opened for blocking reads while a writer holds it open and writes nothing: a read
    // that never returns, as on a hung network share.
    const fifo = join(root, 'stalled');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'exec 3>"$0"; sleep 30', fifo], { stdio: 'ignore' });
    try {
      const handle = await open(fifo, 'r'); // returns once the writer has it open
      try {
        const started = Date.now();
        await assert.rejects(
          withTimeLimit(300, 'Reading stalled took longer than 0.3 s', (deadline) =>
            readPrefix(handle.fd, { maxBytes: 1024, firstChunk: 64, deadline, timeMessage: 'late' }),
          ),
          (error: Error) => error instanceof ProfileReadError && error.message === 'Reading stalled took longer than 0.3 s',
        );
        assert.ok(Date.now() - started < 15_000, 'gave up long before the writer went away');
      } finally {
        writer.kill(); // the stalled read now ends (end of file), freeing its thread
        await handle.close();
      }
    } finally {
      writer.kill();
    }
  });
});
