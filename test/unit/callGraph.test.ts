import * as assert from 'node:assert/strict';
import { buildCallGraph, functionOfNodeId, nodeId, type CallGraph } from '../../src/core/callGraph';
import { heatColor, penWidth, strokeColor } from '../../src/core/graphColors';
import { graphCalls, graphMs, graphPercent } from '../../src/core/graphLabels';
import type { ProfileData, ProfiledFunction, ProfilePaths } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';

const PATHS: ProfilePaths = {
  cwd: '/app',
  stdlib: ['/usr/lib/python3.11'],
  sitePackages: ['/usr/lib/python3/dist-packages'],
  prefixes: ['/usr'],
};

function fn(file: string, line: number, name: string, nc: number, tt: number, ct: number, extra: Partial<ProfiledFunction> = {}): ProfiledFunction {
  return { file, line, name, qualname: null, cc: nc, nc, tt, ct, ...extra };
}

/**
 * A 100 ms request, times consistent as cProfile records them:
 *   0 UserView.get  ct 100  tt 19.9  -> render 60, query 20 (2×), tiny 0.1
 *   1 render        ct 60   tt 41.6  -> query 10 (1×), escape 8 (2×), len 0.4 (50×)
 *   2 query         ct 30   tt 30    (two callers: get and render)
 *   3 len (C)       ct 0.4           (0.4 %: under the node threshold)
 *   4 escape        ct 8    tt 8
 *   5 tiny          ct 0.1           (0.1 %: under the node threshold)
 */
const REQUEST: ProfileData = {
  functions: [
    fn('/app/views.py', 10, 'get', 1, 0.0199, 0.1, { qualname: 'UserView.get' }),
    fn('/app/templates.py', 5, 'render', 1, 0.0416, 0.06),
    fn('/app/db.py', 20, 'query', 3, 0.03, 0.03),
    fn('~', 0, '<built-in method builtins.len>', 50, 0.0004, 0.0004),
    fn('/app/templates.py', 40, 'escape', 2, 0.008, 0.008),
    fn('/app/util.py', 1, 'tiny', 1, 0.0001, 0.0001),
  ],
  edges: [
    [0, 1, 1, 1, 0.0416, 0.06],
    [0, 2, 2, 2, 0.02, 0.02],
    [1, 2, 1, 1, 0.01, 0.01],
    [1, 4, 2, 2, 0.008, 0.008],
    [1, 3, 50, 50, 0.0004, 0.0004],
    [0, 5, 1, 1, 0.0001, 0.0001],
  ],
  notes: [],
};

function graphOf(data: ProfileData, options = {}): CallGraph {
  return buildCallGraph(buildProfileModel(data, PATHS), options);
}

function node(graph: CallGraph, fnIndex: number) {
  const found = graph.nodes.find((n) => n.function === fnIndex);
  assert.ok(found, `function ${fnIndex} is drawn`);
  return found;
}

/** Hidden-call notes, with the milliseconds compared to a microsecond (they are float sums). */
function assertHidden(hidden: { count: number; ms: number }, count: number, ms: number) {
  assert.equal(hidden.count, count);
  assert.ok(Math.abs(hidden.ms - ms) < 1e-6, `${hidden.ms} ms, expected ${ms}`);
}

function edgeKeys(graph: CallGraph): string[] {
  return graph.edges.map((e) => `${e.caller}->${e.callee}`);
}

