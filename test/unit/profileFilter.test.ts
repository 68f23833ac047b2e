import * as assert from 'node:assert/strict';
import { answeredStatus, describeFilter, filterMessage, matchesFilter, parseFilterQuery } from '../../src/core/profileFilter';
import { makeHeader } from './profileSamples';

/** The README's examples, and a request whose app raised (status null + exception: the server sent 500). */
const ok = makeHeader({ path: '/api/users', status: 200, wallMs: 5 });
const notFound = makeHeader({ path: '/missing', status: 404, wallMs: 3 });
const serverError = makeHeader({ path: '/api/boom', status: 503, wallMs: 900 });
const raised = makeHeader({ path: '/api/raise', status: null, error: 'ZeroDivisionError', wallMs: 40 });
const raisedWhileStreaming = makeHeader({ path: '/stream', status: 200, error: 'BrokenPipeError', wallMs: 40 });
const pstats = makeHeader({ method: '', path: '', status: null, error: null });
const all = [ok, notFound, serverError, raised, raisedWhileStreaming, pstats];

function matching(query: string): string[] {
  const filter = parseFilterQuery(query);
  return all.filter((h) => matchesFilter(h, filter)).map((h) => h.path);
}

describe('profile filter grammar', () => {
  it('takes a bare status, class or "error" as the README says, not as path text', () => {
    assert.deepEqual(parseFilterQuery('500'), { statuses: [{ code: 500 }] });
    assert.deepEqual(parseFilterQuery('4xx'), { statuses: [{ classDigit: 4 }] });
    assert.deepEqual(parseFilterQuery('error'), { statuses: [{ errorsOnly: true }] });
    assert.deepEqual(parseFilterQuery('ERRORS 5XX,404'), { statuses: [{ errorsOnly: true }, { classDigit: 5 }, { code: 404 }] });
    assert.deepEqual(matching('500'), ['/api/raise']);
    assert.deepEqual(matching('4xx'), ['/missing']);
    assert.deepEqual(matching('error'), ['/missing', '/api/boom', '/api/raise', '/stream']);
  });

  it('keeps status:, s:, durations and path words, in any order; statuses add up', () => {
    assert.deepEqual(parseFilterQuery('/api status:5xx,404 >200ms'), { text: '/api', statuses: [{ classDigit: 5 }, { code: 404 }], minDurationMs: 200 });
    assert.deepEqual(parseFilterQuery('s:404 500'), { statuses: [{ code: 404 }, { code: 500 }] });
    assert.deepEqual(parseFilterQuery('min:1.5s'), { minDurationMs: 1500 });
    assert.deepEqual(parseFilterQuery('  '), {});
    assert.deepEqual(matching('/api >=100ms 5xx'), ['/api/boom']);
  });

  it('reads a word with a slash or a non-status number as path text', () => {
    assert.deepEqual(parseFilterQuery('/error'), { text: '/error' });
    assert.deepEqual(parseFilterQuery('/500'), { text: '/500' });
    assert.deepEqual(parseFilterQuery('600'), { text: '600' });
    assert.deepEqual(parseFilterQuery('users 42'), { text: 'users 42' });
  });

  it('refuses a malformed status or duration with a message naming it', () => {
    assert.throws(() => parseFilterQuery('s:abc'), /"abc" is not a status/);
    assert.throws(() => parseFilterQuery('status:'), /needs a status/);
    assert.throws(() => parseFilterQuery('>fast'), /not a duration/);
  });

  it('counts a request whose app raised as a 500, for codes, classes and errors', () => {
    assert.equal(answeredStatus(raised), 500);
    assert.equal(answeredStatus(raisedWhileStreaming), 200, 'the status line had gone out already');
    assert.equal(answeredStatus(pstats), null);
    assert.deepEqual(matching('status:5xx'), ['/api/boom', '/api/raise']);
    assert.deepEqual(matching('s:500'), ['/api/raise']);
    assert.deepEqual(matching('2xx'), ['/api/users', '/stream']);
  });

  it('describes the active filter for the view, and how much it hides', () => {
    const filter = parseFilterQuery('/api 5xx,404 error >200ms');
    assert.equal(describeFilter(filter), '"/api" · 5xx, 404, errors · ≥ 200 ms');
    assert.equal(filterMessage(filter, 2, 30), 'Filter "/api" · 5xx, 404, errors · ≥ 200 ms: 2 of 30 requests shown.');
    assert.match(filterMessage(filter, 0, 30), /no profile matches\. Clear the filter to see all 30\.$/);
  });
});
