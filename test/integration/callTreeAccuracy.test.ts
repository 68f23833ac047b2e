/**
 * End to end: a WSGI handler profiled by the bundled middleware under Debian's python3, its
 * profile read back into the call tree. The handler spends 60 / 30 / 10 % of its work in
 * three functions (all three through one shared helper, so the tree must also split the
 * helper's time between its callers): the tree's percentages must be those shares, and the
 * hot path must go through the 60 % one.
 *
 * What is checked is the way from the work to the tree (cProfile's records, the middleware's
 * file, the parser, the model, the apportioning), not the machine: cProfile times the app by
 * a work clock, which the helper advances by the work it does, so the shares are the same on
 * an idle machine and at any load. (By the wall clock, as before, a preempted call skewed the
 * shares; this test failed at load average 25.)
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CallTree, type FunctionNode } from '../../src/core/callTree';
import { requestHotPath } from '../../src/core/hotPath';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { assertTreeConsistent } from '../unit/callTreeSamples';

const REPO = resolve(__dirname, '../../..');

const APP = `
import cProfile, sys

# The profiler's clock: the work done so far (spin's iterations), in seconds of 0.1 us each.
work = [0]

def work_clock():
    return work[0] * 1e-7

class WorkClockProfile(cProfile.Profile):
    def __init__(self, *args, **kwargs):
        super().__init__(work_clock)

cProfile.Profile = WorkClockProfile  # what the middleware's Recorder makes
from request_profiler import ProfilerMiddleware

def spin(n):
    total = 0
    for i in range(n):
        total += i * i
    work[0] += n
    return total

UNIT = 10_000

def sixty():
    return spin(6 * UNIT)

def thirty():
    return spin(3 * UNIT)

def ten():
    return spin(1 * UNIT)

def handler(environ, start_response):
    # Many rounds: the helper has many calls from each caller to apportion.
    for _ in range(40):
        sixty(); thirty(); ten()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"done"]

middleware = ProfilerMiddleware(handler, profile_dir=sys.argv[1])
environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/shares", "QUERY_STRING": "", "SERVER_NAME": "localhost",
           "SERVER_PORT": "80", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1"}
body = middleware(environ, lambda status, headers, exc_info=None: None)
list(body)
getattr(body, "close", lambda: None)()
assert middleware.writer.flush(20), "the profile was not written"
assert work[0] == 40 * 10 * UNIT, "the handler ran"
`;

/** How far a share may be from its target: the clock's nanosecond rounding, nothing more. */
const TOLERANCE_POINTS = 0.1;

function profileShares(): ProfileDocument {
  const directory = mkdtempSync(join(tmpdir(), 'rp-accuracy-'));
  try {
    const run = spawnSync('/usr/bin/python3', ['-c', APP, directory], {
      env: { ...process.env, PYTHONPATH: join(REPO, 'python') },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(run.status, 0, `python3 failed: ${run.stderr || run.error}`);
    const files = readdirSync(directory).filter((name) => name.endsWith('.rprof.json'));
    assert.equal(files.length, 1, `profiles written: ${files.join(', ')}`);
    return JSON.parse(readFileSync(join(directory, files[0]), 'utf8')) as ProfileDocument;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

describe('call tree accuracy on a real profile (python3 + the middleware)', function () {
  this.timeout(90_000);
  let document: ProfileDocument;
  before(() => {
    document = profileShares();
  });

  function childNamed(tree: CallTree, parentId: string, name: string): FunctionNode {
    const child = tree.children(parentId).find((c) => tree.model.functions[c.fn].name === name);
    assert.ok(child, `${name} under ${parentId}`);
    return child;
  }

  for (const foldLibraries of [false, true]) {
    it(`gives the 60 / 30 / 10 shares${foldLibraries ? ' with library frames folded' : ''}`, () => {
      const model = buildProfileModel(document.profile, document.paths);
      const tree = new CallTree(model, { foldLibraries, threshold: 0 });
      const handler = tree.roots().find((r) => model.functions[r.fn].name === 'handler');
      assert.ok(handler, 'the handler is the root');
      const shares = ['sixty', 'thirty', 'ten'].map((name) => childNamed(tree, handler.id, name).fraction * 100);
      const expected = [60, 30, 10];
      shares.forEach((share, i) => assert.ok(Math.abs(share - expected[i]) <= TOLERANCE_POINTS, `${expected[i]} % measured as ${share.toFixed(3)} %`));
      // The helper has three callers: under each it gets its caller's share of its time.
      const spinUnderSixty = childNamed(tree, `${handler.id}/${childNamed(tree, handler.id, 'sixty').fn}`, 'spin');
      assert.ok(Math.abs(spinUnderSixty.fraction * 100 - 60) <= TOLERANCE_POINTS, `spin under sixty: ${(spinUnderSixty.fraction * 100).toFixed(3)} %`);
      assert.equal(spinUnderSixty.exact, false);
      assertTreeConsistent(tree);
    });
  }

  it('puts the 60 % function on the hot path', () => {
    const model = buildProfileModel(document.profile, document.paths);
    const tree = new CallTree(model);
    const names = requestHotPath(tree).map((id) => model.functions[Number(id.split('/').pop())].name);
    assert.deepEqual(names.slice(0, 3), ['handler', 'sixty', 'spin']);
  });
});
