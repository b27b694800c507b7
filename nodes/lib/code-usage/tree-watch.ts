// Change notices for the log reader's directories: one fs.watch (inotify on Linux) per
// directory, never recursive, so an idle scan stats only the directories that reported a
// change instead of every file of the tree.
//
// A notice names the directory it came from; the reader re-lists and re-stats that
// directory alone. A watch that ends (a watcher error, its directory deleted or moved) or
// cannot begin (a directory gone before its watch) makes the next scan a full one, and the
// reader's next sync watches what is there again. More
// directories than `limit`, or a system out of watches, turns watching off: every scan is a
// full one, as without notices.
import fs from 'node:fs';
import path from 'node:path';

/** More directories than this are not watched (each costs one inotify watch of the user's limit). */
export const MAX_WATCHED_DIRS = 8192;

export interface TreeChanges {
  /** something may have changed unseen: stat everything */
  all: boolean;
  /** directories that reported a change */
  dirs: Set<string>;
}

export type WatchFn = (dir: string, options: fs.WatchOptions, listener: (event: string, filename: string | null) => void) => fs.FSWatcher;

const defaultWatch: WatchFn = (dir, options, listener) => fs.watch(dir, options, (event, filename) => listener(event, filename === null ? null : String(filename)));

export class TreeWatch {
  private readonly watchers = new Map<string, fs.FSWatcher>();
  private dirty = new Set<string>();
  private all = false;
  /** off for good: too many directories, or the system refused a watch */
  private off = false;

  constructor(
    private readonly limit = MAX_WATCHED_DIRS,
    private readonly watch: WatchFn = defaultWatch,
  ) {}

  /** Whether notices are coming: false once watching was given up. */
  get active(): boolean {
    return !this.off;
  }

  /**
   * Watches exactly `dirs`: new ones are added, others closed. A directory watched anew
   * counts as changed once, so whatever happened before its watch began is looked at.
   * Returns `active`.
   */
  sync(dirs: ReadonlySet<string>): boolean {
    if (this.off) return false;
    if (dirs.size > this.limit) return this.giveUp();
    for (const [dir, watcher] of this.watchers) {
      if (!dirs.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (this.watchers.has(dir)) continue;
      let watcher: fs.FSWatcher;
      try {
        const name = path.basename(dir);
        watcher = this.watch(dir, { persistent: false }, (event, filename) => {
          this.dirty.add(dir);
          // a notice about the directory itself: it was deleted or moved, and its watch ends
          if (filename === name) this.drop(dir);
        });
      } catch (err) {
        // a directory gone since it was listed is the next full scan's to find
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          this.all = true;
          continue;
        }
        return this.giveUp(); // ENOSPC (no watches left), EMFILE, a file system without notices
      }
      watcher.on('error', () => this.drop(dir));
      this.watchers.set(dir, watcher);
      this.dirty.add(dir);
    }
    return true;
  }

  /** Stops watching `dir` (the next sync watches it again, if it is still there) and asks for a full look. */
  private drop(dir: string): void {
    this.watchers.get(dir)?.close();
    this.watchers.delete(dir);
    this.all = true;
  }

  /** What changed since the last take, and forgets it. */
  take(): TreeChanges {
    const changes = { all: this.all || this.off, dirs: this.dirty };
    this.dirty = new Set();
    this.all = false;
    return changes;
  }

  /** Gives watching up for good (also what the reader does when notices proved unreliable). */
  giveUp(): false {
    this.off = true;
    this.close();
    return false;
  }

  close(): void {
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
    this.dirty.clear();
  }

  get size(): number {
    return this.watchers.size;
  }
}
