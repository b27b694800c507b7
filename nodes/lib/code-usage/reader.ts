// Incremental reader of Claude Code's JSONL logs (projects/**/*.jsonl).
//
// Per file it remembers identity (inode), size, mtime and the offset just past the
// last complete line, so a scan reads only bytes appended since. Directory mtimes
// tell whether a directory's listing can be reused. Once the tree is known, change
// notices (tree-watch.ts) say which directories to look at, so a scan that finds nothing
// new costs no stat at all; a full pass (every file and directory stat'ed) runs at least
// every FULL_PASS_MS, and when it finds a change that no notice told of (a network share,
// say), notices are given up and every scan is a full pass. A half-written last line waits; a file
// that shrinks or is replaced, or a file that disappears, makes the next scan start
// over (Claude Code only appends, so that is rare). Files are read in chunks with one
// reused buffer (it grows only for a line longer than itself), so memory does not
// depend on file sizes. A large first scan shares the files with a worker thread.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { expandHome } from '../files';
import { resolveTimeZone } from '../format';
import { limitLineOf, type EntryStore, type ExportedEntries } from './entries';
import { readWallLines, type LineFields, type LineParser } from './line-parser';
import { createLineParser } from './line-scanner';
import type { PriceOverride } from './pricing';
import { TreeWatch } from './tree-watch';
import { MINUTE_MS } from '../constants';

const NEWLINE = 0x0a;
const CHUNK = 1 << 20;
/** A longer line is skipped and counted as unreadable, so one line cannot take memory without bound. */
export const MAX_LINE_BYTES = 64 << 20;
/** A buffer grown past this for one line is given back after the file, parser memory included. */
const GIVE_BACK_BYTES = 16 << 20;
/** Opened without blocking: a FIFO put in place of a log cannot stall the reader. */
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
/** Bytes processed between yields to the event loop. */
const YIELD_EVERY = 8 << 20;
/**
 * A scan with this much to read (in more than one file) uses a worker thread too. Below
 * it the worker's start (about 50 ms before it reads) and the merge cost more than they
 * save: `PARALLEL_MIN_MB=0` or `=Infinity node bench/code-usage-scan.js <tree>` showed
 * 64 and 120 MiB trees faster on one thread, 200 MiB slightly faster on two, 1 GiB 30 %.
 */
const PARALLEL_MIN_BYTES = 160 << 20;
/** Longest time between two scans that stat every file, change notices or not. */
export const FULL_PASS_MS = 10 * MINUTE_MS;

export interface ReaderOptions {
  /** use change notices (default true), or this watch */
  watch?: boolean | TreeWatch;
  /** see FULL_PASS_MS */
  fullPassMs?: number;
  now?: () => number;
}

interface FileState {
  ino: number;
  size: number;
  mtimeMs: number;
  /** bytes consumed: everything before this offset has been read */
  offset: number;
}

interface DirState {
  mtimeMs: number;
  files: string[];
  dirs: string[];
}

export interface ScanStats {
  /** files whose new bytes were read this scan */
  filesRead: number;
  bytesRead: number;
  /** files seen in the tree */
  files: number;
  /** lines that looked like usage lines but could not be parsed */
  corruptLines: number;
  /** of `filesRead`, those a worker thread read */
  filesReadByWorker: number;
  /** files or directories that could not be read */
  unreadable: number;
  /** the scan started over (first scan, recalculation, shrunk or replaced file) */
  fromScratch: boolean;
  /** the entries changed, or the scan started over */
  changed: boolean;
  /** usage-limit lines read this scan */
  limitLines: number;
  /** this scan looked only where change notices pointed */
  watched: boolean;
}

/** What a reader knows of the tree, to carry over a restart (see `LogReader.snapshot`). */
export interface ReaderSnapshot {
  /** [path, inode, size, mtimeMs, offset] */
  files: Array<[string, number, number, number, number]>;
  /** [path, mtimeMs, .jsonl files, subdirectories] */
  dirs: Array<[string, number, string[], string[]]>;
  corruptLines: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads the new bytes of files line by line into a store; one reused buffer. */
export class ChunkReader {
  private buf: Buffer;
  private sinceYield = 0;
  corruptLines = 0;
  bytesRead = 0;

  private parser: LineParser;
  /** whether this reader made its parser (and may make a new one to give memory back) */
  private readonly ownParser: boolean;

