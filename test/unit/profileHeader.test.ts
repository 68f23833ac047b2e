import * as assert from 'node:assert/strict';
import { parseProfileDocument, parseProfileHeader, ProfileReadError } from '../../src/core/profileHeader';
import { makeHeader, profileText } from './profileSamples';

describe('parseProfileHeader', () => {
  it('reads the header from the first line only', () => {
    const text = profileText(makeHeader({ path: '/users/7' }));
    const firstLine = text.slice(0, text.indexOf('\n') + 1);
    assert.equal(parseProfileHeader(firstLine).path, '/users/7');
    assert.equal(parseProfileHeader(text).method, 'GET');
  });

  it('keeps header strings that contain braces, quotes and newlines', () => {
    const header = makeHeader({ path: '/a"},\n{"x', query: 'q=}{' });
    assert.deepEqual(parseProfileHeader(profileText(header)), header);
  });

  const broken: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['not JSON', 'hello world\n', /Not JSON/],
    ['other JSON', '{"a":1}\n', /Not a Request Profiler profile/],
    ['truncated header', profileText(makeHeader()).slice(0, 60), /Truncated/],
    ['wrong version', profileText(makeHeader()).replace('"version":1', '"version":99'), /Unsupported profile version 99/],
    ['header not an object', '{"format":"request-profiler","version":1,"header":[1],\n"x":1}', /^header: expected an object, got an array of 1 item$/],
    ['missing field', profileText({ ...makeHeader(), path: undefined } as never), /^header\.path: expected a string, got nothing \(the field is missing\)$/],
  ];
  for (const [name, text, message] of broken) {
    it(`rejects ${name} with a clear message`, () => {
      assert.throws(
        () => parseProfileHeader(text),
        (error: Error) => error instanceof ProfileReadError && message.test(error.message),
      );
    });
  }
});

describe('parseProfileDocument', () => {
  it('parses a whole document', () => {
    const document = parseProfileDocument(profileText(makeHeader()));
    assert.equal(document.profile.functions.length, 2);
  });

  it('says a cut-off document is truncated', () => {
    const text = profileText(makeHeader());
    assert.throws(() => parseProfileDocument(text.slice(0, text.length - 5)), /Truncated or corrupt/);
  });
});
