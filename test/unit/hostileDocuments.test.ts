/**
 * A corpus of hostile profile documents, generated here (deterministic: a seeded generator),
 * each run through parseProfileDocument and then every builder of the core the views use.
 * Each must be refused with a ProfileReadError whose message names where the problem is,
 * or build without throwing: the views only ever see valid models.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- these tests break documents anywhere in their tree on purpose, past what any type describes */
import * as assert from 'node:assert/strict';
import { seededRandom } from '../support/makeLargeProfile.mjs';
import { buildCallGraph } from '../../src/core/callGraph';
import { CallersTree } from '../../src/core/callers';
import { CallTree } from '../../src/core/callTree';
import { toDot } from '../../src/core/dot';
import { formatMs, formatPercent } from '../../src/core/format';
import { functionRows, sortFunctionRows } from '../../src/core/functionTable';
import { requestHotPath } from '../../src/core/hotPath';
import { hottestPaths } from '../../src/core/hottestPaths';
import { parseProfileDocument, ProfileReadError } from '../../src/core/profileHeader';
import { buildProfileModel } from '../../src/core/profileModel';
import { searchFunctions } from '../../src/core/search';
import { makeHeader, profileText } from './profileSamples';

/** A small but complete document: a request calling a recursive helper and two built-ins. */
function baseDocument(): Record<string, any> {
  const document = JSON.parse(profileText(makeHeader({ functionCount: 4, edgeCount: 5 })));
  document.profile.functions = [
    { file: '/app/views.py', line: 10, name: 'get', qualname: 'UserView.get', cc: 1, nc: 1, tt: 0.001, ct: 0.05 },
    { file: '/app/helpers.py', line: 3, name: 'walk', qualname: 'walk', cc: 2, nc: 9, tt: 0.02, ct: 0.045 },
    { file: '~', line: 0, name: '<built-in method builtins.len>', qualname: null, cc: 30, nc: 30, tt: 0.004, ct: 0.004 },
    { file: '/usr/lib/python3.12/json/__init__.py', line: 183, name: 'dumps', qualname: 'dumps', cc: 1, nc: 1, tt: 0.001, ct: 0.004 },
  ];
  document.profile.edges = [
    [0, 1, 2, 2, 0.005, 0.045],
    [1, 1, 0, 7, 0.015, 0.03],
    [1, 2, 20, 20, 0.003, 0.003],
    [0, 3, 1, 1, 0.001, 0.004],
    [3, 2, 10, 10, 0.001, 0.001],
  ];
  return document;
}

/** The document as the middleware lays it out: the header on line 1. */
function layout(document: Record<string, any>): string {
  const { format, version, header, ...rest } = document;
  return `{"format":${JSON.stringify(format)},"version":${JSON.stringify(version)},"header":${JSON.stringify(header)},\n${JSON.stringify(rest).slice(1)}\n`;
}

interface Case {
  name: string;
  text: string;
}

const ODD_STRINGS = [
  '',
  '\ud800',
  'a\udfffb',
  '\ufffe\uffff',
  '\u202eevil\u202c',
  '\u2066x\u2069',
  '\u0000\u001b[31m',
  '<script>alert(1)</script>',
  '"},{"',
  '\\',
  'é'.repeat(5000),
  '\ufeff',
];
const ODD_VALUES: unknown[] = [null, true, 0, -1, 0.5, 2 ** 32, 1e308, -1e308, 'x', [], {}, [[[]]], { a: { b: 1 } }, ...ODD_STRINGS];

function* corpus(): Generator<Case> {
  const base = baseDocument();
  yield { name: 'the base document', text: layout(base) };
  yield { name: 'a byte-order mark', text: `\ufeff${layout(base)}` };

  // Every header field, and every field of every function and edge item, set to every odd value.
  for (const key of Object.keys(base.header)) {
    for (const value of ODD_VALUES) {
      const document = baseDocument();
      document.header[key] = value;
      yield { name: `header.${key} = ${JSON.stringify(value)?.slice(0, 30)}`, text: layout(document) };
    }
  }
  for (const key of Object.keys(base.profile.functions[0])) {
    for (const value of ODD_VALUES) {
      const document = baseDocument();
      document.profile.functions[1][key] = value;
      yield { name: `functions[1].${key} = ${JSON.stringify(value)?.slice(0, 30)}`, text: layout(document) };
    }
  }
  for (let at = 0; at < 6; at++) {
    for (const value of [...ODD_VALUES, 4, 3.0000001, 2 ** 53, -0]) {
      const document = baseDocument();
      document.profile.edges[2][at] = value;
      yield { name: `edges[2][${at}] = ${JSON.stringify(value)?.slice(0, 30)}`, text: layout(document) };
    }
  }
  for (const [name, change] of [
    ['null function', (d: any) => (d.profile.functions[2] = null)],
    ['edges an object', (d: any) => (d.profile.edges = {})],
    ['edge too long', (d: any) => d.profile.edges[0].push(1)],
    ['edge a string', (d: any) => (d.profile.edges[0] = '0,1,1,1,0,0')],
    ['no functions, edges left', (d: any) => (d.profile.functions = [])],
    ['no profile', (d: any) => delete d.profile],
    ['paths missing', (d: any) => delete d.paths],
    ['environ an array', (d: any) => (d.environ = [])],
    ['headers of three', (d: any) => (d.request.headers = [['a', 'b', 'c']])],
    ['a self-loop only', (d: any) => (d.profile.edges = [[1, 1, 0, 3, 0.01, 0.02]])],
    ['everything a cycle', (d: any) => d.profile.edges.push([1, 0, 1, 1, 0, 0.05], [2, 3, 1, 1, 0, 0.004])],
    ['the profile document an array', () => undefined],
  ] as [string, (d: any) => void][]) {
    const document = baseDocument();
    change(document);
    yield { name, text: name === 'the profile document an array' ? `${layout(document).slice(0, layout(document).indexOf('\n') + 1)}[1]` : layout(document) };
  }

  // Deep nesting, where the format allows anything (an unknown key) and where it does not.
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const text = layout(base);
  yield { name: 'an unknown key nested 100,000 deep', text: text.replace('"environ":', `"extra":${deep(100_000)},"environ":`) };
  yield { name: 'a function nested 5,000 deep', text: text.replace('"functions":[', `"functions":[${deep(5_000)},`) };
  yield { name: 'a note nested 5,000 deep', text: text.replace('"notes":[', `"notes":[${deep(5_000)}`) };

  // Numbers JSON can write but a double cannot hold, and words JSON does not have.
  yield { name: 'a time of 1e309', text: text.replace('"tt":0.02,', '"tt":1e309,') };
  yield { name: 'a count of 1e400', text: text.replace('"nc":9,', '"nc":1e400,') };
  yield { name: 'a time of -1e309', text: text.replace('"ct":0.045}', '"ct":-1e309}') };
  yield { name: 'NaN', text: text.replace('"tt":0.02,', '"tt":NaN,') };
  yield { name: 'Infinity', text: text.replace('"tt":0.02,', '"tt":Infinity,') };
  yield { name: 'a cut document', text: text.slice(0, text.length / 2) };
  yield { name: 'a lone surrogate written as an escape', text: text.replace('"walk"', '"w\\ud800alk"') };

  // Random documents: a few values replaced anywhere in the tree by odd ones.
  const random = seededRandom(0xbad);
  for (let i = 0; i < 300; i++) {
    const document = baseDocument();
    const changes = 1 + Math.floor(random() * 3);
    for (let c = 0; c < changes; c++) replaceRandomValue(document, random);
    yield { name: `random document ${i}`, text: layout(document) };
  }
}

