/**
 * Every time in a profile is finite, yet the views add them up (the request's total, an
 * endpoint's functions, siblings grouped as "other"): times near a double's limit would add up
 * to Infinity, and every share of the request would then read 0 %, a number that looks real.
 * A profile whose times cannot all be added is refused at load, so the views never meet one.
 */
import type { ProfileData } from './profileFormat';
import { ProfileReadError } from './profileReadError';

/** Throws a ProfileReadError when the own, cumulative or edge times do not add up to finite sums. */
export function checkTimesAddUp(profile: ProfileData): void {
  let own = 0;
  let cumulative = 0;
  for (const fn of profile.functions) {
    own += fn.tt;
    cumulative += fn.ct;
  }
  let edgeOwn = 0;
  let edgeCumulative = 0;
  for (const edge of profile.edges) {
    edgeOwn += edge[4];
    edgeCumulative += edge[5];
  }
  // A sampled profile's stacks are added up too (the flame graph's widths, search shares).
  let stackTime = 0;
  for (const stack of profile.stacks ?? []) stackTime += stack[3] + stack[4];
  if (![own, cumulative, edgeOwn, edgeCumulative, stackTime].every(Number.isFinite)) {
    throw new ProfileReadError(
      'profile: its times add up to more than the largest number a double holds (about 1.8e308 s), so no total or share could be shown: not a real profile.',
    );
  }
}
