/**
 * Converts a pstats file (what pstats.Stats.dump_stats, `python -m cProfile -o`, Werkzeug's
 * ProfilerMiddleware and django-silk write) into the ProfileData of the profile format:
 *
 *   {(file, line, name): (cc, nc, tt, ct, {(file, line, name) of a caller: (nc, cc, tt, ct)})}
 *
 * The caller tuples put nc before cc, the reverse of the outer tuple. The pure-Python
 * `profile` module writes a plain call count instead of a caller tuple, and some tools
 * (pyinstrument) write -1 where they did not count calls. Numbers are kept exactly as the
 * file holds them, so they equal what pstats prints for the same file.
 */
import type { ProfileData, ProfiledEdge, ProfiledFunction } from '../profileFormat';
import { MarshalDict, readMarshal, type MarshalValue } from './marshalReader';
import { PstatsReadError } from './pstatsReadError';

export const PSTATS_NOTE = 'pstats: read from a .prof file, which records no qualified names and no request data';
export const PLAIN_COUNT_NOTE =
  "pstats: the file gives only call counts for %d caller entries (the pure-Python profile module); their times are the callee's, shared out in proportion to the calls";
export const UNKNOWN_COUNT_NOTE = 'pstats: call counts of -1 mean the tool that wrote the file did not count calls';
export const MISSING_CALLER_NOTE = 'pstats: %d caller(s) have no entry of their own in the file; they are shown with zero times';

type Label = readonly [file: string, line: number, name: string];

interface RawEntry {
  label: Label;
  cc: number;
  nc: number;
  tt: number;
  ct: number;
  callers: MarshalDict;
}

/** Reads a whole pstats file. Throws PstatsReadError when it is not one. */
export function readPstats(bytes: Uint8Array): ProfileData {
  return pstatsToProfileData(readMarshal(bytes), bytes.length);
}

/**
 * Converts an already unmarshalled pstats dict.
 * @param fileSize bounds the caller entries visited: marshal back-references let a small
 *   file share one large callers dict among many functions, which pstats never writes.
 */
export function pstatsToProfileData(root: MarshalValue, fileSize: number): ProfileData {
  if (!(root instanceof MarshalDict)) {
    throw new PstatsReadError(`Not a pstats file: it holds ${describe(root)}, not a dict of functions.`);
  }
  const functions: ProfiledFunction[] = [];
  const indexByKey = new Map<string, number>();
  // Caller keys are nearly always back-references to the function's own key tuple: looking
  // them up by identity first saves building a string key per edge.
  const indexByTuple = new Map<MarshalValue, number>();
  const rawEntries: RawEntry[] = [];
  for (const [key, value] of root.entries) {
    const label = toLabel(key, () => 'a function key');
    const entry = toEntry(label, value);
    const stringKey = labelKey(label);
    const existing = indexByKey.get(stringKey);
    // A repeated key: Python's dict keeps the first position and the last value.
    if (existing !== undefined) {
      rawEntries[existing] = entry;
      functions[existing] = toFunction(entry);
    } else {
      indexByKey.set(stringKey, functions.length);
      indexByTuple.set(key, functions.length);
      rawEntries.push(entry);
      functions.push(toFunction(entry));
    }
  }

  const edges: ProfiledEdge[] = [];
  let visited = 0;
  let plainCounts = 0;
  let missingCallers = 0;
  for (let callee = 0; callee < rawEntries.length; callee++) {
    const entry = rawEntries[callee];
    visited += entry.callers.entries.length;
    if (visited > fileSize) {
      throw new PstatsReadError('The callers tables are shared between functions (more caller entries than the file has bytes): not a file pstats writes.');
    }
    const edgeByCaller = new Map<number, number>();
    for (const [key, value] of entry.callers.entries) {
      let caller = indexByTuple.get(key);
      if (caller === undefined) {
        const label = toLabel(key, () => `a caller key of ${describeLabel(entry.label)}`);
        caller = indexByKey.get(labelKey(label));
        if (caller === undefined) {
          caller = functions.length;
          indexByKey.set(labelKey(label), caller);
          functions.push({ file: label[0], line: label[1], name: label[2], qualname: null, cc: 0, nc: 0, tt: 0, ct: 0 });
          missingCallers++;
        }
        indexByTuple.set(key, caller);
      }
      let edge: ProfiledEdge;
      if (typeof value === 'number') {
        plainCounts++;
        edge = estimatedEdge(caller, callee, value, entry);
      } else {
        edge = tupleEdge(caller, callee, value, entry);
      }
      // A repeated caller key: the last value wins, as in a Python dict.
      const previous = edgeByCaller.get(caller);
      if (previous !== undefined) edges[previous] = edge;
      else edgeByCaller.set(caller, edges.push(edge) - 1);
    }
  }

  const notes = [PSTATS_NOTE];
  if (plainCounts > 0) notes.push(PLAIN_COUNT_NOTE.replace('%d', String(plainCounts)));
  if (functions.some((f) => f.cc === -1 || f.nc === -1) || edges.some((e) => e[2] === -1 || e[3] === -1)) {
    notes.push(UNKNOWN_COUNT_NOTE);
  }
  if (missingCallers > 0) notes.push(MISSING_CALLER_NOTE.replace('%d', String(missingCallers)));
  return { functions, edges, notes };
}

