/**
 * The keys that move the active row of a list or table (the diff view's functions, the
 * Endpoints overview's endpoints): where a key takes it, kept within the rows, and how the
 * active row is shown.
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

/** Shows a table body's row as the active one (class `active`, taken from any other), focused and scrolled into view if asked. */
export function markActiveRow(body: HTMLElement, index: number, focus: boolean): void {
  for (const row of body.querySelectorAll('tr.active')) row.classList.remove('active');
  const row = body.children[index] as HTMLElement | undefined;
  if (!row) return;
  row.classList.add('active');
  if (focus) {
    row.focus();
    row.scrollIntoView({ block: 'nearest' });
  }
}
