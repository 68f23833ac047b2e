/**
 * Comparing two profiles (A, the baseline, and B): per function, its time in each and the
 * change, sorted by what explains the difference, with a one-sentence summary.
 *
 * Functions are matched by (file, line, name), as pstats keys them; a function in only one
 * profile is new (only in B) or vanished (only in A). What explains the difference is own
 * time: the request's total is the sum of every function's own time, so the changes in own
 * time add up to the change in the total, and each is that function's part of it.
 *
 * Two modes: absolute (seconds: "did it get slower") and normalised (shares of each request's
 * total, in percentage points: "did its profile change shape", whatever the two totals).
 */
import type { ProfileData, ProfilePaths } from './profileFormat';
import { buildProfileModel, type FunctionInfo } from './profileModel';
import { formatMs, formatPercent } from './format';

export type CompareMode = 'absolute' | 'normalised';

export interface FunctionTimes {
  /** Seconds in the function's own code, and in it and below it. */
  own: number;
  total: number;
  calls: number;
  /** own and total over the profile's total. */
  ownShare: number;
  totalShare: number;
}

export interface FunctionDifference {
  readonly file: string;
  readonly line: number;
  readonly name: string;
  readonly displayName: string;
  /** Where the function is in each profile (null where it is absent), for opening its source or tree. */
  readonly indexA: number | null;
  readonly indexB: number | null;
  readonly a: FunctionTimes | null;
  readonly b: FunctionTimes | null;
  readonly status: 'both' | 'new' | 'vanished';
  /** B − A: seconds of own and total time, and points (fractions) of own and total share. */
  readonly ownChange: number;
  readonly totalChange: number;
  readonly ownShareChange: number;
  readonly totalShareChange: number;
}

export interface ProfileComparison {
  readonly mode: CompareMode;
  /** The two profiles' totals (seconds) and B − A. */
  readonly totalA: number;
  readonly totalB: number;
  readonly difference: number;
  /** Every function of either profile, what explains the difference most first. */
  readonly functions: FunctionDifference[];
  /** One sentence: what changed most. */
  readonly summary: string;
}

export interface ComparedProfile {
  profile: ProfileData;
  paths?: ProfilePaths;
}

const NO_TIMES: FunctionTimes = { own: 0, total: 0, calls: 0, ownShare: 0, totalShare: 0 };

function timesOf(fn: FunctionInfo, total: number): FunctionTimes {
  return { own: fn.tt, total: fn.ct, calls: fn.nc, ownShare: total > 0 ? fn.tt / total : 0, totalShare: total > 0 ? fn.ct / total : 0 };
}

export interface CompareOptions {
  /** What A is, where it is not simply "the other request": "the mean of 5 other requests". */
  baseline?: string;
}

export function compareProfiles(a: ComparedProfile, b: ComparedProfile, mode: CompareMode = 'absolute', options: CompareOptions = {}): ProfileComparison {
  const modelA = buildProfileModel(a.profile, a.paths);
  const modelB = buildProfileModel(b.profile, b.paths);
  const totalA = modelA.totalTime;
  const totalB = modelB.totalTime;
  const key = (fn: FunctionInfo) => `${fn.file}\0${fn.line}\0${fn.name}`;
  const inB = new Map(modelB.functions.map((fn) => [key(fn), fn]));
  const functions: FunctionDifference[] = [];
  const difference = (fa: FunctionInfo | undefined, fb: FunctionInfo | undefined): FunctionDifference => {
    const shown = (fb ?? fa)!;
    const ta = fa ? timesOf(fa, totalA) : null;
    const tb = fb ? timesOf(fb, totalB) : null;
    const x = ta ?? NO_TIMES;
    const y = tb ?? NO_TIMES;
    return {
      file: shown.file,
      line: shown.line,
      name: shown.name,
      displayName: shown.displayName,
      indexA: fa ? fa.index : null,
      indexB: fb ? fb.index : null,
      a: ta,
      b: tb,
      status: fa && fb ? 'both' : fb ? 'new' : 'vanished',
      ownChange: y.own - x.own,
      totalChange: y.total - x.total,
      ownShareChange: y.ownShare - x.ownShare,
      totalShareChange: y.totalShare - x.totalShare,
    };
  };
  for (const fa of modelA.functions) {
    const k = key(fa);
    functions.push(difference(fa, inB.get(k)));
    inB.delete(k);
  }
  for (const fb of inB.values()) functions.push(difference(undefined, fb));
  const weight = mode === 'absolute' ? (d: FunctionDifference) => Math.abs(d.ownChange) : (d: FunctionDifference) => Math.abs(d.ownShareChange);
  functions.sort((x, y) => weight(y) - weight(x) || Math.abs(y.totalChange) - Math.abs(x.totalChange) || x.displayName.localeCompare(y.displayName));
  const comparison = { mode, totalA, totalB, difference: totalB - totalA, functions };
  return { ...comparison, summary: summarise(comparison, options) };
}

