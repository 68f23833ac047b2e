/**
 * The flat function table: one row per profiled function with its recorded numbers (these
 * are exact, unlike the call tree's apportioned times), sortable by any column. A sampled
 * profile's rows are read from its stacks (sampledFunctions.ts): samples where cProfile has
 * calls, and time waiting at an await apart from own time.
 */
import type { FunctionInfo, FunctionKind, ProfileModel } from './profileModel';
import type { SampledFunctionFigures } from './sampledFunctions';

export interface FunctionRow {
  fn: number;
  name: string;
  /** Own time, seconds. */
  own: number;
  /** Cumulative time, seconds (counted once across recursion). */
  total: number;
  ownFraction: number;
  totalFraction: number;
  /** Primitive (non-recursive) and total calls; for a sampled profile both are its samples. */
  cc: number;
  nc: number;
  /** Sampled profiles: seconds an asyncio request waited at one of the function's awaits (not in own). */
  awaiting?: number;
  file: string;
  line: number;
  /** "file:line", or "" for built-ins, which have neither. */
  location: string;
  module: string;
  kind: FunctionKind;
  hasSource: boolean;
}

export type FunctionColumn = 'name' | 'own' | 'total' | 'calls' | 'primitiveCalls' | 'location' | 'module' | 'kind';
import type { SortDirection } from './sortOrder';

/** sampled: a sampled profile's figures from its stacks, which the rows then show. */
export function functionRows(model: ProfileModel, sampled?: SampledFunctionFigures): FunctionRow[] {
  const totalTime = sampled ? sampled.totalTime : model.totalTime;
  const fraction = (seconds: number) => (totalTime > 0 ? seconds / totalTime : 0);
  return model.functions.map((f) => {
    const own = sampled ? sampled.own[f.index] : f.tt;
    const total = sampled ? sampled.total[f.index] : f.ct;
    const row: FunctionRow = {
      fn: f.index,
      name: f.displayName,
      own,
      total,
      ownFraction: fraction(own),
      totalFraction: fraction(total),
      cc: sampled ? sampled.samples[f.index] : f.cc,
      nc: sampled ? sampled.samples[f.index] : f.nc,
      file: f.file,
      line: f.line,
      location: functionLocation(f),
      module: f.module,
      kind: f.kind,
      hasSource: f.hasSource,
    };
    if (sampled) row.awaiting = sampled.awaiting[f.index];
    return row;
  });
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