/** Walks down from the root by random keys and replaces what it reaches with an odd value. */
function replaceRandomValue(document: Record<string, any>, random: () => number): void {
  let parent: any = document;
  for (;;) {
    const keys = Object.keys(parent).filter((k) => !(parent === document && (k === 'format' || k === 'version')));
    if (keys.length === 0) return;
    const key = keys[Math.floor(random() * keys.length)];
    const child = parent[key];
    if (child !== null && typeof child === 'object' && random() < 0.75) {
      parent = child;
      continue;
    }
    parent[key] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
    return;
  }
}

/** What a refusal says: where the problem is. */
const PATH_MESSAGE = /^(header|profile|request|response|environ|error|python|paths|format|version|the document)[\w.[\]"-]*: expected .+, got .+$/;
const JSON_MESSAGE = /^(Truncated or corrupt profile|The header line is not valid JSON|Truncated: the header line|Not a Request Profiler profile)/;

/** Builds everything a view builds from a document; throws what they would throw. */
function buildViews(document: ReturnType<typeof parseProfileDocument>): number {
  const model = buildProfileModel(document.profile, document.paths);
  let drawn = 0;
  for (const foldLibraries of [false, true]) {
    const tree = new CallTree(model, { foldLibraries });
    const expanded = new Set(requestHotPath(tree));
    for (const row of tree.visibleRows(expanded, expanded)) {
      drawn++;
      formatMs(row.node.total * 1000);
      formatPercent(row.node.fraction);
    }
  }
  sortFunctionRows(functionRows(model), 'own', 'descending');
  const graph = buildCallGraph(model);
  toDot(graph, { theme: 'light', title: document.header.path });
  hottestPaths(model);
  searchFunctions(model, 'walk');
  for (let fn = 0; fn < model.functions.length; fn++) {
    const callers = new CallersTree(model, fn);
    callers.visibleRows(new Set([String(fn)]));
  }
  return drawn;
}

describe('hostile profile documents', function () {
  this.timeout(120_000);

  it('are refused with the place of the problem, or build every view without throwing', () => {
    let refused = 0;
    let opened = 0;
    const seenMessages = new Set<string>();
    for (const { name, text } of corpus()) {
      let document;
      try {
        document = parseProfileDocument(text);
      } catch (error) {
        assert.ok(error instanceof ProfileReadError, `${name}: threw ${String(error)}`);
        assert.ok(PATH_MESSAGE.test(error.message) || JSON_MESSAGE.test(error.message), `${name}: "${error.message}" does not say where`);
        seenMessages.add(error.message.split(':')[0]);
        refused++;
        continue;
      }
      try {
        buildViews(document);
      } catch (error) {
        assert.fail(`${name}: was accepted, then a view threw ${String((error as Error).stack)}`);
      }
      opened++;
    }
    assert.ok(refused > 300 && opened > 200, `${refused} refused, ${opened} opened`);
    for (const path of ['profile.edges[2][0]', 'profile.functions[1].file', 'header.wallMs', 'Truncated or corrupt profile']) {
      assert.ok(seenMessages.has(path), `no refusal at ${path} among ${[...seenMessages].join(', ')}`);
    }
  });

  it('keeps odd strings of a valid document as they are', () => {
    const document = baseDocument();
    document.profile.functions[1].name = '\u202ewalk\ud800\ufffe';
    document.header.path = '/\u202e/\udce9';
    const parsed = parseProfileDocument(layout(document));
    assert.equal(parsed.profile.functions[1].name, '\u202ewalk\ud800\ufffe');
    assert.equal(parsed.header.path, '/\u202e/\udce9');
    buildViews(parsed);
  });
});
