/**
 * The profiles of every watched directory, kept current: a cold scan reads each file's
 * header once, then watcher events update single entries. No vscode here, so the
 * benchmark and unit tests drive exactly what the extension runs.
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ProfileIndex } from '../core/profileIndex';
import { DirectoryWatcher, type DirectoryChanges, type DirectoryState, type DirectoryWatcherOptions } from './directoryWatcher';
import { inferElapsedDecimals, type ElapsedDecimals } from '../core/pstats/werkzeugFileName';
import { isProfileFileName, isPstatsFileName, pstatsCompanionsOf, readProfileEntry } from './profileFiles';
import { DEFAULT_READ_LIMITS, type ReadLimits } from './readLimits';

/**
 * Files read at once. Each read is a few calls on libuv's threads (four by default); enough in
 * flight keeps them all busy without queueing thousands of requests at once.
 */
const READ_CONCURRENCY = 32;

/** A file to read, and whether the folder listing already said it is a regular file. */
interface FileToRead {
  file: string;
  listedAsFile?: boolean;
}

export interface DirectoryStatus {
  directory: string;
  state: DirectoryState;
  /** The last problem or notice for this directory (e.g. fell back to polling). */
  message?: string;
}

type Listener<T> = (value: T) => void;

export class ProfileLibrary {
  readonly index = new ProfileIndex();
  private readonly watchers = new Map<string, DirectoryWatcher>();
  private readonly statuses = new Map<string, DirectoryStatus>();
  private readonly changeListeners = new Set<Listener<void>>();
  private readonly statusListeners = new Set<Listener<DirectoryStatus>>();
  /** Per directory: how Werkzeug formatted durations in its file names (decided from all names). */
  private readonly elapsedDecimals = new Map<string, ElapsedDecimals>();

  constructor(
    private readonly watcherOptions: DirectoryWatcherOptions = {},
    private limits: ReadLimits = DEFAULT_READ_LIMITS,
  ) {}

  /**
   * The size limit decides which files are listed as too large and how long a first line may
   * be: when it changes, every folder is read again.
   */
  async setReadLimits(limits: ReadLimits): Promise<void> {
    if (limits.maxBytes === this.limits.maxBytes && limits.timeoutMs === this.limits.timeoutMs) return;
    this.limits = limits;
    if (this.watchers.size) await this.rescan();
  }

  onDidChange(listener: Listener<void>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onDidChangeStatus(listener: Listener<DirectoryStatus>): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  get directories(): string[] {
    return [...this.watchers.keys()];
  }

  status(directory: string): DirectoryStatus | undefined {
    return this.statuses.get(resolve(directory));
  }

  /** Watches exactly these directories: new ones are scanned, dropped ones forgotten. */
  async setDirectories(directories: string[]): Promise<void> {
    const wanted = new Set(directories.map((d) => resolve(d)));
    const work: Promise<unknown>[] = [];
    for (const [directory, watcher] of this.watchers) {
      if (wanted.has(directory)) continue;
      this.watchers.delete(directory);
      this.statuses.delete(directory);
      this.index.removeDirectory(directory);
      work.push(watcher.close());
    }
    for (const directory of wanted) {
      if (this.watchers.has(directory)) continue;
      const watcher = new DirectoryWatcher(
        directory,
        (changes) => void this.applyChanges(directory, changes),
        (state, message) => this.setStatus({ directory, state, message }),
        this.watcherOptions,
      );
      this.watchers.set(directory, watcher);
      // Scan while the watcher starts (each takes a while on a big folder); then compare the
      // listing once more, so a file written before the watcher was ready is not missed.
      work.push(Promise.all([watcher.start(), this.scan(directory)]).then(() => this.relist(directory)));
    }
    await Promise.all(work);
    this.emitChange();
  }

  /** Re-reads every watched directory from scratch (the Refresh command). */
  async rescan(): Promise<void> {
    for (const directory of this.watchers.keys()) this.index.removeDirectory(directory);
    await Promise.all([...this.watchers.keys()].map((d) => this.scan(d)));
    this.emitChange();
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.watchers.values()].map((w) => w.close()));
    this.watchers.clear();
    this.changeListeners.clear();
    this.statusListeners.clear();
  }

  private setStatus(status: DirectoryStatus): void {
    const previous = this.statuses.get(status.directory);
    const merged = { ...status, message: status.message ?? (previous?.state === status.state ? previous?.message : undefined) };
    this.statuses.set(status.directory, merged);
    for (const listener of this.statusListeners) listener(merged);
  }

  private async scan(directory: string): Promise<void> {
    let listing: FileToRead[];
    try {
      // The listing's file types come free on most file systems: regular files are opened at
      // once, everything else (links, FIFOs, folders) is looked at before anything opens it.
      const dirents = (await readdir(directory, { withFileTypes: true })).filter((d) => isProfileFileName(d.name));
      listing = dirents.map((d) => ({ file: join(directory, d.name), listedAsFile: d.isFile() }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // waiting for it to be created
      this.setStatus({ directory, state: this.watchers.get(directory)?.state ?? 'closed', message: `Cannot list ${directory}: ${(error as Error).message}` });
      return;
    }
    this.elapsedDecimals.set(directory, inferElapsedDecimals(listing.map((f) => f.file).filter(isPstatsFileName)));
    await this.readFiles(directory, listing);
  }

  /** Brings the index in line with the directory's listing: reads new files, drops vanished ones. */
  private async relist(directory: string): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(directory)).filter(isProfileFileName);
    } catch {
      return; // gone: the watcher reports the removal
    }
    const present = new Set(names.map((name) => join(directory, name)));
    for (const entry of this.index.list()) {
      if (entry.directory === directory && !present.has(entry.file)) this.index.remove(entry.file);
    }
    await this.readFiles(
      directory,
      [...present].filter((file) => !this.index.get(file)).map((file) => ({ file })),
    );
  }

  /**
   * Reads files READ_CONCURRENCY at a time, all asynchronous: the host's main thread only
   * parses first lines. Every read has a time limit, so one stalled file holds up one slot
   * for a few seconds and is then listed as too slow.
   */
  private async readFiles(directory: string, files: FileToRead[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < files.length && this.watchers.has(directory)) {
        const { file, listedAsFile } = files[next++];
        const entry = await readProfileEntry(file, directory, {
          elapsedDecimals: this.elapsedDecimals.get(directory),
          maxBytes: this.limits.maxBytes,
          listedAsFile,
        });
        if (!this.watchers.has(directory)) return;
        // A file deleted while we read it is simply not listed, nor is the .prof copy of a profile.
        if (!entry) {
          this.index.remove(file);
          continue;
        }
        this.index.upsert(entry);
        for (const companion of pstatsCompanionsOf(file)) this.index.remove(companion);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, files.length) }, worker));
  }

  private async applyChanges(directory: string, changes: DirectoryChanges): Promise<void> {
    if (!this.watchers.has(directory)) return;
    if (changes.directoryRemoved) this.index.removeDirectory(directory);
    for (const file of changes.removed) this.index.remove(file);
    if (changes.directoryAppeared) await this.scan(directory);
    else if (changes.relist) await this.relist(directory);
    await this.readFiles(
      directory,
      changes.changed.map((file) => ({ file })),
    );
    this.emitChange();
  }

  private emitChange(): void {
    for (const listener of this.changeListeners) listener();
  }
}
