/**
 * Recorded text (function names, file paths) made safe to show in the call graph. Graphviz
 * copies a label's characters into its SVG as they are, and the page parses that SVG as XML:
 * one character XML does not allow (C0 controls, U+FFFE, U+FFFF) and the whole graph fails
 * to parse; NUL ends Graphviz's string early (a syntax error); lone surrogates come out as
 * U+FFFD, so their value is lost. Other characters pass but mislead: bidi controls reorder
 * the text around them (a name can be made to read as another), zero-width and other
 * format characters, C1 controls, line separators and noncharacters are invisible.
 *
 * (Rendering every code point with @viz-js/viz found exactly those three breakages: U+0001-
 * U+0008, U+000B, U+000C, U+000E-U+001F, U+FFFE and U+FFFF copied into the SVG; NUL a syntax
 * error; U+D800-U+DFFF changed. test/unit/dot.test.ts keeps one of each kind.)
 *
 * Each of these is shown as a visible escape instead, "\uFFFE" (astral ones "\u{1FFFE}"),
 * so the graph always draws and shows what was recorded. Line feeds, carriage returns and
 * tabs are left to the writer (dot.ts makes them line breaks and spaces).
 */

/**
 * Cc: C0 and C1 controls and DEL (bar \t \n \r); Cf: format characters (bidi controls,
 * zero-width characters, U+FEFF, soft hyphen, tags...); Cs: lone surrogates (a pair is one
 * code point and never matches); Zl, Zp: U+2028, U+2029; noncharacters: U+FDD0-U+FDEF and
 * the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE...).
 */
const UNSHOWABLE = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}]/gu;

/** "\u202E" for U+202E, "\u{1FFFE}" beyond the BMP: the escape JavaScript and JSON readers know. */
export function codePointEscape(codePoint: number): string {
  const hex = codePoint.toString(16).toUpperCase();
  return codePoint > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}

/** text with every character the graph cannot carry or would show misleadingly escaped. */
export function graphText(text: string): string {
  return text.replace(UNSHOWABLE, (char) => codePointEscape(char.codePointAt(0)!));
}
