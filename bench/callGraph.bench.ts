/**
 * Call graph benchmark: times, in one run over one large generated profile, every step from
 * the file's text to a laid-out SVG: JSON.parse, model build, graph build and pruning, DOT
 * text, and Graphviz layout (@viz-js/viz, the WebAssembly Graphviz the webview uses).
 * Target (issue 5): the pruned graph of a 20,000-function profile renders in under 2 s.
 *
 *   node bench/callGraph.bench.mjs [functions=20000] [edges=100000]
 *   node bench/callGraph.bench.mjs --file some.rprof.json     (any profile, e.g. a real one)
 * The generated profile is test/support/makeLargeProfile.mjs's, the same one the call-tree bench opens.
 */
import { instance } from '@viz-js/viz';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { buildCallGraph } from '../src/core/callGraph';
import { toDot } from '../src/core/dot';
import type { ProfileData } from '../src/core/profileFormat';
import { buildProfileModel } from '../src/core/profileModel';
import { makeLargeProfileText } from '../test/support/makeLargeProfile.mjs';

function timed<T>(label: string, work: () => T, times: Map<string, number>): T {
  const start = performance.now();
  const result = work();
  times.set(label, performance.now() - start);
  return result;
}

async function timedAsync<T>(label: string, work: () => Promise<T>, times: Map<string, number>): Promise<T> {
  const start = performance.now();
  const result = await work();
  times.set(label, performance.now() - start);
  return result;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fileFlag = args.indexOf('--file');
  const text = fileFlag >= 0 ? readFileSync(args[fileFlag + 1], 'utf8') : makeLargeProfileText(Number(args[0] ?? 20_000), Number(args[1] ?? 100_000));
  const times = new Map<string, number>();

  const viz = await timedAsync('Graphviz WebAssembly start (once per view)', () => instance(), times);
  const data = timed('JSON.parse', () => (JSON.parse(text) as { profile: ProfileData }).profile, times);
  const model = timed('model build', () => buildProfileModel(data), times);
  const graph = timed('graph build + prune', () => buildCallGraph(model), times);
  const dot = timed('DOT text', () => toDot(graph, { title: 'benchmark' }), times);
  const svg = timed('Graphviz layout to SVG', () => viz.renderString(dot, { format: 'svg' }), times);

  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  console.log(`profile: ${data.functions.length} functions, ${data.edges.length} edges, ${mb(text.length)} of JSON`);
  console.log(`graph:   ${graph.nodes.length} nodes, ${graph.edges.length} edges drawn; hot path ${graph.hotPath.length} long`);
  console.log(`         ${graph.hiddenText}`);
  console.log(`output:  DOT ${mb(dot.length)}, SVG ${mb(svg.length)}`);
  for (const [label, ms] of times) console.log(`${label.padEnd(45)} ${ms.toFixed(1).padStart(9)} ms`);
  const afterParse = ['model build', 'graph build + prune', 'DOT text', 'Graphviz layout to SVG'].reduce((sum, step) => sum + times.get(step)!, 0);
  const verdict = afterParse < 2000 ? 'under' : 'OVER';
  console.log(`${'parsed profile to SVG (target < 2000 ms)'.padEnd(45)} ${afterParse.toFixed(1).padStart(9)} ms  ${verdict} target`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
