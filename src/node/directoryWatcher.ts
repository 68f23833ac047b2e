/**
 * Watches one profile directory and reports profile files added, changed and removed,
 * coalescing bursts of events. Copes with the directory not existing yet (waits for it to be
 * created), being deleted and re-created, and the system's watch limit (ENOSPC / EMFILE),
 * where it falls back to polling and says so.
 *
 * Why Node's fs.watch and not chokidar: chokidar 4 puts a watch on every file of the folder
 * and, even with every file ignored, stats all of them at start and again after each event:
 * on a big folder it is slower to start, later to report a new file and busy under steady
 * traffic (docs/measurements.md, "Watching a profile folder"). The
 * middleware writes atomically (a temporary name renamed into place), so the folder's own
 * events, which name each file, are all a profile needs.
 */
import { watch as fsWatch } from 'node:fs';
import { lstat, stat } from 'node:fs/promises';
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
  /** Start polling straight away (for network file systems, where change events do not arrive). */
  usePolling?: boolean;
  pollIntervalMs?: number;
}

export class DirectoryWatcher {
  /** What start() set going (watches, timers): all stopped before the next start and on close. */
  private stops: (() => void)[] = [];
  /** Files named by events since the last report. */
  private pending = new Set<string>();
  private appeared = false;
  private removedDir = false;
  /** Compare the folder's listing with what is known (polling, or an event without a file name). */
  private relist = false;
  private timer: NodeJS.Timeout | undefined;
  private polling: boolean;
  private stateValue: DirectoryState = 'closed';
  /** Bumped by every start() and close(): callbacks of an older start see it changed and do nothing. */
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
   * Resolves once the directory is watched (or its creation is awaited).
   * @param rescan report directoryAppeared once watching: set on restarts (the directory was
   *   re-created or appeared), where files may have been written while nothing watched.
   */
  async start(rescan = false): Promise<void> {
    const generation = ++this.generation;
    this.stopAll();
    const identity = await directoryIdentity(this.directory);
    if (generation !== this.generation) return;
    if (identity === undefined) {
      await this.waitForDirectory(generation);
      return;
    }
    this.watchDirectory(generation);
    this.guardAgainstRemoval(generation, identity);
    this.setState(this.polling ? 'polling' : 'watching');
    if (rescan) {
      this.appeared = true;
      this.schedule();
    }
  }

  async close(): Promise<void> {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopAll();
    this.setState('closed');
  }

  private stopAll(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private setState(state: DirectoryState, reason?: string): void {
    if (state === this.stateValue && !reason) return;
    this.stateValue = state;
    this.onStateChange(state, reason);
  }

  /**
   * Calls onEvent on every change in folder, with fs.watch; by polling every interval when
   * polling was asked for or no watch is left (ENOSPC / EMFILE switch this watcher to polling).
   */
  private watchFolder(folder: string, generation: number, onEvent: (name: string | null) => void): void {
    if (!this.polling) {
      try {
        const watcher = fsWatch(folder, { persistent: true }, (_event, name) => {
          if (generation === this.generation) onEvent(typeof name === 'string' ? name : null);
        });
        watcher.on('error', (error) => void this.handleError(error as NodeJS.ErrnoException, generation));
        this.stops.push(() => watcher.close());
        return;
      } catch (error) {
        if (!isWatchLimit(error)) throw error;
        this.switchToPolling(error as NodeJS.ErrnoException);
      }
    }
    const timer = setInterval(() => {
      if (generation === this.generation) onEvent(null);
    }, this.options.pollIntervalMs ?? 1000);
    this.stops.push(() => clearInterval(timer));
  }

  private watchDirectory(generation: number): void {
    this.watchFolder(this.directory, generation, (name) => {
      if (name && !name.includes('/') && !name.includes('\\')) {
        if (isProfilePath(name)) this.queue(join(this.directory, name));
      } else {
        this.relist = true; // polling, or the platform did not say which file: compare listings
        this.schedule();
      }
    });
  }

  /**
   * A watch on a folder says little when the folder itself is deleted or replaced. Watch its
   * parent too: when the folder is gone or is a new folder under the same name, forget its
   * profiles and start over.
   */
  private guardAgainstRemoval(generation: number, identity: string): void {
    this.watchFolder(dirname(this.directory), generation, () => {
      void directoryIdentity(this.directory).then((now) => {
        if (generation !== this.generation || now === identity) return;
        this.removedDir = true;
        this.schedule();
        void this.start(true);
      });
    });
  }

  /** Watches the nearest existing ancestor until the directory exists, then starts over. */
  private async waitForDirectory(generation: number): Promise<void> {
    let ancestor = dirname(this.directory);
    while (!(await isDirectory(ancestor)) && dirname(ancestor) !== ancestor) ancestor = dirname(ancestor);
    if (generation !== this.generation) return;
    const recheck = async () => {
      // The directory, or a folder on the way to it, appeared: start over from there.
      const closer = (await isDirectory(this.directory)) || (await isDirectory(nextStep(ancestor, this.directory)));
      if (closer && generation === this.generation) await this.start(true);
    };
    this.watchFolder(ancestor, generation, () => void recheck());
    this.setState('waiting-for-directory');
    // The directory may have been created between the first check and the watch starting.
    await recheck();
  }

  private switchToPolling(error: NodeJS.ErrnoException): void {
    this.polling = true;
    this.setState('polling', `The system's file-watch limit was reached (${error.code}); watching ${this.directory} by polling instead.`);
  }

  private async handleError(error: NodeJS.ErrnoException, generation: number): Promise<void> {
    if (generation !== this.generation) return;
    if (isWatchLimit(error) && !this.polling) {
      this.switchToPolling(error);
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
    this.timer = setTimeout(() => void this.flush(), this.options.coalesceMs ?? 30);
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
        // Whatever is there counts, links that lead nowhere and FIFOs included: the list says what is wrong with it.
        const exists = await lstat(file).then(
          () => true,
          () => false,
        );
        (exists ? changes.changed : changes.removed).push(file);
      }),
    );
    this.onChanges(changes);
  }
}

function isWatchLimit(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EMFILE';
}

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
  return (await directoryIdentity(path)) !== undefined;
}

/** The child of ancestor on the way to target. */
function nextStep(ancestor: string, target: string): string {
  const rest = target.slice(ancestor.length).split(sep).filter(Boolean);
  return resolve(ancestor, rest[0] ?? '');
}