  constructor(
    readonly store: EntryStore,
    /** bytes between yields to the event loop (Infinity in a worker) */
    private readonly yieldEvery = YIELD_EVERY,
    parser?: LineParser,
  ) {
    this.ownParser = !parser;
    this.parser = parser ?? createLineParser();
    this.buf = this.parser.grow(Buffer.alloc(0), 0, CHUNK);
  }

  /** Reads `file` from `from` up to `size`; returns the offset just past the last complete line. */
  async readFile(file: string, from: number, size: number): Promise<number> {
    const fd = fs.openSync(file, OPEN_FLAGS);
    try {
      if (!fs.fstatSync(fd).isFile()) throw new Error(`${file} is not a regular file`);
      let pos = from;
      let carry = 0; // bytes of an incomplete line at the start of buf
      let skipping = false; // inside a line longer than MAX_LINE_BYTES
      let skippedFrom = 0; // where that line began
      while (pos < size) {
        if (carry === this.buf.length) {
          if (this.buf.length >= MAX_LINE_BYTES) {
            skipping = true;
            skippedFrom = pos - carry;
            carry = 0;
            this.corruptLines++;
          } else {
            this.buf = this.parser.grow(this.buf, carry, Math.min(this.buf.length * 2, MAX_LINE_BYTES));
          }
        }
        const n = fs.readSync(fd, this.buf, carry, Math.min(this.buf.length - carry, size - pos), pos);
        if (n <= 0) break;
        pos += n;
        this.bytesRead += n;
        this.sinceYield += n;
        if (this.sinceYield >= this.yieldEvery) {
          // also inside a long line: no stretch of reading holds the event loop
          this.sinceYield = 0;
          await yieldToEventLoop();
        }
        let len = carry + n;
        if (skipping) {
          const end = this.buf.subarray(0, len).indexOf(NEWLINE);
          if (end < 0) {
            carry = 0;
            continue;
          }
          skipping = false;
          this.buf.copy(this.buf, 0, end + 1, len);
          len -= end + 1;
        }
        const lastNewline = len > 0 ? this.buf.lastIndexOf(NEWLINE, len - 1) : -1;
        if (lastNewline < 0) {
          carry = len;
          continue;
        }
        this.parser.readLines(this.buf, lastNewline + 1, this.addLine);
        readWallLines(this.buf, lastNewline + 1, this.addWall);
        carry = len - lastNewline - 1;
        this.buf.copy(this.buf, 0, lastNewline + 1, len);
      }
      // a long line still being written is skipped again, whole, once it has grown
      if (skipping) return skippedFrom;
      // A last line without its newline is taken only when it is complete JSON.
      if (carry > 0 && !skipping && this.isCompleteJson(carry)) {
        this.parser.readLines(this.buf, carry, this.addLine);
        readWallLines(this.buf, carry, this.addWall);
        carry = 0;
      }
      return pos - carry;
    } finally {
      fs.closeSync(fd);
      // a long line's buffer goes back to its usual size; WebAssembly memory cannot shrink,
      // so after a very long line the parser itself is made anew
      if (this.buf.length > GIVE_BACK_BYTES && this.ownParser) this.parser = createLineParser();
      if (this.buf.length > CHUNK) this.buf = this.parser.grow(this.buf, 0, CHUNK);
    }
  }

  private isCompleteJson(len: number): boolean {
    try {
      JSON.parse(this.buf.toString('utf8', 0, len));
      return true;
    } catch {
      return false;
    }
  }

  /** Adds one usage line's fields to the store (null: a corrupt line). */
  private readonly addLine = (fields: LineFields | null): void => {
    if (!fields) this.corruptLines++;
    else this.store.add(fields);
  };

