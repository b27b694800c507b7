// The de-duplicated usage entries of a log tree, and usage-limit lines.
import { resolveTimeZone } from '../format';
import { limitWall, type LimitKind } from './limit-wall';
import type { LineFields, ParsedUsage } from './line-parser';
import type { Pricer, PriceOverride } from './pricing';

export interface UsageEntry {
  /** epoch ms */
  t: number;
  model: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheWrite1h: number;
  cacheRead: number;
  costUSD: number;
  sidechain: boolean;
  /** message.id of a line with a requestId (for the sidechain replay rule), else null */
  messageId: string | null;
}

export interface LimitLine {
  /** ISO time of the line */
  at: string;
  /** when the limit lifts, when the line says so */
  resetsAt: string | null;
  text: string;
  /** which limit was hit ("session", "weekly", "model"), when the line says */
  limit?: LimitKind | null;
  /** the capped model of a "model" limit, when the line names it */
  model?: string | null;
  /** the machine it came from, when lines of several machines are merged */
  host?: string;
}

export function entryTokens(e: UsageEntry): number {
  return e.input + e.output + e.cacheWrite + e.cacheRead;
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

/** Epoch ms of an ISO time; the usual `YYYY-MM-DDTHH:MM:SS.sssZ` is read without Date.parse. */
export function parseTime(iso: string): number {
  if (iso.length === 24 && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(19) === 46 /* . */ && iso.charCodeAt(23) === 90 /* Z */) {
    const t = Date.UTC(digits(iso, 0, 4), digits(iso, 5, 2) - 1, digits(iso, 8, 2), digits(iso, 11, 2), digits(iso, 14, 2), digits(iso, 17, 2), digits(iso, 20, 3));
    if (!Number.isNaN(t)) return t;
  }
  return Date.parse(iso);
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join(' ');
}

/**
 * A Claude Code usage-limit wall line (see limit-wall.ts), with which limit was hit and
 * when it lifts; a clock time whose text names no zone is read in `timeZone`. Only an API
 * error line, a `<synthetic>` one or one with a structured limit block or `apiError` can be one.
 */
export function limitLineOf(fields: LineFields, timeZone: string): LimitLine | null {
  // only Claude Code's own error lines: a prompt or a tool result may quote a wall's text
  if (!fields.isApiErrorMessage && fields.model !== '<synthetic>' && !fields.quotaLimits && fields.apiError === undefined) return null;
  if (!fields.timestamp || Number.isNaN(Date.parse(fields.timestamp))) return null;
  const wall = limitWall({ text: textOf(fields.content), timestamp: fields.timestamp, timeZone, structured: fields.quotaLimits ?? null, apiError: fields.apiError, error: fields.error });
  if (!wall) return null;
  return { at: fields.timestamp, resetsAt: wall.resetsAt, text: wall.text, limit: wall.limit, model: wall.model };
}

/**
 * Entries by time, equal times in the order given (Array#sort is stable). Entries come
 * mostly in time order file by file, runs that the sort takes whole.
 */
export function sortEntries(entries: Iterable<UsageEntry>): UsageEntry[] {
  return Array.from(entries).sort((a, b) => a.t - b.t);
}

/** Entries of a store in a form that crosses a worker boundary cheaply. */
export interface ExportedEntries {
  keys: string[];
  messageIds: Array<string | null>;
  models: string[];
  /** per entry: t, input, output, cacheWrite, cacheWrite1h, cacheRead, costUSD, sidechain (0/1) */
  numbers: Float64Array;
  limitLines: LimitLine[];
}

/** Numbers per entry in `ExportedEntries.numbers`. */
export const ENTRY_FIELDS = 8;
const FIELDS = ENTRY_FIELDS;

/** Everything a store holds, to rebuild it exactly (see `EntryStore.snapshot`). */
export interface StoreSnapshot extends ExportedEntries {
  /** indexes into `keys` of the entries the sidechain replay rule looks up by message.id */
  byMessage: number[];
  /** the counter behind the keys of id-less lines */
  anonymous: number;
  unknownModels: string[];
}

/**
 * A token count read back from a Float64Array (a worker's export, the line scanner's
 * values), as a small integer when it is one: entries built by `add` hold small integers,
 * and objects whose fields hold the same kinds of number share one shape, which keeps
 * the code that walks them (blocks, report) fast.
 */
export function count(n: number): number {
  return (n | 0) === n ? n | 0 : n;
}

/** Entry `i` of exported numbers. */
function entryAt(numbers: Float64Array, i: number, model: string, messageId: string | null): UsageEntry {
  const o = i * FIELDS;
  return {
    t: numbers[o],
    model,
    input: count(numbers[o + 1]),
    output: count(numbers[o + 2]),
    cacheWrite: count(numbers[o + 3]),
    cacheWrite1h: count(numbers[o + 4]),
    cacheRead: count(numbers[o + 5]),
    costUSD: numbers[o + 6],
    sidechain: numbers[o + 7] === 1,
    messageId,
  };
}

/**
 * Keeps one entry per response. Claude Code writes one line per content block of a
 * response (the first with a partial output count) and copies responses into resumed
 * sessions, so lines are keyed by message.id + requestId and the line with the largest
 * token total wins. As in ccusage: without a requestId the key is message.id within its
 * session; a line with no message.id is counted as it is, one whose message.id is not a
 * string not at all; a sidechain line that replays a main line (same message.id and
 * timestamp, another requestId) is dropped.
 */
export class EntryStore {
  private readonly byKey = new Map<string, UsageEntry>();
  /** message.id → key of its latest entry (lines with a requestId), for the sidechain replay rule */
  private readonly byMessage = new Map<string, string>();
  limitLines: LimitLine[] = [];
  private version = 0;
  private anonymous = 0;

  constructor(
    private readonly pricer: Pricer,
    /** keeps keys of id-less lines apart between stores that get merged */
    private readonly anonymousPrefix = '',
    /** IANA zone for a limit wall's clock time that names none */
    readonly timeZone: string = resolveTimeZone(''),
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The price overrides in force (for a worker thread that prices lines the same way). */
  get pricing(): Record<string, PriceOverride> {
    return this.pricer.overridesGiven;
  }

  noteUnknownModel(model: string): void {
    this.pricer.unknownModels.add(model);
  }

  /** Changes whenever the entries or the limit lines change. */
  get revision(): number {
    return this.version;
  }

  /** Keeps a usage-limit line; like a new entry, it changes the store. */
  addLimitLine(line: LimitLine): void {
    this.limitLines.push(line);
    this.version++;
  }

  clear(): void {
    this.byKey.clear();
    this.byMessage.clear();
    this.limitLines = [];
    this.version++;
  }

  entries(): IterableIterator<UsageEntry> {
    return this.byKey.values();
  }

  private sortedCache: { revision: number; entries: UsageEntry[] } | null = null;

  /** The entries by time (stable for equal times); kept until the entries change. */
  sorted(): UsageEntry[] {
    if (!this.sortedCache || this.sortedCache.revision !== this.version) {
      this.sortedCache = { revision: this.version, entries: sortEntries(this.byKey.values()) };
    }
    return this.sortedCache.entries;
  }

  /** Adds one parsed line; returns true when the entries changed. */
  add(f: LineFields): boolean {
    const u = f.usage;
    if (!u || !f.timestamp || f.messageId === null || f.messageId === '') return false;
    const t = parseTime(f.timestamp);
    if (Number.isNaN(t)) return false;
    const entry: UsageEntry = {
      t,
      // ccusage lists fast-mode requests under their own model name
      model: u.fast ? `${f.model || 'unknown'}-fast` : f.model || 'unknown',
      input: u.input,
      output: u.output,
      cacheWrite: u.cacheWrite,
      cacheWrite1h: Math.min(u.cacheWrite, u.cacheWrite1h),
      cacheRead: u.cacheRead,
      costUSD: 0,
      sidechain: f.isSidechain === true,
      messageId: f.requestId ? (f.messageId as string) : null,
    };
    const key =
      f.messageId === undefined
        ? `\u0000${this.anonymousPrefix}${this.anonymous++}`
        : f.requestId
          ? `${f.messageId}\u0000${f.requestId}`
          : `${f.messageId}\u0000\u0000${f.sessionId ?? ''}`;
    return this.insert(key, entry, u);
  }

  /** The de-duplication rules; `usage` non-null means the entry still needs its price (from it). */
  private insert(key: string, entry: UsageEntry, usage: ParsedUsage | null): boolean {
    const existing = this.byKey.get(key);
    if (existing) {
      if (entryTokens(entry) <= entryTokens(existing)) return false;
    } else if (entry.messageId !== null) {
      // A sidechain replay: same message.id and time as an entry with another requestId.
      const other = this.byMessage.get(entry.messageId);
      if (other !== undefined && other !== key) {
        const otherEntry = this.byKey.get(other);
        if (otherEntry && otherEntry.t === entry.t && (entry.sidechain || otherEntry.sidechain)) {
          if (entry.sidechain) return false;
          this.byKey.delete(other);
        }
      }
    }
    if (entry.messageId !== null) this.byMessage.set(entry.messageId, key);
    if (usage !== null) this.price(entry, usage);
    this.byKey.set(key, entry);
    this.version++;
    return true;
  }

  /**
   * A prefix for the id-less keys of another store whose entries will be merged into this
   * one, unique for the life of this store's entries (its counter is part of a snapshot).
   */
  takeAnonymousPrefix(): string {
    return `${this.anonymousPrefix}w${this.anonymous++}.`;
  }

  /** Everything this store holds; `restore` rebuilds it exactly, de-duplication state included. */
  snapshot(): StoreSnapshot {
    const exported = this.export();
    const index = new Map<string, number>();
    for (let i = 0; i < exported.keys.length; i++) index.set(exported.keys[i], i);
    const byMessage: number[] = [];
    for (const key of this.byMessage.values()) {
      const i = index.get(key);
      if (i !== undefined) byMessage.push(i);
    }
    return { ...exported, limitLines: [...this.limitLines], byMessage, anonymous: this.anonymous, unknownModels: [...this.pricer.unknownModels] };
  }

  /** Replaces this store's contents with a snapshot's (entries as they were, no rules applied). */
  restore(s: StoreSnapshot): void {
    this.clear();
    const { keys, messageIds, models, numbers } = s;
    for (let i = 0; i < keys.length; i++) this.byKey.set(keys[i], entryAt(numbers, i, models[i], messageIds[i]));
    for (const i of s.byMessage) {
      const id = messageIds[i];
      if (id !== null) this.byMessage.set(id, keys[i]);
    }
    this.limitLines = [...s.limitLines];
    this.anonymous = s.anonymous;
    for (const model of s.unknownModels) this.pricer.unknownModels.add(model);
    this.version++;
  }

  /** All entries, for merging into another store (see `merge`). */
  export(): ExportedEntries {
    const n = this.byKey.size;
    const out: ExportedEntries = { keys: [], messageIds: [], models: [], numbers: new Float64Array(n * FIELDS), limitLines: this.limitLines };
    let i = 0;
    for (const [key, e] of this.byKey) {
      out.keys.push(key);
      out.messageIds.push(e.messageId);
      out.models.push(e.model);
      const o = i * FIELDS;
      out.numbers[o] = e.t;
      out.numbers[o + 1] = e.input;
      out.numbers[o + 2] = e.output;
      out.numbers[o + 3] = e.cacheWrite;
      out.numbers[o + 4] = e.cacheWrite1h;
      out.numbers[o + 5] = e.cacheRead;
      out.numbers[o + 6] = e.costUSD;
      out.numbers[o + 7] = e.sidechain ? 1 : 0;
      i++;
    }
    return out;
  }

  /** Adds another store's entries (priced with the same prices) under the same rules. */
  merge(other: ExportedEntries): void {
    const { keys, messageIds, models, numbers } = other;
    for (let i = 0; i < keys.length; i++) this.insert(keys[i], entryAt(numbers, i, models[i], messageIds[i]), null);
    for (const l of other.limitLines) this.limitLines.push(l);
    this.version++;
  }

  /** The price of the entry's model at the entry's time, with the line's fast mode, web searches and inference geo. */
  private price(entry: UsageEntry, usage: ParsedUsage): void {
    entry.costUSD = this.pricer.cost(entry.model, entry, entry.t, usage);
  }
}
