// Measuring helpers for the Profiles index benchmark: heap after GC, inotify watches held,
// medians, and waiting for a file to reach the library's index.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** process.memoryUsage() after full GCs (needs node --expose-gc). */
export function settledMemory() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage();
}

/** Inotify watches held by this process (Linux; undefined elsewhere): a watcher may hold one per file. */
export function inotifyWatchCount() {
  try {
    let watches = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      let target;
      try {
        target = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (!target.includes('inotify')) continue;
      watches += readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('inotify wd:')).length;
    }
    return watches;
  } catch {
    return undefined;
  }
}

/** Resolves with the time from `started` until check() holds after one of the library's changes. */
export function whenIndexed(library, check, started, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`not in the index ${timeoutMs} ms after it was written`));
    }, timeoutMs);
    const stop = library.onDidChange(() => {
      if (!check()) return;
      const elapsed = performance.now() - started;
      clearTimeout(timer);
      stop();
      resolve(elapsed);
    });
  });
}

export const sleep = (delay) => new Promise((resolve) => setTimeout(resolve, delay));
