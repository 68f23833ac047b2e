/**
 * Watches one profile directory with chokidar and reports profile files added, changed and
 * removed, coalescing bursts of events. Copes with the directory not existing yet (waits for
 * it to be created), being deleted and re-created, and the system's inotify limit (ENOSPC /
 * EMFILE), where it falls back to polling and says so.
 */
import { watch, type FSWatcher } from 'chokidar';
import { watch as fsWatch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { isProfilePath } from './profileFiles';

export type DirectoryState = 'watching' | 'polling' | 'waiting-for-directory' | 'closed';

export interface DirectoryChanges {
  /** Added or changed profile files. */
  changed: string[];
  removed: string[];
  /** The directory itself appeared (rescan it) or disappeared (drop its entries). */
  directoryAppeared: boolean;
  directoryRemoved: boolean;
  /** Files may have come or gone unnamed: compare the directory's listing with the index. */
  relist: boolean;
}

export interface DirectoryWatcherOptions {
  /** Milliseconds to gather events before reporting them together. */
  coalesceMs?: number;
  /** Start polling straight away (for network file systems). */
  usePolling?: boolean;
  pollIntervalMs?: number;
}

export class DirectoryWatcher {
  private watcher: FSWatcher | undefined;
  /** Stops the extra fs.watch: on the ancestor while waiting for creation, on the parent while watching. */
  private stopWaiting: (() => void) | undefined;
  /** Files named by events since the last report. */
  private pending = new Set<string>();
  private appeared = false;
  private removedDir = false;
  /** Compare the folder's listing with what is known (polling, or an event without a file name). */
  private relist = false;
  private stopPolling: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: boolean;
  private stateValue: DirectoryState = 'closed';
  private generation = 0;

  constructor(
    readonly directory: string,
    private readonly onChanges: (changes: DirectoryChanges) => void,
    private readonly onStateChange: (state: DirectoryState, reason?: string) => void,
    private readonly options: DirectoryWatcherOptions = {},
  ) {
    this.directory = resolve(directory);
    this.polling = options.usePolling ?? false;
  }

  get state(): DirectoryState {
    return this.stateValue;
  }

  /**
   * Resolves once the watcher is ready (or waiting for the directory to exist).
   * @param rescan report directoryAppeared once ready: set on restarts (the directory was
   *   re-created or appeared), where files may have been written while nothing watched.
   */
  async start(rescan = false): Promise<void> {
    const generation = ++this.generation;
    await this.closeWatcher();
    const exists = await isDirectory(this.directory);
    if (generation !== this.generation) return;
    if (exists) await this.watchDirectory(generation, rescan);
    else await this.waitForDirectory(generation);
  }

  async close(): Promise<void> {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.closeWatcher();
    this.setState('closed');
  }

  private setState(state: DirectoryState, reason?: string): void {
    if (state === this.stateValue && !reason) return;
    this.stateValue = state;
    this.onStateChange(state, reason);
  }

  private async closeWatcher(): Promise<void> {
    this.stopWaiting?.();
    this.stopWaiting = undefined;
    this.stopPolling?.();
    this.stopPolling = undefined;
    const watcher = this.watcher;
    this.watcher = undefined;
    if (!watcher) return;
    readyWaiters.get(watcher)?.(); // a watcher closed before it was ready never emits 'ready'
    await watcher.close();
  }

  /**
   * chokidar watches the folder; its files are deliberately ignored, because chokidar would
   * otherwise put a watch on every file (10,000 profiles: 10,000 inotify watches, 2 s to start,
   * 27 MB, and new files reported 400 ms late). The folder's own raw events name every file
   * added, renamed into place, changed or removed, which is all an atomically written profile
   * needs. In polling mode (no watches left) the folder is listed on a timer instead.
   */
  private async watchDirectory(generation: number, rescan: boolean): Promise<void> {
    if (this.polling) {
      await this.pollDirectory(generation);
    } else {
      const watcher = watch(this.directory, {
        ignoreInitial: true,
        depth: 0,
        ignored: (path) => resolve(path) !== this.directory,
      });
      this.watcher = watcher;
      watcher.on('raw', (_event, name, details) => {
        const where = (details as { watchedPath?: string } | undefined)?.watchedPath;
        if (where !== undefined && resolve(where) !== this.directory) return;
        if (typeof name === 'string' && name && !name.includes('/') && !name.includes('\\')) {
          if (isProfilePath(name)) this.queue(join(this.directory, name));
        } else {
          this.relist = true; // the platform did not say which file: compare the listing
          this.schedule();
        }
      });
      watcher.on('unlinkDir', (path) => {
        if (resolve(path) === this.directory) this.directoryGone();
      });
      watcher.on('error', (error) => void this.handleError(error as NodeJS.ErrnoException, generation));
      if (!(await this.settle(watcher, generation))) return;
    }
    await this.guardAgainstRemoval(generation);
    if (generation !== this.generation) return;
    this.setState(this.polling ? 'polling' : 'watching');
    if (rescan) {
      this.appeared = true;
      this.schedule();
    }
  }

  /** Without file watches: list the folder on a timer (the library compares listings). */
  private async pollDirectory(generation: number): Promise<void> {
    const timer = setInterval(() => {
      if (generation !== this.generation) return;
      void isDirectory(this.directory).then((exists) => {
        if (generation !== this.generation) return;
        if (!exists) return this.directoryGone();
        this.relist = true;
        this.schedule();
      });
    }, this.options.pollIntervalMs ?? 1000);
    this.stopPolling = () => clearInterval(timer);
  }

  private directoryGone(): void {
    this.removedDir = true;
    this.schedule();
    void this.start(true);
  }

  /**
   * Watches the nearest existing ancestor until the directory exists, then starts over.
   * Node's own fs.watch on one folder is enough here (chokidar, closed while a child folder
   * was being added, leaked a handle); polling covers the watch-limit case.
   */
  private async waitForDirectory(generation: number): Promise<void> {
    let ancestor = dirname(this.directory);
    while (!(await isDirectory(ancestor)) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    if (generation !== this.generation) return;
    const recheck = async () => {
      if (generation !== this.generation) return;
      if (await isDirectory(this.directory)) {
        if (generation === this.generation) await this.start(true);
      } else if (await isDirectory(nextStep(ancestor, this.directory))) {
        if (generation === this.generation) await this.start(true); // an intermediate folder appeared: move closer
      }
    };
    let stop: () => void;
    try {
      if (this.polling) throw Object.assign(new Error('polling'), { code: 'POLL' });
      const watcher = fsWatch(ancestor, { persistent: true }, () => void recheck());
      watcher.on('error', () => void recheck());
      stop = () => watcher.close();
    } catch {
      const timer = setInterval(() => void recheck(), this.options.pollIntervalMs ?? 500);
      stop = () => clearInterval(timer);
    }
    this.stopWaiting = stop;
    this.setState('waiting-for-directory');
    // The directory may have been created between the first check and the watch starting.
    await recheck();
  }

  /**
   * chokidar does not reliably report the watched folder itself being deleted (seen: no event
   * at all, or only the files' unlink). Watch its parent too: when the folder is gone or is a
   * new folder under the same name, forget its profiles and start over.
   */
  private async guardAgainstRemoval(generation: number): Promise<void> {
    const identity = await directoryIdentity(this.directory);
    if (generation !== this.generation || identity === undefined) return;
    const check = async () => {
      if (generation !== this.generation) return;
      if ((await directoryIdentity(this.directory)) === identity || generation !== this.generation) return;
      this.removedDir = true;
      this.schedule();
      await this.start(true);
    };
    try {
      const parentWatcher = fsWatch(dirname(this.directory), { persistent: true }, () => void check());
      parentWatcher.on('error', () => void check());
      this.stopWaiting = () => parentWatcher.close();
    } catch {
      const timer = setInterval(() => void check(), this.options.pollIntervalMs ?? 500);
      this.stopWaiting = () => clearInterval(timer);
    }
  }

  /**
   * Waits for a new watcher to be ready. A start() or close() may have happened meanwhile:
   * then this watcher is stale and is closed here, so none is ever left running.
   */
  private async settle(watcher: FSWatcher, generation: number): Promise<boolean> {
    await new Promise<void>((done) => {
      readyWaiters.set(watcher, done);
      watcher.once('ready', () => done());
    });
    readyWaiters.delete(watcher);
    if (generation === this.generation) return true;
    if (this.watcher === watcher) this.watcher = undefined;
    await watcher.close();
    return false;
  }

  private async handleError(error: NodeJS.ErrnoException, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    if ((error.code === 'ENOSPC' || error.code === 'EMFILE') && !this.polling) {
      this.polling = true;
      this.setState('polling', `The system's file-watch limit was reached (${error.code}); watching ${this.directory} by polling instead.`);
      await this.start(true);
      return;
    }
    this.onStateChange(this.stateValue, `Watching ${this.directory} failed: ${error.message}`);
  }

  /** A file the folder's events named: whether it was added, changed or removed is checked at flush. */
  private queue(file: string): void {
    this.pending.add(file);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.options.coalesceMs ?? 30);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const files = [...this.pending];
    this.pending.clear();
    const changes: DirectoryChanges = {
      changed: [],
      removed: [],
      directoryAppeared: this.appeared,
      directoryRemoved: this.removedDir,
      relist: this.relist,
    };
    this.appeared = this.removedDir = this.relist = false;
    await Promise.all(
      files.map(async (file) => {
        const exists = await stat(file).then((info) => info.isFile(), () => false);
        (exists ? changes.changed : changes.removed).push(file);
      }),
    );
    this.onChanges(changes);
  }
}

/** Releases whoever waits for a watcher's 'ready' when that watcher is closed first. */
const readyWaiters = new WeakMap<FSWatcher, () => void>();

/** Device and inode of a directory, or undefined when it does not exist. */
async function directoryIdentity(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? `${info.dev}:${info.ino}` : undefined;
  } catch {
    return undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** The child of ancestor on the way to target. */
function nextStep(ancestor: string, target: string): string {
  const rest = target.slice(ancestor.length).split(sep).filter(Boolean);
  return resolve(ancestor, rest[0] ?? '');
}
