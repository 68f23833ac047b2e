/**
 * What the diff table shows of each function, and in which order: pure (no DOM), so the page's
 * words and sorting are unit-tested. In absolute mode the columns are own time in milliseconds,
 * in normalised mode own time as a share of each request's total, and the change is B − A.
 */
import type { CompareMode, CompareRow, CompareSortKey, CompareTreeNode } from '../../src/compareView/protocol';
import { formatMs, formatPercent } from '../../src/core/format';
import { visibleText } from '../../src/core/displayText';

import type { SortDirection } from '../../src/core/sortOrder';

export type { SortDirection };

export interface RowTexts {
  name: string;
  a: string;
  b: string;
  change: string;
  /** slower (B took more), faster (B took less), or unchanged. */
  direction: 'slower' | 'faster' | 'unchanged';
  /** "new in B", "not in B", or nothing. */
  statusWord: string;
}

/** The value of a side's column (own seconds, or own share); null where the function is absent. */
export function sideValue(row: CompareRow, side: 'a' | 'b', mode: CompareMode): number | null {
  const times = side === 'a' ? row.a : row.b;
  if (!times) return null;
  return mode === 'absolute' ? times.own : times.ownShare;
}

export function changeValue(row: CompareRow, mode: CompareMode): number {
  return mode === 'absolute' ? row.ownChange : row.ownShareChange;
}

/** Below this a change is float noise, shown as unchanged (a nanosecond, or a millionth of a share). */
const NOISE = 1e-9;

/** A change (B − A) in the mode's unit, with its sign, and which way it went. */
export function changeTexts(change: number, mode: CompareMode): Pick<RowTexts, 'change' | 'direction'> {
  const direction = change > NOISE ? 'slower' : change < -NOISE ? 'faster' : 'unchanged';
  const size = Math.abs(change);
  const amount = mode === 'absolute' ? formatMs(size * 1000) : `${(size * 100).toFixed(size * 100 >= 10 ? 0 : 1)} points`;
  return { change: direction === 'unchanged' ? '±0' : `${direction === 'slower' ? '+' : '−'}${amount}`, direction };
}

function valueText(v: number | null, mode: CompareMode): string {
  return v === null ? '—' : mode === 'absolute' ? formatMs(v * 1000) : formatPercent(v);
}

function statusWord(status: CompareRow['status']): string {
  return status === 'new' ? 'new in B' : status === 'vanished' ? 'not in B' : '';
}

export function rowTexts(row: CompareRow, mode: CompareMode): RowTexts {
  return {
    name: visibleText(row.displayName),
    a: valueText(sideValue(row, 'a', mode), mode),
    b: valueText(sideValue(row, 'b', mode), mode),
    ...changeTexts(changeValue(row, mode), mode),
    statusWord: statusWord(row.status),
  };
}

/**
 * What the Call tree tab shows of a node: its total time (the node and below it) in A and B, in
 * milliseconds, or as a share of each request's total when normalised, and the change.
 */
export function nodeTexts(node: CompareTreeNode, mode: CompareMode, totalA: number, totalB: number): RowTexts {
  const share = (seconds: number, total: number) => (total > 0 ? seconds / total : 0);
  const a = node.a ? (mode === 'absolute' ? node.a.total : share(node.a.total, totalA)) : null;
  const b = node.b ? (mode === 'absolute' ? node.b.total : share(node.b.total, totalB)) : null;
  return {
    name: visibleText(node.name),
    a: valueText(a, mode),
    b: valueText(b, mode),
    ...changeTexts(mode === 'absolute' ? node.totalChange : node.totalShareChange, mode),
    statusWord: statusWord(node.status),
  };
}

/**
 * The rows in the order asked: `explains` keeps the host's order (what explains the difference
 * most first, see src/core/compareProfiles.ts); a column sorts by its value, an absent side
 * counting as nothing, ties kept in the host's order.
 */
export function sortRows(rows: readonly CompareRow[], key: CompareSortKey, direction: SortDirection, mode: CompareMode): CompareRow[] {
  if (key === 'explains') return direction === 'descending' ? [...rows] : [...rows].reverse();
  const sign = direction === 'descending' ? -1 : 1;
  const order = new Map(rows.map((row, i) => [row, i]));
  const compare =
    key === 'function'
      ? (x: CompareRow, y: CompareRow) => x.displayName.localeCompare(y.displayName)
      : key === 'change'
        ? (x: CompareRow, y: CompareRow) => changeValue(x, mode) - changeValue(y, mode)
        : (x: CompareRow, y: CompareRow) => (sideValue(x, key, mode) ?? 0) - (sideValue(y, key, mode) ?? 0);
  return [...rows].sort((x, y) => sign * compare(x, y) || order.get(x)! - order.get(y)!);
}
