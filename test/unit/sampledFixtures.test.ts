/**
 * The views of the real sampled profiles in test/fixtures/sampled/ (scripts/make-sampled-fixtures.py):
 * the samples differ on every regeneration, so the expectations come from each file's own
 * stacks and from what the middleware derived from them (its functions table).
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CallTree } from '../../src/core/callTree';
import { CallersTree } from '../../src/core/callers';
import { flameFromStacks, functionPath, type FlameNode } from '../../src/core/flameGraph';
import { requestHotPath } from '../../src/core/hotPath';
import { isSampled, type ProfileDocument, type SampledStack } from '../../src/core/profileFormat';
import { parseProfileDocument } from '../../src/core/profileHeader';
import { buildProfileModel, type ProfileModel } from '../../src/core/profileModel';
import { sampledFunctionFigures, stacksTime } from '../../src/core/sampledFunctions';
import { assertTreeConsistent } from './callTreeSamples';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/sampled');

function opened(path: string): { document: ProfileDocument; model: ProfileModel; stacks: SampledStack[] } {
  const name = readdirSync(FIXTURES).find((n) => n.endsWith('.rprof.json') && JSON.parse(readFileSync(join(FIXTURES, n), 'utf8')).header.path === path);
  assert.ok(name, `a sampled fixture for ${path}`);
  const document = parseProfileDocument(readFileSync(join(FIXTURES, name), 'utf8'));
  assert.ok(isSampled(document.profile));
  return { document, model: buildProfileModel(document.profile, document.paths), stacks: document.profile.stacks };
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

for (const path of ['/slow', '/async/checksum']) {
  describe(`the sampled fixture of GET ${path}`, () => {
    const { model, stacks } = opened(path);

    it('has a call tree that agrees with the flame graph on every frame, with and without folding, marking nothing as an estimate', () => {
      for (const foldLibraries of [false, true]) {
        const tree = new CallTree(model, { threshold: 0, foldLibraries }, stacks);
        const graph = flameFromStacks(model, stacks, { foldLibraries });
        const pending: FlameNode[] = [...graph.root.children];
        let frames = 0;
        while (pending.length) {
          const frame = pending.pop()!;
          pending.push(...frame.children);
          if (frame.kind !== 'function') continue;
          frames++;
          const node = tree.nodeAt(functionPath(frame));
          assert.ok(node, functionPath(frame).join('/'));
          assert.deepEqual([node.total, node.own, node.nc, node.exact], [frame.total, frame.self, frame.samples, true]);
        }
        assert.ok(frames > 0);
        assertTreeConsistent(tree);
        near(tree.totalTime, stacksTime(stacks), 'the tree’s whole');
        assert.ok(requestHotPath(tree).length > 0);
      }
    });

    it('has the middleware’s totals, samples and (running) own times per function, read from the stacks', () => {
      const figures = sampledFunctionFigures(model.functions.length, stacks);
      for (const f of model.functions) {
        near(figures.total[f.index], f.ct, `${f.name} total`);
        assert.equal(figures.samples[f.index], f.nc, `${f.name} samples`);
        near(figures.own[f.index] + figures.awaiting[f.index], f.tt, `${f.name} own and awaiting`);
      }
    });

    it('has callers adding up to each function’s total', () => {
      for (const f of model.functions) {
        const tree = new CallersTree(model, f.index, stacks, stacksTime(stacks));
        near(tree.root().time, f.ct, `${f.name}`);
        const entered = stacks.filter(([frames]) => frames[0] === f.index).reduce((sum, s) => sum + s[3], 0);
        const callers = tree.callers(tree.root().id).reduce((sum, c) => sum + c.time, 0);
        near(callers + entered, f.ct, `${f.name}: callers and the stacks it is the root of`);
      }
    });
  });
}

describe('the sampled fixture of an asyncio request', () => {
  const { model, stacks } = opened('/async/checksum');
  const tree = new CallTree(model, { threshold: 0 }, stacks);
  const fn = (name: string) => model.functions.findIndex((f) => f.name === name);

  it('gives checksum under each caller the time of its own stacks', () => {
    for (const caller of ['lookup', 'summary']) {
      const path = [fn('asgi_app'), fn(caller), fn('checksum')];
      const expected = stacks.filter(([frames]) => frames.length >= 3 && frames.slice(0, 3).every((f, i) => f === path[i])).reduce((sum, s) => sum + s[3], 0);
      assert.ok(expected > 0, `${caller} was sampled in checksum`);
      near(tree.nodeAt(path)?.total ?? NaN, expected, `checksum under ${caller}`);
    }
  });

  it('shows the awaited sleep as awaiting, not as anyone’s own time', () => {
    const waiting = stacks.filter((s) => s[2]);
    assert.ok(waiting.length > 0);
    for (const [frames, , , wall] of waiting) {
      const node = tree.nodeAt(frames) ?? assert.fail(frames.join('/'));
      const awaiting = tree.awaitingChild(node.id) ?? assert.fail(`awaiting under ${node.id}`);
      assert.ok(awaiting.total >= wall);
    }
  });
});
