/**
 * Version 2 of the format is the sampled profile (docs/profile-format.md): the same functions and
 * edges, in samples and sampled seconds, plus the sampling's figures and the stacks. The reader
 * opens versions 1 and 2, checks a sampled profile's own parts as strictly as the rest, and says
 * which versions it reads when it meets another.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the broken documents are built by writing past the format's types on purpose */
import * as assert from 'node:assert/strict';
import { isSampled } from '../../src/core/profileFormat';
import { parseProfileDocument, parseProfileHeader } from '../../src/core/profileHeader';
import { headerProblems } from '../../src/core/validateProfile';
import { documentText, makeHeader, profileText, refusal } from './profileSamples';

/** A sampled profile: handler → query (two stacks) and handler → render, as the middleware lays one out. */
function sampledDocument(): Record<string, any> {
  const document = JSON.parse(profileText(makeHeader({ engine: 'sample' })));
  document.version = 2;
  document.profile = {
    functions: [
      { file: '/srv/app/app.py', line: 10, name: 'handler', qualname: 'handler', cc: 30, nc: 30, tt: 0.002, ct: 0.03 },
      { file: '/srv/app/db.py', line: 4, name: 'query', qualname: 'query', cc: 20, nc: 20, tt: 0.02, ct: 0.02 },
      { file: '/srv/app/app.py', line: 30, name: 'render', qualname: 'render', cc: 8, nc: 8, tt: 0.008, ct: 0.008 },
    ],
    edges: [
      [0, 1, 20, 20, 0.02, 0.02],
      [0, 2, 8, 8, 0.008, 0.008],
    ],
    notes: [],
    engine: 'sample',
    sampling: {
      intervalMs: 1,
      samples: 30,
      rateHz: 1000,
      maxGapMs: 1.2,
      sampledMs: 30,
      cpuMs: 12,
      unsampledTailMs: 0.3,
      unattributedMs: 0,
      overflowMs: 0,
      distinctStacks: 3,
    },
    stacks: [
      [[0, 1], [12, 5], false, 0.015, 0.001, 15],
      [[0, 2], [14, 31], false, 0.008, 0.008, 8],
      [[0, 1], [13, 6], false, 0.005, 0.001, 5],
      [[0], [11], false, 0.002, 0.002, 2],
    ],
  };
  return document;
}

describe('reading a sampled profile (version 2)', () => {
  it('opens with its engine, figures and stacks', () => {
    const document = parseProfileDocument(documentText(sampledDocument()));
    assert.equal(document.version, 2);
    assert.equal(document.header.engine, 'sample');
    assert.ok(isSampled(document.profile));
    assert.equal(document.profile.stacks.length, 4);
    assert.equal(document.profile.sampling.rateHz, 1000);
  });

  it('opens a stack without frames (samples of the thread running none of the request’s own code), and ASGI’s exact split', () => {
    const document = sampledDocument();
    document.profile.stacks.push([[], [], false, 0.001, 0.001, 1]);
    document.profile.sampling.runningMs = 12;
    document.profile.sampling.awaitingMs = 18;
    const opened = parseProfileDocument(documentText(document));
    assert.deepEqual(opened.profile.stacks?.[4], [[], [], false, 0.001, 0.001, 1]);
    assert.equal(opened.profile.sampling?.awaitingMs, 18);
  });

  it('lists from its first line alone', () => {
    const header = parseProfileHeader(documentText(sampledDocument()));
    assert.equal(header.engine, 'sample');
    assert.deepEqual(headerProblems(header), []);
  });

  it('still opens version 1 profiles, which are cProfile profiles', () => {
    const document = parseProfileDocument(profileText(makeHeader()));
    assert.equal(document.version, 1);
    assert.equal(isSampled(document.profile), false);
    assert.equal(document.header.engine, undefined);
  });

  it('names the versions it reads when it meets another', () => {
    const text = documentText({ ...sampledDocument(), version: 3 });
    assert.throws(() => parseProfileHeader(text), /Unsupported profile version 3: this extension reads versions 1 and 2/);
  });

  it('drops a header engine it does not know, and says so', () => {
    const document = sampledDocument();
    document.header.engine = 'pyspy';
    const header = parseProfileHeader(documentText(document));
    assert.equal(header.engine, undefined);
    assert.deepEqual(headerProblems(header), ['header.engine: expected "cprofile" or "sample", got the string "pyspy": ignored']);
  });

  const broken: [string, (d: Record<string, any>) => void, string][] = [
    [
      'a version 2 profile without its engine',
      (d) => delete d.profile.engine,
      'profile.engine: expected "sample" in a version 2 profile, got nothing (the field is missing)',
    ],
    [
      'a version 1 profile that says it was sampled',
      (d) => (d.version = 1),
      'profile.engine: expected "cprofile" or nothing in a version 1 profile, got the string "sample"',
    ],
    ['no sampling figures', (d) => delete d.profile.sampling, 'profile.sampling: expected an object, got nothing (the field is missing)'],
    [
      'a rate that is not a number',
      (d) => (d.profile.sampling.rateHz = 'fast'),
      'profile.sampling.rateHz: expected a finite number ≥ 0, got the string "fast"',
    ],
    ['no stacks', (d) => delete d.profile.stacks, 'profile.stacks: expected an array, got nothing (the field is missing)'],
    [
      'a stack frame past the last function',
      (d) => (d.profile.stacks[2][0][1] = 3),
      'profile.stacks[2][0][1]: expected a function index from 0 to 2 (there are 3 functions), got 3',
    ],
    ['frames that are not an array', (d) => (d.profile.stacks[0][0] = 3), 'profile.stacks[0][0]: expected an array of function indices, got 3'],
    [
      'an ASGI running time that is not a number',
      (d) => (d.profile.sampling.runningMs = 'x'),
      'profile.sampling.runningMs: expected a finite number ≥ 0, got the string "x"',
    ],
    [
      'fewer lines than frames',
      (d) => (d.profile.stacks[1][1] = [14]),
      'profile.stacks[1][1]: expected an array of 2 line numbers, one per frame, got an array of 1 item',
    ],
    ['awaiting that is not a boolean', (d) => (d.profile.stacks[0][2] = 0), 'profile.stacks[0][2]: expected true or false, got 0'],
    ['a negative wall time', (d) => (d.profile.stacks[3][3] = -1), 'profile.stacks[3][3]: expected a finite number ≥ 0, got -1'],
    ['a fractional sample count', (d) => (d.profile.stacks[3][5] = 1.5), 'profile.stacks[3][5]: expected an integer ≥ 0, got 1.5'],
    [
      'a stack of five items',
      (d) => d.profile.stacks[0].pop(),
      'profile.stacks[0]: expected an array [frames, lines, awaiting, wallSeconds, cpuSeconds, samples], got an array of 5 items',
    ],
  ];
  for (const [what, breakIt, message] of broken) {
    it(`refuses ${what}`, () => {
      const document = sampledDocument();
      breakIt(document);
      assert.equal(refusal(documentText(document)), message);
    });
  }

  it('refuses stack times that add up past what a double holds', () => {
    const document = sampledDocument();
    document.profile.stacks[0][3] = 1e308;
    document.profile.stacks[1][3] = 1e308;
    assert.match(refusal(documentText(document)), /add up to more than the largest number a double holds/);
  });
});
