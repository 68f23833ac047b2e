/**
 * How the pages' sortable tables (the Functions tab, the diff view, the Endpoints overview) order
 * their rows when a column is clicked: one rule, so that every table answers a click alike.
 */

export type SortDirection = 'ascending' | 'descending';

export interface SortOrder<K> {
  key: K;
  direction: SortDirection;
}

/** Names sort A→Z first; numbers largest first (what is costly is what one looks for). */
export function firstDirection(numeric: boolean): SortDirection {
  return numeric ? 'descending' : 'ascending';
}

/** A column's first click sorts it in its first direction; the next click on it reverses. */
export function nextSortOrder<K>(current: SortOrder<K>, key: K, numeric: boolean): SortOrder<K> {
  if (current.key !== key) return { key, direction: firstDirection(numeric) };
  return { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
}
