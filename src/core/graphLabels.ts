/**
 * The text of the call graph's node and edge labels. Kept apart from the graph building
 * so that tests can check the wording by hand and the webview can reuse it in tooltips.
 * Numbers use a fixed number of decimals (no locale): labels must read the same on
 * every machine and agree with the middleware's .dot files.
 */

/**
 * Milliseconds with precision that suits their size: "0.042 ms", "3.25 ms", "12.3 ms",
 * "1234 ms"; "<0.001 ms" for times that are there but would round to zero.
 */
export function graphMs(ms: number): string {
  if (ms === Infinity) return '∞ ms'; // a sum that overflowed
  if (!Number.isFinite(ms)) return '? ms';
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 0.0005) return '<0.001 ms';
  if (abs < 1) return `${ms.toFixed(3)} ms`;
  if (abs < 10) return `${ms.toFixed(2)} ms`;
  if (abs < 100) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(0)} ms`;
}

/** A fraction as a percentage with two decimals, as gprof2dot writes it: "12.34%". */
export function graphPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '?%';
  return `${(fraction * 100).toFixed(2)}%`;
}

/**
 * Calls as "N×", or "N/P×" (total/primitive) when some calls were recursive, the form
 * gprof2dot and pstats use.
 */
export function graphCalls(nc: number, cc: number): string {
  return nc === cc ? `${nc}×` : `${nc}/${cc}×`;
}

/** Where a function lives: "module:line", or "built-in" for C functions, which have neither. */
export function graphLocation(module: string, line: number, builtin: boolean): string {
  if (builtin) return 'built-in';
  return line > 0 ? `${module}:${line}` : module;
}

/** "+3 more callees, 1.25 ms": what a node's pruned outgoing calls add up to. */
export function hiddenCalleesNote(count: number, ms: number): string {
  return `+${count} more ${count === 1 ? 'callee' : 'callees'}, ${graphMs(ms)}`;
}

/** "+2 more callers, 0.500 ms": calls into a node from functions or edges not drawn. */
export function hiddenCallersNote(count: number, ms: number): string {
  return `+${count} more ${count === 1 ? 'caller' : 'callers'}, ${graphMs(ms)}`;
}
