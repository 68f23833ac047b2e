/**
 * The flat function table: one row per profiled function with its recorded numbers (these
 * are exact, unlike the call tree's apportioned times), sortable by any column.
 */
import type { FunctionInfo, FunctionKind, ProfileModel } from './profileModel';

export interface FunctionRow {
  fn: number;
  name: string;
  /** Own time, seconds. */
  own: number;
  /** Cumulative time, seconds (counted once across recursion). */
  total: number;
  ownFraction: number;
  totalFraction: number;
  /** Primitive (non-recursive) and total calls. */
  cc: number;
  nc: number;
  file: string;
  line: number;
  /** "file:line", or "" for built-ins, which have neither. */
  location: string;
  module: string;
  kind: FunctionKind;
  hasSource: boolean;
}

export type FunctionColumn = 'name' | 'own' | 'total' | 'calls' | 'primitiveCalls' | 'location' | 'module' | 'kind';
export type SortDirection = 'ascending' | 'descending';

export function functionRows(model: ProfileModel): FunctionRow[] {
  const totalTime = model.totalTime;
  const fraction = (seconds: number) => (totalTime > 0 ? seconds / totalTime : 0);
  return model.functions.map((f) => ({
    fn: f.index,
    name: f.displayName,
    own: f.tt,
    total: f.ct,
    ownFraction: fraction(f.tt),
    totalFraction: fraction(f.ct),
    cc: f.cc,
    nc: f.nc,
    file: f.file,
    line: f.line,
    location: functionLocation(f),
    module: f.module,
    kind: f.kind,
    hasSource: f.hasSource,
  }));
}

/** "file:line", or "" for a built-in. */
export function functionLocation(f: Pick<FunctionInfo, 'kind' | 'file' | 'line'>): string {
  return f.kind === 'builtin' ? '' : `${f.file}:${f.line}`;
}

/** Kinds ordered from the user's own code outwards, which is what sorting by kind should show. */
const KIND_ORDER: Record<FunctionKind, number> = { app: 0, library: 1, stdlib: 2, builtin: 3 };

type Key = (row: FunctionRow) => number | string;

const KEYS: Record<FunctionColumn, Key> = {
  name: (row) => row.name.toLowerCase(),
  own: (row) => row.own,
  total: (row) => row.total,
  calls: (row) => row.nc,
  primitiveCalls: (row) => row.cc,
  location: (row) => row.location.toLowerCase(),
  module: (row) => row.module.toLowerCase(),
  kind: (row) => KIND_ORDER[row.kind],
};

/**
 * A sorted copy. Equal keys fall back to total time (costliest first) and then function
 * order, so the order is the same on every run and the interesting rows come first.
 */
export function sortFunctionRows(rows: readonly FunctionRow[], column: FunctionColumn, direction: SortDirection): FunctionRow[] {
  const key = KEYS[column];
  const sign = direction === 'ascending' ? 1 : -1;
  // Keys computed once: lower-casing inside the comparator would run n log n times.
  const keyed = rows.map((row) => ({ row, key: key(row) }));
  keyed.sort((a, b) => {
    if (a.key !== b.key) return (a.key < b.key ? -1 : 1) * sign;
    return b.row.total - a.row.total || a.row.fn - b.row.fn;
  });
  return keyed.map((k) => k.row);
}
