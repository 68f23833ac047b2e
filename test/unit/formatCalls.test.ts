/** The Calls columns' figure (src/core/format.ts formatCalls), one rule for every view that shows calls. */
import * as assert from 'node:assert/strict';
import { formatCalls } from '../../src/core/format';

describe('formatCalls', () => {
  it('shows the count alone when no call was recursive', () => {
    assert.equal(formatCalls(12, 12), '12');
    assert.equal(formatCalls(0, 0), '0');
  });

  it('shows primitive over total calls where some were recursive, as the Calls column says', () => {
    assert.equal(formatCalls(1, 4), '1/4');
  });

  it('keeps the fractions of a per-request mean', () => {
    assert.equal(formatCalls(0.5, 1.5), '0.5/1.5');
  });
});
