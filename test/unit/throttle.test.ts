/** src/core/throttle.ts on a fake clock: at most one run per interval, requests in between merged. */
import * as assert from 'node:assert/strict';
import { Throttle, type ThrottleClock } from '../../src/core/throttle';

/** A clock whose time moves only when told, running the timers that fall due. */
class FakeClock implements ThrottleClock {
  time = 10_000;
  private timers = new Map<number, { at: number; run: () => void }>();
  private nextId = 1;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + ms, run });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  advance(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const due = [...this.timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].run();
    }
    this.time = until;
  }
  get pending(): number {
    return this.timers.size;
  }
}

describe('Throttle', () => {
  it('runs the first request at once and merges the ones within the interval into one run after it', () => {
    const clock = new FakeClock();
    const runs: number[] = [];
    const throttle = new Throttle(1000, () => runs.push(clock.now()), clock);
    throttle.request();
    clock.advance(0);
    assert.deepEqual(runs, [10_000]);
    for (let i = 0; i < 50; i++) {
      clock.advance(10);
      throttle.request();
    }
    assert.deepEqual(runs, [10_000], 'nothing more within the interval');
    assert.equal(clock.pending, 1, 'one run scheduled for all 50 requests');
    clock.advance(1000);
    assert.deepEqual(runs, [10_000, 11_000]);
    clock.advance(5000);
    assert.deepEqual(runs, [10_000, 11_000], 'no request, no run');
  });

  it("counts a run asked for directly as the interval's, and drops a cancelled one", () => {
    const clock = new FakeClock();
    let runs = 0;
    const throttle = new Throttle(1000, () => runs++, clock);
    throttle.request();
    throttle.run();
    assert.equal(runs, 1);
    assert.equal(clock.pending, 0, 'the scheduled run was the one just made');
    throttle.request();
    clock.advance(999);
    assert.equal(runs, 1);
    clock.advance(1);
    assert.equal(runs, 2);
    throttle.request();
    throttle.cancel();
    clock.advance(5000);
    assert.equal(runs, 2);
  });
});