  /** Keeps a line that may be a usage-limit wall when it is one (with or without a usage block). */
  private readonly addWall = (fields: LineFields): void => {
    const limit = limitLineOf(fields, this.store.timeZone);
    if (limit) this.store.addLimitLine(limit);
  };
}

export class LogReader {
  private files = new Map<string, FileState>();
  private dirs = new Map<string, DirState>();
  private readonly chunks: ChunkReader;
  /** nothing read yet (first scan, or after reset) */
  private fresh = true;
  /** Set by abort(): the running scan stops between files and no new one reads anything. */
  private aborted = false;
  private stopWorker: (() => void) | null = null;
  private stats: ScanStats = LogReader.emptyStats();
  /** Total corrupt lines since the last start-over. */
  corruptLines = 0;
  /** Changes whenever what the reader knows of files and directories changes. */
  private version = 0;
  private readonly watch: TreeWatch | null;
  private readonly fullPassMs: number;
  private readonly now: () => number;
  private lastFullPass = -Infinity;
  /** the roots the last full pass read (the node adds roots that appear later) */
  private rootsRead = '';
  /** the set of known directories changed since the watch last followed it */
  private dirsChanged = true;
  /** directories holding symbolic links to logs: a write to a link's target sends no notice here */
  private linked = new Set<string>();
  /** directories of the running full pass's scan that had sent notices */
  private reported: ReadonlySet<string> = new Set();
  /** directories where a full pass found a change no notice had told of yet */
  private suspects = new Set<string>();

  constructor(
    /** `projects` directories to read */
    readonly roots: string[],
    readonly store: EntryStore,
    /** scans with at least this many bytes to read use a worker thread too (Infinity: never) */
    private readonly parallelMinBytes = PARALLEL_MIN_BYTES,
    options: ReaderOptions = {},
  ) {
    this.chunks = new ChunkReader(store);
    this.watch = options.watch instanceof TreeWatch ? options.watch : options.watch === false ? null : new TreeWatch();
    this.fullPassMs = options.fullPassMs ?? FULL_PASS_MS;
    this.now = options.now ?? Date.now;
  }

  private static emptyStats(): ScanStats {
    return { filesRead: 0, filesReadByWorker: 0, bytesRead: 0, files: 0, corruptLines: 0, unreadable: 0, fromScratch: false, changed: false, limitLines: 0, watched: false };
  }

  /** Stops a running scan between files (and its worker thread) and watching; for the node's close. */
  abort(): void {
    this.aborted = true;
    this.stopWorker?.();
    this.watch?.giveUp();
  }

  /** Whether change notices are in use (false once given up, or when not asked for). */
  get watching(): boolean {
    return this.watch?.active ?? false;
  }

  get revision(): number {
    return this.version;
  }

  /** What is known of the tree: with the store's snapshot, all a later reader needs to go on from here. */
  snapshot(): ReaderSnapshot {
    return {
      files: Array.from(this.files, ([file, f]) => [file, f.ino, f.size, f.mtimeMs, f.offset]),
      dirs: Array.from(this.dirs, ([dir, d]) => [dir, d.mtimeMs, d.files, d.dirs]),
      corruptLines: this.corruptLines,
    };
  }

  /** Takes over a snapshot (the store restored from the same moment): the next scan reads only what changed since. */
  restore(s: ReaderSnapshot): void {
    this.files = new Map(s.files.map(([file, ino, size, mtimeMs, offset]) => [file, { ino, size, mtimeMs, offset }]));
    this.dirs = new Map(s.dirs.map(([dir, mtimeMs, files, dirs]) => [dir, { mtimeMs, files, dirs }]));
    this.corruptLines = s.corruptLines;
    this.fresh = false;
    this.version++;
    this.startOverWatching();
  }

  /** Forget everything: the next scan reads every file from the start. */
  reset(): void {
    this.version++;
    this.fresh = true;
    this.files.clear();
    this.dirs.clear();
    this.store.clear();
    this.corruptLines = 0;
    this.startOverWatching();
  }

  /** The next scan is a full pass, and notices start again from the directories it knows. */
  private startOverWatching(): void {
    this.lastFullPass = -Infinity;
    this.dirsChanged = true;
    this.suspects.clear();
  }

  /**
   * The directories that sent change notices since the last scan, or null for a full pass:
   * the first scan, a lost notice, the full-pass time, or notices that proved unreliable.
   */
  private async changes(): Promise<Set<string> | null> {
    const watch = this.watch;
    if (!watch || !watch.active || this.aborted) return null;
    if (this.lastFullPass === -Infinity || this.roots.join('\0') !== this.rootsRead) {
      watch.take(); // the full pass looks everywhere
      return null;
    }
    // a watch that ended (its directory deleted or moved, an error) is set up again
    if (this.dirsChanged || watch.size !== this.dirs.size) {
      // directories watched from now on come back as changed once: nothing between their listing and their watch is missed
      watch.sync(new Set(this.dirs.keys()));
      this.dirsChanged = false;
    }
    await yieldToEventLoop(); // notices of what was written just now arrive first
    const { all, dirs } = watch.take();
    for (const dir of this.suspects) {
      if (all || dirs.has(dir)) continue;
      watch.giveUp(); // a change this file system tells nobody of: stat everything, every scan
      break;
    }
    this.suspects.clear();
    if (!watch.active || all || this.now() - this.lastFullPass >= this.fullPassMs) {
      this.reported = dirs;
      return null;
    }
    for (const dir of this.linked) dirs.add(dir);
    return dirs;
  }

