/**
 * The keys that move the active row of a list or table (the diff view's functions, the
 * Endpoints overview's endpoints): where a key takes it, kept within the rows.
 */

/** The row `key` moves the active row to (0 to last), or undefined when it is not a moving key. */
export function listKeyTarget(key: string, active: number, last: number, pageRows: number): number | undefined {
  const moves: Record<string, number> = {
    ArrowDown: active + 1,
    ArrowUp: active - 1,
    PageDown: active + pageRows,
    PageUp: active - pageRows,
    Home: 0,
    End: last,
  };
  return Object.hasOwn(moves, key) ? Math.max(0, Math.min(last, moves[key])) : undefined;
}
