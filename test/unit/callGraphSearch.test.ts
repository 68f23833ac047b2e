import * as assert from 'node:assert/strict';
import { buildCallGraph } from '../../src/core/callGraph';
import { searchGraph } from '../../src/core/graphSearch';
import type { ProfiledFunction } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { toHexColor } from '../../webview/callGraph/theme';
import { normaliseOptions } from '../../webview/callGraph/page';

function fn(file: string, line: number, name: string, qualname: string | null, ct: number): ProfiledFunction {
  return { file, line, name, qualname, cc: 1, nc: 1, tt: 0, ct };
}

describe('searchGraph', () => {
  // view 100 ms -> render_user 60 ms, render_list 30 ms, render_tiny 0.1 ms (not drawn at 0.5 %)
  const model = buildProfileModel(
    {
      functions: [
        fn('/app/views.py', 3, 'view', 'UserView.view', 0.1),
        fn('/app/render.py', 10, 'render_list', null, 0.03),
        fn('/app/render.py', 20, 'render_user', null, 0.06),
        fn('/app/render.py', 30, 'render_tiny', null, 0.0001),
      ],
      edges: [
        [0, 1, 1, 1, 0, 0.03],
        [0, 2, 1, 1, 0, 0.06],
        [0, 3, 1, 1, 0, 0.0001],
      ],
      notes: [],
    },
    { cwd: '/app', stdlib: [], sitePackages: [], prefixes: [] },
  );
  const graph = buildCallGraph(model);

  it('lists drawn matches costliest first and counts the hidden ones', () => {
    assert.deepEqual(searchGraph(model, graph, 'RENDER'), { drawn: [2, 1], hidden: [3] });
  });

  it('matches qualified names, modules and module:line', () => {
    assert.deepEqual(searchGraph(model, graph, 'userview').drawn, [0]);
    assert.deepEqual(searchGraph(model, graph, 'views').drawn, [0]);
    assert.deepEqual(searchGraph(model, graph, 'render:20').drawn, [2]);
  });

  it('matches nothing for an empty query', () => {
    assert.deepEqual(searchGraph(model, graph, '   '), { drawn: [], hidden: [] });
  });
});

describe('call graph page helpers', () => {
  it('turns CSS colours into colours Graphviz reads', () => {
    assert.equal(toHexColor('#ABC'), '#aabbcc');
    assert.equal(toHexColor('#d4d4d4'), '#d4d4d4');
    assert.equal(toHexColor('#cccccc80'), '#cccccc');
    assert.equal(toHexColor('rgb(212, 212, 212)'), '#d4d4d4');
    assert.equal(toHexColor('rgba(0 0 0 / 50%)'), '#000000');
    assert.equal(toHexColor('var(--x)'), undefined);
  });

  it('keeps saved thresholds only when they make sense', () => {
    assert.deepEqual(normaliseOptions(undefined), { nodeThreshold: 0.005, edgeThreshold: 0.001, maxNodes: 100 });
    assert.deepEqual(normaliseOptions({ nodeThreshold: 0.02, edgeThreshold: 2, maxNodes: 40.7 }), { nodeThreshold: 0.02, edgeThreshold: 0.001, maxNodes: 40 });
    assert.deepEqual(normaliseOptions({ nodeThreshold: Number.NaN, maxNodes: -1 }), { nodeThreshold: 0.005, edgeThreshold: 0.001, maxNodes: 100 });
  });
});