  async scan(): Promise<ScanStats> {
    this.stats = LogReader.emptyStats();
    this.stats.fromScratch = this.fresh;
    this.fresh = false;
    const revision = this.store.revision;
    const limits = this.store.limitLines.length;
    const changed = await this.changes();
    let plan: ReturnType<LogReader['plan']>;
    if (changed) {
      const listed = this.listChanged(changed);
      if (listed === 'full') {
        plan = this.fullPlan();
      } else {
        plan = this.plan(listed, false);
        this.stats.watched = true;
      }
    } else {
      plan = this.fullPlan();
    }
    if (plan === 'start-over') {
      this.reset();
      this.fresh = false;
      this.stats.fromScratch = true;
      this.stats.watched = false;
      plan = this.fullPlan();
    }
    return this.scanPlanned(plan as Array<[string, FileState, number]>, revision, limits);
  }

  private fullPlan(): ReturnType<LogReader['plan']> {
    this.lastFullPass = this.now();
    this.rootsRead = this.roots.join('\0');
    this.linked = new Set();
    const plan = this.plan(this.listFiles(), true);
    this.reported = new Set();
    return plan;
  }

  private async scanPlanned(plan: Array<[string, FileState, number]>, revision: number, limits: number): Promise<ScanStats> {
    const corruptBefore = this.chunks.corruptLines;
    const bytesBefore = this.chunks.bytesRead;
    const total = plan.reduce((sum, [, state, size]) => sum + size - state.offset, 0);
    if (total >= this.parallelMinBytes && plan.length > 1) await this.readShared(plan);
    else await this.readPlanned(plan);
    this.stats.corruptLines += this.chunks.corruptLines - corruptBefore;
    this.stats.bytesRead += this.chunks.bytesRead - bytesBefore;
    this.stats.changed = this.store.revision !== revision || this.stats.fromScratch;
    this.stats.limitLines = this.store.limitLines.length - limits;
    this.corruptLines += this.stats.corruptLines;
    return this.stats;
  }

  /**
   * Reads the plan with a worker thread alongside: both take the next file (largest
   * first) from a shared counter, so each does as much as it can, whenever the worker
   * gets going. The worker's batches merge here as they come, between this thread's
   * chunks. Files the worker took but did not report are read here afterwards.
   */
  private async readShared(plan: Array<[string, FileState, number]>): Promise<void> {
    const order = [...plan].sort((a, b) => b[2] - b[1].offset - (a[2] - a[1].offset));
    const next = new Int32Array(new SharedArrayBuffer(4));
    const done = new Set<number>();
    const worker = readInWorker(order, next, this.store.pricing, this.store.takeAnonymousPrefix(), (batch) => {
      if (this.aborted) return;
      this.store.merge(batch.entries);
      for (const model of batch.unknownModels) this.store.noteUnknownModel(model);
      this.stats.corruptLines += batch.corruptLines;
      this.stats.bytesRead += batch.bytesRead;
      for (const [i, offset] of batch.offsets) {
        const [, state, size] = order[i];
        done.add(i);
        if (offset < 0) this.stats.unreadable++;
        else {
          state.offset = offset;
          state.size = size;
          this.stats.filesRead++;
          this.stats.filesReadByWorker++;
        }
      }
    }, WORKER_BATCH_BYTES, this.store.timeZone);
    this.stopWorker = worker.terminate;
    for (let i = Atomics.add(next, 0, 1); i < order.length && !this.aborted; i = Atomics.add(next, 0, 1)) {
      done.add(i);
      await this.readPlanned([order[i]]);
    }
    await worker.finished;
    this.stopWorker = null;
    await this.readPlanned(order.filter((_, i) => !done.has(i)));
  }

  private async readPlanned(plan: Array<[string, FileState, number]>): Promise<void> {
    for (const [file, state, size] of plan) {
      if (this.aborted) return;
      try {
        state.offset = await this.chunks.readFile(file, state.offset, size);
        state.size = size;
        this.stats.filesRead++;
      } catch {
        this.stats.unreadable++;
      }
    }
  }

