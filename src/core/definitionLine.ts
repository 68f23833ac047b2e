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

/**
 * [function index, its `def` line] for a profile's functions whose recorded line is a
 * decorator's: what the host found in their sources (src/host/definitionLines.ts) and sends to
 * the views, so that they show the line go-to-source opens.
 */
export type DefinitionLines = [fn: number, line: number][];

/**
 * Gives the model's functions their `def` lines (the views show what the model says). Entries
 * naming no function, or no positive line, are ignored. Returns whether any line changed.
 */
export function applyDefinitionLines(functions: { line: number }[], lines: unknown): boolean {
  if (!Array.isArray(lines)) return false;
  let changed = false;
  for (const entry of lines) {
    if (!Array.isArray(entry)) continue;
    const [fn, line] = entry as unknown[];
    const info = typeof fn === 'number' ? functions[fn] : undefined;
    if (!info || !Number.isInteger(line) || (line as number) <= 0 || info.line === line) continue;
    info.line = line as number;
    changed = true;
  }
  return changed;
}

/** A source's lines, as definitionLineIn takes them (split once for all the functions of a file). */
export function sourceLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/);
}

/** 1-based line numbers in and out. */
export function definitionLine(source: string, recordedLine: number): number {
  return definitionLineIn(sourceLines(source), recordedLine);
}

/** definitionLine for a source already split by sourceLines. */
export function definitionLineIn(lines: readonly string[], recordedLine: number): number {
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
