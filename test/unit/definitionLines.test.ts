/**
 * The `def` lines the host sends to the views: applied to a model's functions, so that the
 * call tree's location column and the call graph's labels show the line go-to-source opens.
 */
import * as assert from 'node:assert/strict';
import { buildCallGraph } from '../../src/core/callGraph';
import { applyDefinitionLines, definitionLine, definitionLineIn, sourceLines } from '../../src/core/definitionLine';
import { functionRows } from '../../src/core/functionTable';
import { buildProfileModel } from '../../src/core/profileModel';

const SOURCE = ['@timed', '@register(', '    "slow")', 'def slow_report():', '    pass', 'def plain():', '    pass'].join('\n');

function model() {
  const fn = (name: string, line: number, ct: number) => ({ file: '/app/views.py', line, name, qualname: null, cc: 1, nc: 1, tt: 0.1, ct });
  return buildProfileModel({ functions: [fn('slow_report', 1, 1), fn('plain', 6, 0.5)], edges: [[0, 1, 1, 1, 0.5, 0.5]], notes: [] });
}

describe('definition lines in the views', () => {
  it('definitionLineIn agrees with definitionLine', () => {
    const lines = sourceLines(SOURCE);
    for (let line = 1; line <= 7; line++) assert.equal(definitionLineIn(lines, line), definitionLine(SOURCE, line), `line ${line}`);
    assert.equal(definitionLine(SOURCE, 1), 4);
  });

  it('relabels the call graph and the function table with the def line', () => {
    const m = model();
    assert.equal(applyDefinitionLines(m.functions, [[0, definitionLine(SOURCE, 1)]]), true);
    const graph = buildCallGraph(m, { nodeThreshold: 0, edgeThreshold: 0 });
    const node = graph.nodes.find((n) => n.function === 0)!;
    assert.equal(node.line, 4);
    assert.ok(node.label.includes('views:4'), JSON.stringify(node.label));
    assert.equal(functionRows(m).find((row) => row.fn === 0)?.location, '/app/views.py:4');
    assert.equal(m.functions[1].line, 6, 'the undecorated function keeps its line');
  });

  it('ignores entries that name no function or no line, and says when nothing changed', () => {
    const m = model();
    const junk: unknown = [[7, 3], [-1, 3], [0.5, 3], ['0', 3], [0, 0], [0, -2], [0, 2.5], [0, '4'], null, 5, [1, 6]];
    assert.equal(applyDefinitionLines(m.functions, junk), false);
    assert.equal(applyDefinitionLines(m.functions, undefined), false);
    assert.deepEqual(
      m.functions.map((f) => f.line),
      [1, 6],
    );
  });
});