  /**
   * Files to read with their known state and size now, or 'start-over' when a file shrank,
   * was replaced or vanished. `full`: `listed` is every file of the tree (else only those of
   * the directories that changed, see listChanged).
   */
  private plan(listed: string[], full: boolean): Array<[string, FileState, number]> | 'start-over' {
    const plan: Array<[string, FileState, number]> = [];
    const seen = new Set<string>();
    for (const file of listed) {
      let st: fs.Stats;
      seen.add(file); // listed: an unreadable file is kept as it was, not taken for deleted
      try {
        if (full) {
          st = fs.lstatSync(file);
          if (st.isSymbolicLink()) {
            this.linked.add(path.dirname(file));
            st = fs.statSync(file);
          }
        } else {
          st = fs.statSync(file);
        }
      } catch {
        this.stats.unreadable++;
        continue;
      }
      if (!st.isFile()) {
        // a symlink to a FIFO, device or directory is not a log
        this.stats.unreadable++;
        continue;
      }
      let state = this.files.get(file);
      if (state && (st.ino !== state.ino || st.size < state.offset)) return 'start-over';
      if (!state) {
        state = { ino: st.ino, size: -1, mtimeMs: 0, offset: 0 };
        this.files.set(file, state);
      }
      if (st.size !== state.size || st.mtimeMs !== state.mtimeMs) {
        // a write moves the mtime; a size alone can differ after a read that failed
        if (full && state.size >= 0 && st.mtimeMs !== state.mtimeMs) this.suspect(path.dirname(file));
        state.mtimeMs = st.mtimeMs;
        this.version++;
        plan.push([file, state, st.size]);
      }
    }
    if (!full) {
      this.stats.files = this.files.size;
      return plan;
    }
    this.stats.files = seen.size;
    for (const file of this.files.keys()) if (!seen.has(file)) return 'start-over';
    return plan;
  }

  /** A full pass found `dir` changed: unless it sent a notice, the next scan's notices must include it. */
  private suspect(dir: string): void {
    if (this.watch?.active && this.watch.size > 0 && !this.reported.has(dir) && !this.linked.has(dir)) this.suspects.add(dir);
  }

  /**
   * The files of the directories that sent notices, each re-listed when its mtime moved,
   * new subdirectories read whole; 'full' when a file or directory the reader knew is gone
   * (the full pass then decides, as without notices, whether to start over).
   */
  private listChanged(dirs: Iterable<string>): string[] | 'full' {
    const out: string[] = [];
    for (const dir of dirs) {
      let known = this.dirs.get(dir);
      if (!known) continue; // a directory new to the reader: its parent's listing brings it in
      let st: fs.Stats;
      try {
        st = fs.statSync(dir);
      } catch {
        return 'full';
      }
      if (st.mtimeMs !== known.mtimeMs) {
        const read = this.readListing(dir, st.mtimeMs);
        if (read) {
          if (read.lost) return 'full';
          for (const sub of read.listing.dirs) if (!this.dirs.has(sub)) this.listDir(sub, out);
          known = read.listing;
        }
      }
      for (const f of known.files) out.push(f);
    }
    return out;
  }

  /** Forgets the listings of a directory that is gone and of everything under it. */
  private forgetTree(dir: string): void {
    const under = dir + path.sep;
    for (const known of this.dirs.keys()) if (known === dir || known.startsWith(under)) this.dirs.delete(known);
    this.dirsChanged = true;
  }

