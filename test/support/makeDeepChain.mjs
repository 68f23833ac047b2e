// Generates a profile whose call tree is one deep chain: function i calls function i + 1, down
// to depth - 1. The shape of runaway recursion through distinct frames (generated code, deeply
// nested templates) and the worst case for anything that walks a node's path.
//
// libraryEvery: every so many levels the function is a site-packages frame instead of app
// code, so that library folding has hidden frames to fold (0: app code only).
// Times add up as cProfile's do: each level has 1 µs of its own time, cumulative time is its
// own plus everything below. Used by bench/callTreeDeep.bench.mjs and test/unit/callTreeDeep.test.ts.

import { CONTAINER_PATHS, documentHeader, profileDocumentText } from './profileDocument.mjs';

const [SITE] = CONTAINER_PATHS.sitePackages;
const MICROSECOND = 1e-6;

export function makeDeepChainData(depth, libraryEvery = 0) {
  const functions = [];
  const edges = [];
  for (let i = 0; i < depth; i++) {
    const library = libraryEvery > 0 && i > 0 && i % libraryEvery === 0;
    const file = library ? `${SITE}/deep/level_${i % 97}.py` : `/srv/app/deep/level_${i % 97}.py`;
    const ct = (depth - i) * MICROSECOND;
    functions.push({ file, line: i + 1, name: `level_${i}`, qualname: `level_${i}`, cc: 1, nc: 1, tt: MICROSECOND, ct });
    if (i > 0) edges.push([i - 1, i, 1, 1, MICROSECOND, ct]);
  }
  return { functions, edges, notes: [] };
}

/** A whole profile document (header on line 1, as the middleware writes it) around the chain. */
export function makeDeepChainText(depth, libraryEvery = 0) {
  const profile = makeDeepChainData(depth, libraryEvery);
  const totalMs = (profile.functions[0]?.ct ?? 0) * 1000;
  const header = documentHeader(profile, { id: `deep-${depth}`, wallMs: totalMs, cpuMs: totalMs, profiledMs: totalMs, path: `/deep/${depth}` });
  return profileDocumentText(header, profile, CONTAINER_PATHS);
}
