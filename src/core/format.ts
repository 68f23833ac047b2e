/** Human-readable numbers for labels, descriptions and tooltips. */

/**
 * "12.5 ms", "1.23 s"; "∞" for a sum that overflowed (times add up in doubles: two of 1e308 s
 * make Infinity, which must not read as a huge real figure), "?" for no number at all.
 */
export function formatMs(ms: number): string {
  if (ms === Infinity) return '∞';
  if (ms === -Infinity) return '-∞';
  if (!Number.isFinite(ms)) return '?';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/**
 * A function's calls as the views' Calls columns show them: "12", or "1/4" (primitive, that is
 * not recursive, over total) where some calls were recursive.
 */
export function formatCalls(cc: number, nc: number): string {
  return cc === nc ? String(nc) : `${cc}/${nc}`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(thenSeconds: number, nowMs: number): string {
  const seconds = Math.max(0, nowMs / 1000 - thenSeconds);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${Math.floor(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** Local wall-clock time of a Unix timestamp, e.g. "14:03:07". */
export function formatClock(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '?';
  const pct = fraction * 100;
  return pct >= 10 || pct === 0 ? `${pct.toFixed(0)}%` : `${pct.toFixed(1)}%`;
}
