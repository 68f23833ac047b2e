/**
 * The in-memory list of profile files the Profiles panel shows: one entry per file, holding
 * only its header (or why it could not be read). Updated one file at a time as the watcher
 * reports changes, so a new profile never re-reads the directory.
 */
import type { ProfileHeader } from './profileFormat';

export interface ProfileEntry {
  /** Absolute path of the profile file. */
  file: string;
  /** The watched directory it was found in. */
  directory: string;
  /** File modification time (ms since epoch): orders unreadable files and detects changes. */
  mtimeMs: number;
  size: number;
  header?: ProfileHeader;
  /** Why the file could not be read, when header is absent. */
  error?: string;
  /**
   * 'pstats' for standard .prof/.pstats files (Werkzeug, cProfile -o): their header comes from
   * the file name and most request fields are unknown.
   */
  format: 'request-profiler' | 'pstats';
}

export type ReadableEntry = ProfileEntry & { header: ProfileHeader };

export function isReadable(entry: ProfileEntry): entry is ReadableEntry {
  return entry.header !== undefined;
}

export class ProfileIndex {
  private readonly entries = new Map<string, ProfileEntry>();
  private sorted: ProfileEntry[] | undefined;

  get size(): number {
    return this.entries.size;
  }

  get(file: string): ProfileEntry | undefined {
    return this.entries.get(file);
  }

  /** Adds or replaces the entry for entry.file. */
  upsert(entry: ProfileEntry): void {
    this.entries.set(entry.file, entry);
    this.sorted = undefined;
  }

  remove(file: string): boolean {
    const removed = this.entries.delete(file);
    if (removed) this.sorted = undefined;
    return removed;
  }

  /** Drops every entry of a directory (when it is no longer watched). */
  removeDirectory(directory: string): void {
    for (const [file, entry] of this.entries) if (entry.directory === directory) this.entries.delete(file);
    this.sorted = undefined;
  }

  clear(): void {
    this.entries.clear();
    this.sorted = undefined;
  }

  /** Readable profiles newest first, then unreadable files (newest first) at the end. */
  list(): readonly ProfileEntry[] {
    if (!this.sorted) this.sorted = [...this.entries.values()].sort(compareEntries);
    return this.sorted;
  }

  newest(): ReadableEntry | undefined {
    const first = this.list()[0];
    return first && isReadable(first) ? first : undefined;
  }
}

function compareEntries(a: ProfileEntry, b: ProfileEntry): number {
  if (a.header && b.header) return b.header.start - a.header.start || a.file.localeCompare(b.file);
  if (a.header) return -1;
  if (b.header) return 1;
  return b.mtimeMs - a.mtimeMs || a.file.localeCompare(b.file);
}
