/**
 * Text recorded from a request (path, query, headers, environ, function and file names) shown as
 * it is. A right-to-left override (U+202E) or another bidi control makes "/invoice<U+202E>fdp.exe"
 * read as "/invoiceexe.pdf", and control or invisible characters hide or fake parts of a name; so every
 * place that shows recorded text shows these characters escaped and visible, as ⟨U+202E⟩.
 * Pure (no DOM, no Node): the host and the webviews use the same function.
 */

/**
 * What is escaped (Unicode general categories, so nothing is missed by a hand-kept list):
 * - Cc: C0 controls, DEL and C1 controls (tab and newline included: a one-line label has no room for them),
 * - Cf: format characters: bidi controls (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C), soft
 *   hyphen, zero-width space and joiners, word joiner, U+FEFF, tag characters (hidden text)...,
 * - Cs: lone surrogates (from undecodable bytes; a pair is one code point and never matches),
 * - Zl, Zp: the line and paragraph separators U+2028/U+2029,
 * - noncharacters: U+FDD0-U+FDEF and the last two code points of every plane (U+FFFE, U+FFFF...),
 *   which have no glyph, and which XML (a call graph's SVG) cannot hold.
 */
const HIDDEN = String.raw`\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}\p{Noncharacter_Code_Point}`;
const HIDDEN_OR_REORDERING = new RegExp(`[${HIDDEN}]`, 'gu');
/** The same without tab, line feed and carriage return, for text shown on several lines. */
const HIDDEN_KEEPING_LINES = new RegExp(String.raw`(?![\t\n\r])[${HIDDEN}]`, 'gu');

/** "U+202E": the code point in the notation Unicode charts use. */
function codePointName(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

function escapeMatches(text: unknown, pattern: RegExp): string {
  const value = typeof text === 'string' ? text : String(text);
  // The usual case (plain text) costs one regex test and no copy.
  pattern.lastIndex = 0;
  if (!pattern.test(value)) return value;
  pattern.lastIndex = 0;
  return value.replace(pattern, (character) => `⟨${codePointName(character)}⟩`);
}

/**
 * The text with every control, bidi and invisible character replaced by ⟨U+XXXX⟩. A value that is
 * not a string (a number where a document has the wrong type) is shown as String() makes it.
 */
export function visibleText(text: string): string {
  return escapeMatches(text, HIDDEN_OR_REORDERING);
}

/** As visibleText, for text shown on several lines (a traceback): tabs and line breaks stay. */
export function visibleLines(text: string): string {
  return escapeMatches(text, HIDDEN_KEEPING_LINES);
}

/** Whether visibleText would change the text. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN_OR_REORDERING.lastIndex = 0;
  return HIDDEN_OR_REORDERING.test(text);
}
