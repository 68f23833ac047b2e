/**
 * Runs an action at most once per interval however often it is asked for: the first request at
 * once (or as soon as the interval since the last run allows), the ones that come meanwhile
 * together in one run after. The Endpoints overview recomputes through it while a load test
 * writes hundreds of profiles a second. Pure: the clock and timers can be given (tests).
 */

export interface ThrottleClock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};

export class Throttle {
  private timer: unknown;
  private lastRun = -Infinity;

  constructor(
    private readonly intervalMs: number,
    private readonly action: () => void,
    private readonly clock: ThrottleClock = realClock,
  ) {}

  /** Asks for a run: one is scheduled unless one already is. */
  request(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastRun + this.intervalMs - this.clock.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, wait);
  }

  /** Runs now (a run asked for by other means), which counts as the interval's run. */
  run(): void {
    this.cancel();
    this.lastRun = this.clock.now();
    this.action();
  }

  /** Drops a scheduled run. */
  cancel(): void {
    if (this.timer === undefined) return;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
