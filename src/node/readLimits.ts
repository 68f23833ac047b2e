/**
 * How much and for how long the extension may read one profile file. A profile folder can hold
 * anything (a link to /dev/zero, a 10 GB file, a file on a hung network share): every read is
 * bounded in size and in time, so that no file can exhaust memory or stall the list.
 */
import { formatBytes } from '../core/format';

export interface ReadLimits {
  /** The largest file read whole, and the longest first line the list reads. */
  maxBytes: number;
  /** How long one file may take to read before it is given up as too slow. */
  timeoutMs: number;
}

export const MAX_PROFILE_SIZE_SETTING = 'requestProfiler.maxProfileSizeMB';
export const DEFAULT_MAX_PROFILE_SIZE_MB = 256;

/**
 * Time for a whole profile: 256 MB from a slow disk is a few seconds; a read that is still
 * running after this has stalled (a hung network share) rather than being slow.
 */
export const LOAD_TIME_LIMIT_MS = 30_000;
/** Time for what the list reads (a first line and the last bytes): milliseconds when all is well. */
export const HEADER_TIME_LIMIT_MS = 5_000;

export function readLimitsFor(maxProfileSizeMB: number, timeoutMs = LOAD_TIME_LIMIT_MS): ReadLimits {
  return { maxBytes: Math.floor(maxProfileSizeMB * 1024 * 1024), timeoutMs };
}

export const DEFAULT_READ_LIMITS: ReadLimits = readLimitsFor(DEFAULT_MAX_PROFILE_SIZE_MB);

/**
 * "x.rprof.json is 812.0 MiB, over the 256.0 MiB limit (requestProfiler.maxProfileSizeMB)."
 * @param size the file's size, or undefined when reading passed the limit although the file
 *   system gave a smaller size (devices, /proc files, a file still growing).
 */
export function sizeLimitMessage(name: string, size: number | undefined, maxBytes: number): string {
  const what = size === undefined ? `is larger than it says (reading stopped at ${formatBytes(maxBytes)})` : `is ${formatBytes(size)}`;
  return `${name} ${what}, over the ${formatBytes(maxBytes)} limit (${MAX_PROFILE_SIZE_SETTING}).`;
}
