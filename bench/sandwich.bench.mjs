// Benchmarks building a function's sandwich (src/core/sandwich.ts), next to building the whole
// flame graph of the same profile in the same run (what the Flame tab does when shown), so the
// ratio reads the same on any machine:
// - the large cProfile profile (test/support/makeLargeProfile.mjs: 20,000 functions, 100,000
//   edges): the sandwich of the costliest function below the entry point, of a function with
//   the most callers, and of a median one, with library frames shown and folded;
// - a 100,000-deep chain (test/support/makeDeepChain.mjs), as cProfile pairs and as one sampled
//   stack: the sandwich of the function in the middle.
//
//   node --expose-gc bench/sandwich.bench.mjs
import { makeDeepChainData } from '../test/support/makeDeepChain.mjs';
import { makeLargeProfileData } from '../test/support/makeLargeProfile.mjs';
import { CONTAINER_PATHS } from '../test/support/profileDocument.mjs';
import { importCore } from './bundleCore.mjs';
import { median, ms, timed } from './timing.mjs';

const RUNS = 5;

const core = await importCore([
  "export { buildProfileModel } from './src/core/profileModel';",
  "export { CallTree } from './src/core/callTree';",
  "export { flameFromCallTree } from './src/core/flameFromCallTree';",
  "export { flameFromStacks } from './src/core/flameGraph';",
  "export { sandwichFromPairs, sandwichFromStacks } from './src/core/sandwich';",
]);

/** The median of RUNS timings of action, and the size of what it built (frames in both halves). */
function measure(action) {
  const times = [];
  let result;
  for (let i = 0; i < RUNS; i++) {
    const [time, value] = timed(action);
    times.push(time);
    result = value;
  }
  return [median(times), result];
}

function frames(graph) {
  let count = 0;
  const pending = [graph.root];
  while (pending.length) {
    const node = pending.pop();
    count++;
    for (const child of node.children) pending.push(child);
  }
  return count;
}

function line(label, time, flameTime, size) {
  console.log(`  ${label.padEnd(52)} ${ms(time).padStart(10)}   ${(time / flameTime).toFixed(2)}× the flame graph   ${size}`);
}

const large = core.buildProfileModel(makeLargeProfileData(), CONTAINER_PATHS);
const entry = large.roots[0];
const byCt = large.functions.filter((f) => f.index !== entry).sort((a, b) => b.ct - a.ct);
const mostCallers = [...large.functions].sort((a, b) => large.callersOf[b.index].length - large.callersOf[a.index].length)[0];
const chosen = [
  ['costliest below the entry point', byCt[0]],
  [`most callers (${large.callersOf[mostCallers.index].length})`, mostCallers],
  ['median cumulative time', byCt[Math.floor(byCt.length / 2)]],
];
console.log(`large profile: ${large.functions.length} functions, ${large.edges.length} edges (median of ${RUNS} runs)`);
for (const foldLibraries of [false, true]) {
  const [flameTime, flame] = measure(() => core.flameFromCallTree(new core.CallTree(large, { foldLibraries, threshold: 0 })));
  console.log(` library frames ${foldLibraries ? 'folded' : 'shown'}: the flame graph ${ms(flameTime)} (${frames(flame)} frames)`);
  for (const [label, f] of chosen) {
    const [time, sandwich] = measure(() => core.sandwichFromPairs(large, f.index, { foldLibraries }));
    line(`sandwich of ${label}`, time, flameTime, `${frames(sandwich.callers)} + ${frames(sandwich.callees)} frames`);
  }
}

const DEPTH = 100_000;
const deep = core.buildProfileModel(makeDeepChainData(DEPTH), CONTAINER_PATHS);
console.log(`\n${DEPTH.toLocaleString('en')}-deep chain, the sandwich of level ${DEPTH / 2}`);
{
  const [flameTime] = measure(() => core.flameFromCallTree(new core.CallTree(deep, { threshold: 0 })));
  console.log(` cProfile pairs: the flame graph ${ms(flameTime)}`);
  const [time, sandwich] = measure(() => core.sandwichFromPairs(deep, DEPTH / 2, {}, 0));
  line('sandwich', time, flameTime, `${frames(sandwich.callers)} + ${frames(sandwich.callees)} frames`);
}
{
  const stacks = [[Array.from({ length: DEPTH }, (_, i) => i), new Array(DEPTH).fill(1), false, 0.005, 0.005, 1]];
  const [flameTime] = measure(() => core.flameFromStacks(deep, stacks));
  console.log(` one sampled stack: the flame graph ${ms(flameTime)}`);
  const [time, sandwich] = measure(() => core.sandwichFromStacks(deep, stacks, DEPTH / 2));
  line('sandwich', time, flameTime, `${frames(sandwich.callers)} + ${frames(sandwich.callees)} frames`);
}
