// Times the phases of a runner and prints them, so slow steps are visible in CI logs.
export function createPhaseTimer(label) {
  const phases = [];
  return {
    /** Runs fn as the named phase and records how long it took, also when it throws. */
    async time(name, fn) {
      const started = performance.now();
      console.log(`[${label}] ${name} ...`);
      try {
        return await fn();
      } finally {
        phases.push({ name, ms: performance.now() - started });
      }
    },
    report() {
      const width = Math.max(...phases.map((p) => p.name.length), 5);
      const total = phases.reduce((sum, p) => sum + p.ms, 0);
      console.log(`\n[${label}] phase timings`);
      for (const p of phases) console.log(`  ${p.name.padEnd(width)}  ${(p.ms / 1000).toFixed(1).padStart(6)} s`);
      console.log(`  ${'total'.padEnd(width)}  ${(total / 1000).toFixed(1).padStart(6)} s`);
    },
  };
}
