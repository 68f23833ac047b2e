/**
 * What a reopened diff view says when it cannot show its comparison (src/compareView/compareHtml.ts):
 * the reasons as text, whatever a file name holds, on a page that runs nothing.
 */
import * as assert from 'node:assert/strict';
import { compareUnavailableHtml } from '../../src/compareView/compareHtml';

describe('a diff view that cannot be reopened', () => {
  it('lists each reason as text, on a page with no script', () => {
    const html = compareUnavailableHtml(
      'This comparison could not be reopened',
      ['<img src=x onerror=alert(1)>.rprof.json no longer exists.'],
      'Compare again.',
    );
    assert.match(html, /<li>&lt;img src=x onerror=alert\(1\)&gt;\.rprof\.json no longer exists\.<\/li>/);
    assert.doesNotMatch(html, /<img|<script/);
    assert.match(html, /content="default-src 'none'"/);
    assert.match(html, /<h1>This comparison could not be reopened<\/h1>/);
  });
});
