/**
 * Text recorded from a request (path, query, headers, environ, function and file names) shown as
 * it is. A right-to-left override (U+202E) or another bidi control makes "/invoice‮fdp.exe" read
 * as something else, and control or invisible characters hide or fake parts of a name; so every
 * place that shows recorded text shows these characters escaped and visible, as ⟨U+202E⟩.
 * Pure (no DOM, no Node): the host and the webviews use the same function.
 */

/**
 * What is escaped:
 * - C0 controls, DEL and C1 controls (tab and newline included: a one-line label has no room for them),
 * - bidi controls: U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069,
 * - invisible formatting: soft hyphen, zero-width space/joiners, word joiner and invisible
 *   operators U+2060–U+2064, deprecated format controls U+206A–U+206F, U+FEFF, the interlinear
 *   annotation marks U+FFF9–U+FFFB, and tag characters U+E0000–U+E007F (hidden text),
 * - line and paragraph separators U+2028/U+2029,
 * - the noncharacters U+FFFE/U+FFFF and lone surrogates (from undecodable bytes), which have no
 *   glyph and break some consumers.
 */
const OTHER_HIDDEN = String.raw`\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\ufffe\uffff\u{e0000}-\u{e007f}`;
const HIDDEN_OR_REORDERING = new RegExp(String.raw`[\u0000-\u001f${OTHER_HIDDEN}]|[\ud800-\udfff]`, 'gu');
/** The same without tab, line feed and carriage return, for text shown on several lines. */
const HIDDEN_KEEPING_LINES = new RegExp(String.raw`[\u0000-\u0008\u000b\u000c\u000e-\u001f${OTHER_HIDDEN}]|[\ud800-\udfff]`, 'gu');

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
