/**
 * When the page reached each step of its start-up (see CallGraphPageTimings): the first time
 * only, since a later redraw (new thresholds, a theme change) is not start-up.
 */
import type { CallGraphPageTimings } from '../../src/callGraph/protocol';

const timings: CallGraphPageTimings = { timeOrigin: Math.round(performance.timeOrigin) };

export function markStartup(step: keyof CallGraphPageTimings): void {
  timings[step] ??= Math.round(performance.now());
}

export function startupTimings(): CallGraphPageTimings {
  return { ...timings };
}
