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
  // The browser knows when the page's own script was fetched: that is where a webview's files
  // cost time, since VS Code serves them through its resource loader.
  const script = performance.getEntriesByType('resource').find((entry) => /\/callGraph\.js(\?|$)/.test(entry.name)) as PerformanceResourceTiming | undefined;
  const page = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  const known = (ms: number | undefined) => (ms ? Math.round(ms) : undefined);
  return { ...timings, documentLoaded: known(page?.responseEnd), scriptRequested: known(script?.startTime), scriptLoaded: known(script?.responseEnd) };
}