/**
 * Sums of the same numbers taken in another order differ in their last bits: a mean of three
 * copies of a request against the request itself differs by 1e-17 s. A change this small against
 * the totals is no change (it would read "−0.00 ms").
 */
const FLOAT_NOISE = 1e-9;

/** The change is float noise against the two totals (seconds, or fractions in normalised mode). */
function isNoise(change: number, scale: number): boolean {
  return Math.abs(change) <= FLOAT_NOISE * Math.max(scale, Number.MIN_VALUE);
}

/** "+12.5 ms", "−3.10 ms"; no sign on a change too small to show ("0.00 ms"). */
function signedMs(seconds: number): string {
  const text = formatMs(Math.abs(seconds) * 1000);
  if (text === formatMs(0)) return text;
  return `${seconds < 0 ? '−' : '+'}${text}`;
}

function signedPoints(fraction: number): string {
  const points = Math.abs(fraction * 100);
  const text = points.toFixed(points >= 10 ? 0 : 1);
  return `${Number(text) === 0 ? '' : fraction < 0 ? '−' : '+'}${text} points`;
}

/** What changed most, in one sentence (mode decides which change). */
function summarise(comparison: Omit<ProfileComparison, 'summary'>, { baseline }: CompareOptions): string {
  const { mode, totalA, totalB, functions } = comparison;
  const scale = Math.max(Math.abs(totalA), Math.abs(totalB));
  const difference = isNoise(comparison.difference, scale) ? 0 : comparison.difference;
  const top = functions[0];
  const whole = `${formatMs(totalA * 1000)} → ${formatMs(totalB * 1000)}`;
  const against = baseline ? ` than ${baseline}` : '';
  if (!top || (mode === 'absolute' ? isNoise(top.ownChange, scale) : isNoise(top.ownShareChange, 1)))
    return `No function's time changed${baseline ? ` from ${baseline}` : ''} (${whole}).`;
  const status = top.status === 'new' ? ' (new in B)' : top.status === 'vanished' ? ' (not in B)' : '';
  if (mode === 'normalised') {
    const from = formatPercent(top.a?.ownShare ?? 0);
    const to = formatPercent(top.b?.ownShare ?? 0);
    return `${top.displayName}${status} ${signedPoints(top.ownShareChange)} of its request's time${baseline ? ` against ${baseline}` : ''} (${from} → ${to} own time).`;
  }
  // Its part of the difference, when the difference is clear of float noise.
  const part = difference !== 0 && Math.sign(top.ownChange) === Math.sign(difference) ? `, ${formatPercent(top.ownChange / difference)} of the difference` : '';
  const direction =
    difference > 0
      ? `B is ${formatMs(difference * 1000)} slower${against}`
      : difference < 0
        ? `B is ${formatMs(-difference * 1000)} faster${against}`
        : `same total${baseline ? ` as ${baseline}` : ''}`;
  return `${top.displayName}${status} ${signedMs(top.ownChange)}${part} (${direction}: ${whole}).`;
}
