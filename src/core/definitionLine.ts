/**
 * Where to land for a decorated function. cProfile records co_firstlineno, which for a
 * decorated function (or class) is the line of its FIRST decorator; users expect the
 * editor to open on the `def`. Given the file's text and the recorded line, this returns
 * the `def` / `async def` / `class` line that the decorators belong to, or the recorded
 * line unchanged when it is not a decorator.
 */

/** How far below a decorator to look: decorators with long argument lists span many lines. */
const MAX_DECORATOR_LINES = 300;

const DEFINITION = /^(?:async\s+def|def|class)\s/;

/** 1-based line numbers in and out. */
export function definitionLine(source: string, recordedLine: number): number {
  const lines = source.split(/\r\n|\r|\n/);
  const first = recordedLine - 1;
  if (!(first >= 0 && first < lines.length)) return recordedLine;
  const decorator = lines[first];
  const text = decorator.trimStart();
  if (!text.startsWith('@')) return recordedLine;
  // The definition sits at the decorator's own indentation; lines of a decorator's
  // arguments are indented further (or are its closing brackets), so they are skipped.
  const indent = decorator.length - text.length;
  const last = Math.min(lines.length, first + MAX_DECORATOR_LINES);
  for (let i = first + 1; i < last; i++) {
    const line = lines[i];
    const body = line.trimStart();
    if (line.length - body.length !== indent) continue;
    if (DEFINITION.test(body)) return i + 1;
  }
  return recordedLine;
}
