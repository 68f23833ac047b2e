/** The keys that move a list's active row (webview/shared/listKeys.ts). */
import * as assert from 'node:assert/strict';
import { listKeyTarget } from '../../webview/shared/listKeys';

describe('list keys', () => {
  it('moves by one, by a page, and to either end', () => {
    assert.deepEqual(
      ['ArrowDown', 'ArrowUp', 'PageDown', 'PageUp', 'Home', 'End'].map((key) => listKeyTarget(key, 30, 99, 10)),
      [31, 29, 40, 20, 0, 99],
    );
  });

  it('stays within the rows', () => {
    assert.equal(listKeyTarget('ArrowUp', 0, 99, 10), 0);
    assert.equal(listKeyTarget('PageUp', 4, 99, 10), 0);
    assert.equal(listKeyTarget('ArrowDown', 99, 99, 10), 99);
    assert.equal(listKeyTarget('PageDown', 95, 99, 10), 99);
  });

  it('leaves other keys to the caller', () => {
    for (const key of ['Enter', 'ArrowRight', 'ArrowLeft', 'a', ' ', 'toString']) assert.equal(listKeyTarget(key, 3, 9, 10), undefined, key);
  });
});