  /**
   * A directory's .jsonl files and subdirectories (null: unreadable, counted), kept as its
   * listing; `lost`: a file or subdirectory of the listing before is gone (a gone
   * subdirectory's listings are forgotten with it).
   */
  private readListing(dir: string, mtimeMs: number): { listing: DirState; lost: boolean } | null {
    const listing: DirState = { mtimeMs, files: [], dirs: [] };
    try {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) listing.dirs.push(full);
        else if (entry.name.endsWith('.jsonl') && (entry.isFile() || entry.isSymbolicLink())) {
          listing.files.push(full);
          if (entry.isSymbolicLink()) this.linked.add(dir);
        }
      }
    } catch {
      this.stats.unreadable++;
      return null;
    }
    let lost = false;
    const before = this.dirs.get(dir);
    if (before) {
      const files = new Set(listing.files);
      const subdirs = new Set(listing.dirs);
      lost = before.files.some((f) => !files.has(f));
      for (const sub of before.dirs) {
        if (subdirs.has(sub)) continue;
        lost = true;
        this.forgetTree(sub);
      }
    }
    this.dirs.set(dir, listing);
    this.version++;
    this.dirsChanged = true;
    return { listing, lost };
  }

  private listFiles(): string[] {
    const out: string[] = [];
    for (const root of this.roots) this.listDir(root, out);
    return out;
  }

  private listDir(dir: string, out: string[]): void {
    let st: fs.Stats;
    try {
      st = fs.statSync(dir);
    } catch {
      if (this.dirs.delete(dir)) {
        this.version++;
        this.dirsChanged = true;
      }
      return;
    }
    let known = this.dirs.get(dir);
    if (!known || known.mtimeMs !== st.mtimeMs) {
      if (known) this.suspect(dir);
      const read = this.readListing(dir, st.mtimeMs);
      if (!read) return;
      known = read.listing;
    }
    for (const f of known.files) out.push(f);
    for (const d of known.dirs) this.listDir(d, out);
  }
}

/**
 * The `projects` directories to read. `configDir` may list several directories
 * separated by commas; empty means each of CLAUDE_CONFIG_DIR (comma list),
 * ~/.config/claude and ~/.claude that has a `projects` folder.
 */
export function projectRoots(configDir: string, env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const given = configDir
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  const candidates = given.length
    ? given
    : [
        ...(env.CLAUDE_CONFIG_DIR ?? '')
          .split(',')
          .map((d) => d.trim())
          .filter(Boolean),
        path.join(home, '.config', 'claude'),
        path.join(home, '.claude'),
      ];
  const roots: string[] = [];
  for (const dir of candidates) {
    const expanded = expandHome(dir, home);
    const projects = path.basename(expanded) === 'projects' ? expanded : path.join(expanded, 'projects');
    const resolved = path.resolve(projects);
    if (!roots.includes(resolved) && isDirectory(resolved)) roots.push(resolved);
  }
  return roots;
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** What a worker thread sends: one batch of files read, then `done`. */
export type WorkerMessage =
  | {
      kind: 'batch';
      /** [index in the plan, offset after reading (-1: unreadable)] of each file of the batch */
      offsets: Array<[number, number]>;
      /** the entries of the batch's lines (de-duplicated among themselves) */
      entries: ExportedEntries;
      unknownModels: string[];
      corruptLines: number;
      bytesRead: number;
    }
  | { kind: 'done' };

export type WorkerBatch = Extract<WorkerMessage, { kind: 'batch' }>;

/** Bytes a worker reads before it hands a batch over (a file is never split). */
export const WORKER_BATCH_BYTES = 4 << 20;

/**
 * Reads files of `plan` in a worker thread, taking them by `next`; each batch goes to
 * `onBatch` as it arrives, so it merges while the worker reads on. `finished` is true when
 * the worker took every file it could, false when it failed or was terminated (files it
 * took but did not report are then still to read).
 */
export function readInWorker(
  plan: Array<[string, FileState, number]>,
  next: Int32Array,
  prices: Record<string, PriceOverride>,
  anonymousPrefix: string,
  onBatch: (batch: WorkerBatch) => void,
  batchBytes = WORKER_BATCH_BYTES,
  /** the zone limit walls' clock times are read in (the store's) */
  timeZone = resolveTimeZone(''),
): { finished: Promise<boolean>; terminate: () => void } {
  let worker: Worker | null = null;
  const finished = new Promise<boolean>((resolve) => {
    try {
      worker = new Worker(path.join(__dirname, 'scan-worker.js'), {
        workerData: { files: plan.map(([file, state, size]) => [file, state.offset, size]), next, prices, anonymousPrefix, batchBytes, timeZone },
      });
    } catch {
      resolve(false);
      return;
    }
    let settled = false;
    const settle = (value: boolean): void => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    worker.on('message', (m: WorkerMessage) => {
      if (settled) return;
      if (m.kind === 'done') settle(true);
      else {
        try {
          onBatch(m);
        } catch {
          settle(false);
        }
      }
    });
    worker.once('error', () => settle(false));
    worker.once('exit', () => settle(false));
  });
  return {
    finished,
    terminate: () => {
      worker?.terminate().catch(() => undefined);
    },
  };
}