/** The caller tuple (nc, cc, tt, ct) as an edge [caller, callee, cc, nc, tt, ct]. */
function tupleEdge(caller: number, callee: number, value: MarshalValue, entry: RawEntry): ProfiledEdge {
  if (!Array.isArray(value) || value.length !== 4 || !value.every(isNumber)) {
    throw new PstatsReadError(`The caller entry of ${describeLabel(entry.label)} holds ${describe(value)}, not (nc, cc, tt, ct) or a call count.`);
  }
  const [nc, cc, tt, ct] = value as number[];
  const bad = (value as number[]).find((n) => !Number.isFinite(n));
  if (bad !== undefined) {
    throw new PstatsReadError(`The caller entry of ${describeLabel(entry.label)} holds ${bad}, not a finite number: the file is damaged.`);
  }
  return [caller, callee, cc, nc, tt, ct];
}

/**
 * The profile module records only how often each caller called: its share of the callee's
 * times is estimated by that count (evenly among callers when the callee's count is unknown).
 */
function estimatedEdge(caller: number, callee: number, calls: number, entry: RawEntry): ProfiledEdge {
  if (!Number.isFinite(calls)) {
    throw new PstatsReadError(`The caller entry of ${describeLabel(entry.label)} holds ${calls}, not a finite call count: the file is damaged.`);
  }
  const share = entry.nc > 0 && calls >= 0 ? calls / entry.nc : 1 / entry.callers.entries.length;
  return [caller, callee, calls, calls, entry.tt * share, entry.ct * share];
}

function toEntry(label: Label, value: MarshalValue): RawEntry {
  if (!Array.isArray(value) || value.length !== 5) {
    throw new PstatsReadError(`The entry of ${describeLabel(label)} holds ${describe(value)}, not (cc, nc, tt, ct, callers).`);
  }
  const [cc, nc, tt, ct, callers] = value as MarshalValue[];
  if (!isNumber(cc) || !isNumber(nc) || !isNumber(tt) || !isNumber(ct)) {
    throw new PstatsReadError(`The numbers of ${describeLabel(label)} are not all numbers.`);
  }
  // A marshalled float can be NaN or infinite; shown, it would read as a real time.
  const bad = [cc, nc, tt, ct].find((n) => !Number.isFinite(n));
  if (bad !== undefined) {
    throw new PstatsReadError(`The numbers of ${describeLabel(label)} hold ${bad}, not a finite number: the file is damaged.`);
  }
  if (!(callers instanceof MarshalDict)) {
    throw new PstatsReadError(`The callers of ${describeLabel(label)} are ${describe(callers)}, not a dict.`);
  }
  return { label, cc, nc, tt, ct, callers };
}

function toFunction(entry: RawEntry): ProfiledFunction {
  const [file, line, name] = entry.label;
  return { file, line, name, qualname: null, cc: entry.cc, nc: entry.nc, tt: entry.tt, ct: entry.ct };
}

/** what: names the value in the error message; only built when there is one. */
function toLabel(value: MarshalValue, what: () => string): Label {
  if (Array.isArray(value) && value.length === 3 && typeof value[0] === 'string' && Number.isInteger(value[1]) && typeof value[2] === 'string') {
    return value as unknown as Label;
  }
  throw new PstatsReadError(`Not a pstats file: ${what()} is ${describe(value)}, not (file, line, name).`);
}

/** An unambiguous map key: the length prefix keeps any characters in file from colliding. */
function labelKey([file, line, name]: Label): string {
  return `${file.length}:${file}${line}:${name}`;
}

function describeLabel([file, line, name]: Label): string {
  return `${file}:${line}(${name})`;
}

function isNumber(value: MarshalValue | undefined): value is number {
  return typeof value === 'number';
}

/** A short description of a value for error messages, never its whole content. */
function describe(value: MarshalValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (value instanceof MarshalDict) return `a dict of ${value.entries.length} entries`;
  return `a tuple of ${value.length} items`;
}