describe('buildCallGraph', () => {
  describe('on a small request with default thresholds (0.5 % nodes, 0.1 % edges)', () => {
    const graph = graphOf(REQUEST);

    it('draws the functions at or above 0.5 % and the calls between them', () => {
      assert.deepEqual(
        graph.nodes.map((n) => n.function),
        [0, 1, 2, 4],
      );
      assert.deepEqual(edgeKeys(graph), ['0->1', '0->2', '1->2', '1->4']);
      assert.equal(graph.totalMs, 100);
    });

    it('weighs nodes by cumulative and own time over the total', () => {
      assert.equal(node(graph, 0).weight, 1);
      assert.equal(node(graph, 1).weight, 0.6);
      assert.equal(node(graph, 2).weight, 0.3);
      assert.ok(Math.abs(node(graph, 1).selfWeight - 0.416) < 1e-12);
    });

    it('labels nodes with name, module:line, total and own time, calls', () => {
      assert.deepEqual(node(graph, 0).label, ['UserView.get', 'views:10', '100 ms  100.00%', 'self 19.9 ms  19.90%', '1×', '+1 more callee, 0.100 ms']);
      assert.deepEqual(node(graph, 2).label, ['query', 'db:20', '30.0 ms  30.00%', 'self 30.0 ms  30.00%', '3×']);
    });

    it('labels edges with the callee time from that caller, its share and the calls', () => {
      const getToQuery = graph.edges.find((e) => e.caller === 0 && e.callee === 2)!;
      assert.deepEqual(getToQuery.label, ['20.0 ms', '20.00%', '2×']);
      assert.equal(getToQuery.from, 'n0');
      assert.equal(getToQuery.to, 'n2');
    });

    it('keeps a function with several callers as one node with one edge per caller', () => {
      const intoQuery = graph.edges.filter((e) => e.callee === 2);
      assert.deepEqual(
        intoQuery.map((e) => [e.caller, e.ms, e.calls]),
        [
          [0, 20, 2],
          [1, 10, 1],
        ],
      );
      assert.equal(graph.nodes.filter((n) => n.function === 2).length, 1);
      assert.deepEqual(node(graph, 2).hiddenCallers, { count: 0, ms: 0 });
    });

    it("colours on gprof2dot's scale: full weight red, 60 % yellow-green, pen widths max(4w, 0.5)", () => {
      assert.equal(node(graph, 0).color, '#ff0000');
      assert.equal(node(graph, 1).color, '#53c408');
      const renderToEscape = graph.edges.find((e) => e.caller === 1 && e.callee === 4)!;
      assert.equal(renderToEscape.penWidth, 0.5); // 4 × 0.08 = 0.32, raised to 0.5
      assert.ok(Math.abs(graph.edges[0].penWidth - 2.4) < 1e-12); // 4 × 0.6
    });

    it('follows the hot path while the heaviest call holds most of the time', () => {
      // get -> render carries 60 of 100 ms; render's heaviest call (query, 10 of 60 ms) does not.
      assert.deepEqual(graph.hotPath, [0, 1]);
      assert.deepEqual(
        graph.nodes.filter((n) => n.onHotPath).map((n) => n.function),
        [0, 1],
      );
      assert.deepEqual(
        graph.edges.filter((e) => e.onHotPath).map((e) => [e.caller, e.callee]),
        [[0, 1]],
      );
    });

    it('summarises what the thresholds hid, per node and for the whole graph', () => {
      assertHidden(node(graph, 1).hiddenCallees, 1, 0.4);
      assert.equal(node(graph, 1).label.at(-1), '+1 more callee, 0.400 ms');
      assert.deepEqual(node(graph, 4).hiddenCallees, { count: 0, ms: 0 });
      assert.equal(graph.hidden.functions, 2);
      assert.ok(Math.abs(graph.hidden.functionsOwnMs - 0.5) < 1e-9);
      assert.equal(graph.hidden.largestFunctionWeight, 0.004);
      assert.equal(graph.hidden.edges, 2);
      assert.equal(graph.hiddenText, 'Not drawn: 2 functions under 0.50% (own time 0.500 ms, 0.50%); 2 calls under 0.10% or to hidden functions.');
    });

    it('gives every node a DOT-safe id that maps back to its function', () => {
      for (const n of graph.nodes) {
        assert.match(n.id, /^n\d+$/);
        assert.equal(functionOfNodeId(n.id), n.function);
      }
      assert.equal(functionOfNodeId('n12x'), undefined);
      assert.equal(nodeId(7), 'n7');
    });

    it('labels built-ins as such when they are drawn', () => {
      const all = graphOf(REQUEST, { nodeThreshold: 0, edgeThreshold: 0 });
      assert.deepEqual(node(all, 3).label.slice(0, 2), ['<built-in method builtins.len>', 'built-in']);
      assert.equal(all.hiddenText, 'All functions and calls are drawn.');
    });
  });

  describe('thresholds', () => {
    it('draws everything with both thresholds at 0', () => {
      const graph = graphOf(REQUEST, { nodeThreshold: 0, edgeThreshold: 0 });
      assert.equal(graph.nodes.length, 6);
      assert.equal(graph.edges.length, 6);
      assert.deepEqual(graph.hidden, { functions: 0, functionsOwnMs: 0, largestFunctionWeight: 0, edges: 0, overMaxNodes: 0 });
    });

    it('hides calls under a raised edge threshold and notes them on both ends', () => {
      const graph = graphOf(REQUEST, { edgeThreshold: 0.15 });
      assert.deepEqual(edgeKeys(graph), ['0->1', '0->2']); // 1->2 (10 %) and 1->4 (8 %) hidden
      assertHidden(node(graph, 1).hiddenCallees, 3, 18.4);
      assert.equal(node(graph, 2).label.at(-1), '+1 more caller, 10.0 ms');
      assert.equal(node(graph, 4).label.at(-1), '+1 more caller, 8.00 ms');
      assert.equal(graph.hidden.edges, 4);
    });

    it('keeps a node exactly at the threshold, as the middleware does', () => {
      const graph = graphOf(REQUEST, { nodeThreshold: 0.08 });
      assert.deepEqual(
        graph.nodes.map((n) => n.function),
        [0, 1, 2, 4],
      );
      const higher = graphOf(REQUEST, { nodeThreshold: 0.0801 });
      assert.deepEqual(
        higher.nodes.map((n) => n.function),
        [0, 1, 2],
      );
      assert.equal(node(higher, 1).label.at(-1), '+2 more callees, 8.40 ms');
    });

    it('draws at most maxNodes functions, the costliest, and says why the rest are missing', () => {
      const graph = graphOf(REQUEST, { maxNodes: 2 });
      assert.deepEqual(
        graph.nodes.map((n) => n.function),
        [0, 1],
      );
      assert.equal(graph.hidden.overMaxNodes, 2); // query and escape pass 0.5 % but not the limit
      assert.equal(graph.hidden.functions, 4);
      assert.match(graph.hiddenText, /^Not drawn: 4 functions under 0\.50% or beyond the 2 costliest \(/);
      assert.equal(graphOf(REQUEST, { maxNodes: 0, nodeThreshold: 0 }).nodes.length, 6);
      assert.equal(graphOf(REQUEST).maxNodes, 100);
    });

    it('breaks ties at the node limit by profile order', () => {
      const data: ProfileData = {
        functions: [fn('/app/a.py', 1, 'root', 1, 0.4, 1), fn('/app/a.py', 5, 'left', 1, 0.3, 0.3), fn('/app/a.py', 9, 'right', 1, 0.3, 0.3)],
        edges: [
          [0, 2, 1, 1, 0.3, 0.3],
          [0, 1, 1, 1, 0.3, 0.3],
        ],
        notes: [],
      };
      assert.deepEqual(
        graphOf(data, { maxNodes: 2 }).nodes.map((n) => n.function),
        [0, 1],
      );
    });

    it('falls back to the defaults for invalid thresholds', () => {
      const graph = graphOf(REQUEST, { nodeThreshold: -1, edgeThreshold: Number.NaN });
      assert.equal(graph.nodeThreshold, 0.005);
      assert.equal(graph.edgeThreshold, 0.001);
    });

    it('ends the hot path where no drawn function takes over', () => {
      // Only get and render stay (>= 50 %): the path stops at render, and render's calls are all notes.
      const graph = graphOf(REQUEST, { nodeThreshold: 0.5 });
      assert.deepEqual(graph.hotPath, [0, 1]);
      assertHidden(node(graph, 1).hiddenCallees, 3, 18.4);
    });
  });

  describe('hot path', () => {
    const chain = (edgeCts: number[][], cts: number[]): ProfileData => ({
      functions: cts.map((ct, i) => fn(`/app/m${i}.py`, i + 1, `f${i}`, 1, 0, ct)),
      edges: edgeCts.map(([from, to, ct]) => [from, to, 1, 1, 0, ct]),
      notes: [],
    });

    it('goes down through every call that holds more than half of its caller', () => {
      const graph = graphOf(
        chain(
          [
            [0, 1, 0.9],
            [1, 2, 0.5],
            [2, 3, 0.3],
            [0, 4, 0.1],
          ],
          [1, 0.9, 0.5, 0.3, 0.1],
        ),
      );
      assert.deepEqual(graph.hotPath, [0, 1, 2, 3]);
    });

    it('stops at a call holding exactly half', () => {
      const graph = graphOf(
        chain(
          [
            [0, 1, 0.5],
            [0, 2, 0.5],
          ],
          [1, 0.5, 0.5],
        ),
      );
      assert.deepEqual(graph.hotPath, [0]);
    });

    it('takes the callee with the lower index when two calls weigh the same', () => {
      const graph = graphOf(
        chain(
          [
            [0, 1, 0.9],
            [1, 3, 0.8],
            [1, 2, 0.8],
          ],
          [1, 0.9, 0.8, 0.8],
        ),
      );
      assert.deepEqual(graph.hotPath, [0, 1, 2]);
    });

    it('starts at the costliest of several roots', () => {
      const graph = graphOf(
        chain(
          [
            [0, 1, 0.2],
            [2, 3, 0.7],
          ],
          [0.2, 0.2, 0.8, 0.7],
        ),
      );
      assert.deepEqual(graph.hotPath, [2, 3]);
      assert.equal(graph.totalMs, 1000);
    });

    it('ends at recursion and at calls back into the path instead of looping', () => {
      // main -> a -> b, b calls a back (mutual recursion) and itself.
      const data = chain(
        [
          [0, 1, 0.9],
          [1, 2, 0.8],
          [2, 1, 0.7],
          [2, 2, 0.6],
        ],
        [1, 0.9, 0.8],
      );
      data.functions[1].nc = 3;
      const graph = graphOf(data);
      assert.deepEqual(graph.hotPath, [0, 1, 2]);
      assert.deepEqual(edgeKeys(graph), ['0->1', '1->2', '2->1', '2->2']);
      assert.deepEqual(node(graph, 1).label.slice(2, 5), ['900 ms  90.00%', 'self 0 ms  0.00%', '3/1×']);
      assert.deepEqual(
        graph.edges.filter((e) => e.onHotPath).map((e) => e.edge),
        [0, 1],
      );
    });

    it('builds a cycle entered from outside the profile without hanging', () => {
      const data = chain(
        [
          [0, 1, 0.5],
          [1, 0, 0.4],
        ],
        [0.5, 0.45],
      );
      const model = buildProfileModel(data, PATHS);
      const graph = buildCallGraph(model);
      // Nobody outside the cycle calls it: the model either finds no root (no hot path) or
      // takes the costlier function as the cycle's entry; either way the walk ends.
      assert.deepEqual(graph.hotPath, model.roots.length ? [0, 1] : []);
      assert.equal(graph.totalMs, 500);
      assert.deepEqual(
        graph.nodes.map((n) => n.weight),
        [1, 0.9],
      );
    });
  });

  it('draws nothing for a profile without time, and says so', () => {
    const graph = graphOf({ functions: [fn('/app/a.py', 1, 'a', 1, 0, 0)], edges: [], notes: [] });
    assert.deepEqual(graph.nodes, []);
    assert.deepEqual(graph.hotPath, []);
    assert.equal(graph.hidden.functions, 1);
  });
});

describe('graph colours', () => {
  it("interpolates gprof2dot's HSL scale from dark blue to red", () => {
    assert.equal(heatColor(0), '#0d0d73'); // hsl(240°, 80 %, 25 %)
    assert.equal(heatColor(0.5), '#0ab60a'); // hsl(120°, 90 %, 37.5 %)
    assert.equal(heatColor(1), '#ff0000');
    assert.equal(heatColor(7), '#ff0000');
    assert.equal(heatColor(Number.NaN), '#0d0d73');
  });

  it('lifts strokes for dark backgrounds and keeps them for light ones', () => {
    assert.equal(strokeColor(0.3, 'light'), heatColor(0.3));
    assert.equal(strokeColor(0, 'dark'), '#7575f0'); // hsl(240°, 80 %, 70 %)
    assert.equal(strokeColor(1, 'dark'), '#ff3d3d'); // hsl(0°, 100 %, 62 %)
  });

  it('draws pens at 4 × weight, at least 0.5', () => {
    assert.equal(penWidth(0.01), 0.5);
    assert.equal(penWidth(0.5), 2);
    assert.equal(penWidth(1), 4);
  });
});

describe('graph label numbers', () => {
  it('formats milliseconds by size, percentages with two decimals, recursive calls as N/P×', () => {
    assert.deepEqual([0, 0.0002, 0.0421, 3.254, 12.34, 1234.4].map(graphMs), ['0 ms', '<0.001 ms', '0.042 ms', '3.25 ms', '12.3 ms', '1234 ms']);
    assert.equal(graphPercent(0.123456), '12.35%');
    assert.equal(graphCalls(4, 4), '4×');
    assert.equal(graphCalls(7, 2), '7/2×');
  });
});
