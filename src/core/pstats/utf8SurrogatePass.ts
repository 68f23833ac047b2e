/**
 * UTF-8 decoding as CPython's marshal does it: the "surrogatepass" error handler, so that
 * lone surrogates (how Python represents file names that are not valid UTF-8, via
 * surrogateescape) decode to the same lone surrogates in the JS string. TextDecoder would
 * turn them into U+FFFD or throw. Anything else that is not UTF-8 is refused.
 */

/** Characters gathered before each String.fromCharCode call (keeps argument lists small). */
const CHUNK = 4096;

function isContinuation(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/**
 * Decodes bytes[start, end); returns undefined if they are not UTF-8 (surrogates allowed).
 * The caller has checked that end <= bytes.length.
 */
export function decodeUtf8SurrogatePass(bytes: Uint8Array, start: number, end: number): string | undefined {
  const units: number[] = [];
  let text = '';
  let i = start;
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      units.push(b0);
      i += 1;
    } else if (b0 >= 0xc2 && b0 <= 0xdf) {
      const b1 = bytes[i + 1];
      if (i + 1 >= end || !isContinuation(b1)) return undefined;
      units.push(((b0 & 0x1f) << 6) | (b1 & 0x3f));
      i += 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      const b1 = bytes[i + 1];
      const b2 = bytes[i + 2];
      if (i + 2 >= end || !isContinuation(b1) || !isContinuation(b2)) return undefined;
      // E0 needs b1 >= A0 (else overlong); ED A0..BF are the surrogates, which pass here.
      if (b0 === 0xe0 && b1 < 0xa0) return undefined;
      units.push(((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f));
      i += 3;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      const b1 = bytes[i + 1];
      const b2 = bytes[i + 2];
      const b3 = bytes[i + 3];
      if (i + 3 >= end || !isContinuation(b1) || !isContinuation(b2) || !isContinuation(b3)) return undefined;
      // F0 needs b1 >= 90 (else overlong); F4 needs b1 <= 8F (else above U+10FFFF).
      if ((b0 === 0xf0 && b1 < 0x90) || (b0 === 0xf4 && b1 > 0x8f)) return undefined;
      const codePoint = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f);
      const offset = codePoint - 0x10000;
      units.push(0xd800 + (offset >> 10), 0xdc00 + (offset & 0x3ff));
      i += 4;
    } else {
      return undefined;
    }
    if (units.length >= CHUNK) {
      text += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return text + String.fromCharCode(...units);
}

/** Latin-1: each byte is one character. CPython reads the 'a'/'z' ASCII codes this way. */
export function decodeLatin1(bytes: Uint8Array, start: number, end: number): string {
  // Profile strings are short: appending one character at a time is faster than spreading
  // a subarray into String.fromCharCode, which pays for an arguments list each call.
  if (end - start <= 64) {
    let text = '';
    for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]);
    return text;
  }
  let text = '';
  for (let i = start; i < end; i += CHUNK) {
    text += String.fromCharCode(...bytes.subarray(i, Math.min(end, i + CHUNK)));
  }
  return text;
}
