// Benchmarks opening and browsing the call tree of a large profile, next to a JSON.parse of
// the same file so the figures can be compared on any machine.
//
//   node bench/callTree.bench.mjs [functions] [edges] [threshold]
//   (defaults 20,000, 100,000 and 0: no grouping into "other", the most rows to draw)
//
// Prints, in one run: reading and JSON.parse of the file, building the profile model, the
// first paint (the root's rows with the hot path expanded, as the view opens) with library
// frames shown and folded, and the median / 95th percentile / max of expanding 1,000 random
// nodes the way a user does it: a collapsed node that is on screen. Targets (issue 4):
// first paint < 500 ms, every expand well under one 16 ms frame.
import { readFileSync, rmSync } from 'node:fs';
import { seededRandom, writeLargeProfile } from '../test/support/makeLargeProfile.mjs';
import { importCore } from './bundleCore.mjs';
import { ms, spread, timed } from './timing.mjs';

/** The TypeScript core's modules this bench times. */
function loadCore() {
  return importCore([
    "export { buildProfileModel } from './src/core/profileModel';",
    "export { CallTree } from './src/core/callTree';",
    "export { requestHotPath } from './src/core/hotPath';",
    "export { searchFunctions } from './src/core/search';",
    "export { functionRows, sortFunctionRows } from './src/core/functionTable';",
  ]);
}

/** Rows a virtual list draws at once (a tall editor shows about 50 rows of 22 px). */
const SCREEN_ROWS = 60;

/** Reads what a row shows: own time and the expander need the node laid out. */
function draw(nodes) {
  let checksum = 0;
  for (const node of nodes.slice(0, SCREEN_ROWS)) checksum += node.own + node.total + (node.kind === 'function' && node.hasChildren ? 1 : 0);
  return checksum;
}

function firstPaint(core, model, foldLibraries) {
  return timed(() => {
    const tree = new core.CallTree(model, { foldLibraries, threshold: THRESHOLD });
    const hot = core.requestHotPath(tree);
    const expanded = new Set(hot);
    const rows = tree.visibleRows(expanded, expanded);
    draw(rows.map((row) => row.node));
    return { tree, hot, expanded, rows };
  });
}

/** Expands `count` random on-screen collapsed nodes, one after another, timing each. */
function randomExpansions(tree, expanded, initialRows, count, seed) {
  const random = seededRandom(seed); // the same nodes on every run
  const candidates = initialRows.map((row) => row.node).filter((n) => n.kind === 'function' && n.hasChildren && !expanded.has(n.id));
  const expandTimes = [];
  for (let i = 0; i < count && candidates.length; i++) {
    const index = Math.floor(random() * candidates.length);
    const node = candidates[index];
    candidates[index] = candidates[candidates.length - 1];
    candidates.pop();
    // What an expand costs the view: the rows to insert below the node (its children,
    // small ones grouped), and drawing the new rows that fit on screen.
    expanded.add(node.id);
    const [expandTime, children] = timed(() => {
      const inserted = tree.rowsBelow(node.id, expanded, expanded).map((row) => row.node);
      draw(inserted);
      return inserted;
    });
    expandTimes.push(expandTime);
    for (const child of children) if (child.kind === 'function' && child.hasChildren) candidates.push(child);
  }
  // For comparison, once at the end: a view that lists every visible row again.
  const [relist, rows] = timed(() => tree.visibleRows(expanded, expanded));
  return { expand: spread(expandTimes), relist, count: expandTimes.length, rows: rows.length };
}

const [functionCount = 20_000, edgeCount = 100_000, THRESHOLD = 0] = process.argv.slice(2).map(Number);
const core = await loadCore();
const path = writeLargeProfile(functionCount, edgeCount);
try {
  const [readTime, text] = timed(() => readFileSync(path, 'utf8'));
  const [parseTime, document] = timed(() => JSON.parse(text));
  const [modelTime, model] = timed(() => core.buildProfileModel(document.profile, document.paths));
  console.log(`profile: ${model.functions.length} functions, ${model.edges.length} edges, ${(text.length / 1e6).toFixed(1)} MB, ${model.roots.length} root(s)`);
  console.log(`read file            ${ms(readTime)}`);
  console.log(`JSON.parse           ${ms(parseTime)}`);
  console.log(`build profile model  ${ms(modelTime)}`);
  for (const foldLibraries of [false, true]) {
    const label = foldLibraries ? 'library frames folded' : 'all frames';
    const [paintTime, open] = firstPaint(core, model, foldLibraries);
    console.log(`\n[${label}]`);
    console.log(
      `first paint          ${ms(paintTime)} (model + first paint ${ms(modelTime + paintTime)}; hot path ${open.hot.length} nodes deep, ${open.rows.length} rows)`,
    );
    const run = randomExpansions(open.tree, open.expanded, open.rows, 1000, 7);
    console.log(`expand ×${run.count}        median ${ms(run.expand.median)}, p95 ${ms(run.expand.p95)}, max ${ms(run.expand.max)}`);
    console.log(`list all rows        ${ms(run.relist)} (${run.rows} rows after the expansions)`);
  }
  if (core.searchFunctions) {
    const [searchTime, found] = timed(() => core.searchFunctions(model, 'func_19', { limit: 100 }));
    console.log(`\nsearch "func_19"     ${ms(searchTime)} (${found.total} matches, ${found.matches.length} with a path)`);
  }
  const [tableTime, rows] = timed(() => core.sortFunctionRows(core.functionRows(model), 'own', 'descending'));
  console.log(`function table       ${ms(tableTime)} (${rows.length} rows, built and sorted by own time)`);
} finally {
  rmSync(path, { force: true });
}
