/**
 * The call graph built in the extension must agree with the .dot file the middleware wrote
 * for the same request (issue 5): the same functions drawn, the same calls between them,
 * and the same hot path once the middleware marks one. Checked on the real profiles in
 * test/fixtures/profiles (x.rprof.json beside x.dot).
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCallGraph } from '../../src/core/callGraph';
import type { ProfileDocument } from '../../src/core/profileFormat';
import { buildProfileModel } from '../../src/core/profileModel';
import { SLOW_REQUEST_HOT_PATH } from '../fixtures/slowRequestHotPath';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles');

/** What the middleware's .dot says, read minimally: node ids with their labels, edges, hot edges. */
interface DotFacts {
  labels: Map<string, string>;
  edges: string[];
  /** Edges whose attributes mark them as the hot path (class containing "hot"). */
  hotEdges: string[];
}

function unquote(text: string): string {
  return text.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function readDot(text: string): DotFacts {
  const labels = new Map<string, string>();
  const edges: string[] = [];
  const hotEdges: string[] = [];
  for (const line of text.split('\n')) {
    const edge = /^\s*(n\d+)\s*->\s*(n\d+)\s*\[(.*)\];?\s*$/.exec(line);
    if (edge) {
      const key = `${edge[1]}->${edge[2]}`;
      edges.push(key);
      if (/\bclass="[^"]*\bhot\b/.test(edge[3])) hotEdges.push(key);
      continue;
    }
    const node = /^\s*(n\d+)\s*\[label="((?:[^"\\]|\\.)*)"/.exec(line);
    if (node) labels.set(node[1], unquote(node[2]));
  }
  return { labels, edges, hotEdges };
}

const pairs = existsSync(FIXTURES)
  ? readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.rprof.json') && existsSync(join(FIXTURES, name.replace(/\.rprof\.json$/, '.dot'))))
      .sort()
  : [];

describe('call graph agrees with the middleware .dot files', () => {
  it('has fixtures to compare', () => {
    assert.ok(pairs.length >= 3, `found ${pairs.length} profile + .dot pairs in ${FIXTURES}`);
  });

  it('follows the hot path of the CPU-bound request, checked by hand against its .dot', () => {
    const slow = pairs.find((name) => name.includes('-GET-slow-'));
    assert.ok(slow, 'the GET /slow fixture is there');
    const document = JSON.parse(readFileSync(join(FIXTURES, slow), 'utf8')) as ProfileDocument;
    const graph = buildCallGraph(buildProfileModel(document.profile, document.paths));
    const names = graph.hotPath.map((fn) => document.profile.functions[fn].qualname ?? document.profile.functions[fn].name);
    assert.deepEqual(names, SLOW_REQUEST_HOT_PATH);
  });

  for (const name of pairs) {
    describe(name.replace(/^\d+T[\d.]+-/, ''), () => {
      const document = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as ProfileDocument;
      const dot = readDot(readFileSync(join(FIXTURES, name.replace(/\.rprof\.json$/, '.dot')), 'utf8'));
      const graph = buildCallGraph(buildProfileModel(document.profile, document.paths));

      it('draws the same functions', () => {
        assert.deepEqual(graph.nodes.map((n) => n.id).sort(), [...dot.labels.keys()].sort());
        for (const node of graph.nodes) {
          assert.ok(dot.labels.get(node.id)!.split('\n')[0].endsWith(node.displayName), `${node.id} is ${node.displayName} in both`);
        }
      });

      it('draws the same calls', () => {
        assert.deepEqual(graph.edges.map((e) => `${e.from}->${e.to}`).sort(), [...dot.edges].sort());
      });

      const hotPathCheck = () => {
        const ours = graph.edges.filter((e) => e.onHotPath).map((e) => `${e.from}->${e.to}`);
        assert.deepEqual(ours.sort(), [...dot.hotEdges].sort());
      };
      // The middleware's writer does not mark a hot path yet: until it does, this stays pending.
      if (dot.hotEdges.length) it('marks the same hot path', hotPathCheck);
      else it('marks the same hot path (pending: the .dot marks no hot path yet)');
    });
  }
});
