// The de-duplicated usage entries of a log tree, and usage-limit lines.
import type { LineFields } from './line-parser';
import type { Pricer } from './pricing';

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
}

export interface LimitLine {
  /** ISO time of the line */
  at: string;
  /** when the limit lifts, when the line says so */
  resetsAt: string | null;
  text: string;
}

export function entryTokens(e: UsageEntry): number {
  return e.input + e.output + e.cacheWrite + e.cacheRead;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

const LIMIT_TEXT = /usage limit reached|hit your (?:usage )?limit|limit will reset|rate limit reached/i;

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join(' ');
}

/** A Claude Code "usage limit reached" line, with the reset time when it carries one (`…|<epoch seconds>`). */
export function limitLineOf(fields: LineFields): LimitLine | null {
  if (!fields.timestamp || (!fields.isApiErrorMessage && fields.model !== '<synthetic>')) return null;
  const text = textOf(fields.content);
  if (!LIMIT_TEXT.test(text)) return null;
  const epoch = /\|(\d{9,11})\b/.exec(text);
  const resetsAt = epoch ? new Date(Number(epoch[1]) * 1000).toISOString() : null;
  return { at: fields.timestamp, resetsAt, text: text.replace(/\|\d{9,11}\b/, '').trim() };
}

/**
 * Keeps one entry per response. Claude Code writes one line per content block of a
 * response (the first with a partial output count) and copies responses into resumed
 * sessions, so lines are keyed by message.id + requestId and the line with the largest
 * token total wins. Without a requestId the key is message.id within its session; lines
 * with no message.id are counted as they are, lines whose message.id is not a string not at all (as ccusage). A sidechain line that replays a main
 * line (same message.id and timestamp, another requestId) is dropped (as ccusage).
 */
export class EntryStore {
  private readonly byKey = new Map<string, UsageEntry>();
  private readonly replays = new Map<string, string>();
  limitLines: LimitLine[] = [];
  private version = 0;
  private anonymous = 0;

  constructor(private readonly pricer: Pricer) {}

  get size(): number {
    return this.byKey.size;
  }

  /** Changes whenever the set of entries changes. */
  get revision(): number {
    return this.version;
  }

  clear(): void {
    this.byKey.clear();
    this.replays.clear();
    this.limitLines = [];
    this.version++;
  }

  entries(): IterableIterator<UsageEntry> {
    return this.byKey.values();
  }

  /** Adds one parsed line; returns true when the entries changed. */
  add(f: LineFields): boolean {
    const u = f.usage;
    if (!u || !f.timestamp || f.messageId === null || f.messageId === '') return false;
    const t = Date.parse(f.timestamp);
    if (Number.isNaN(t) || typeof u.input_tokens !== 'number' || typeof u.output_tokens !== 'number') return false;
    const cacheWrite = count(u.cache_creation_input_tokens);
    const split = u.cache_creation && typeof u.cache_creation === 'object' ? (u.cache_creation as Record<string, unknown>) : null;
    const entry: UsageEntry = {
      t,
      // ccusage lists fast-mode requests under their own model name
      model: (f.model || 'unknown') + (u.speed === 'fast' ? '-fast' : ''),
      input: count(u.input_tokens),
      output: count(u.output_tokens),
      cacheWrite,
      cacheWrite1h: split ? Math.min(cacheWrite, count(split.ephemeral_1h_input_tokens)) : 0,
      cacheRead: count(u.cache_read_input_tokens),
      costUSD: 0,
      sidechain: f.isSidechain === true,
    };
    const key =
      f.messageId === undefined
        ? `\u0000${this.anonymous++}` // no message id: nothing to match it with, counted as is (as ccusage)
        : f.requestId
          ? `${f.messageId}\u0000${f.requestId}`
          : `${f.messageId}\u0000\u0000${f.sessionId ?? ''}`;
    const existing = this.byKey.get(key);
    if (existing) {
      if (entryTokens(entry) <= entryTokens(existing)) return false;
      if (f.requestId) this.replays.set(`${f.messageId}\u0000${f.timestamp}`, key);
      this.price(entry, u);
      this.byKey.set(key, entry);
      this.version++;
      return true;
    }
    if (f.requestId && f.messageId) {
      const replayKey = `${f.messageId}\u0000${f.timestamp}`;
      const other = this.replays.get(replayKey);
      if (other !== undefined && other !== key) {
        const otherEntry = this.byKey.get(other);
        if (otherEntry && (entry.sidechain || otherEntry.sidechain)) {
          if (entry.sidechain) return false;
          this.byKey.delete(other);
        }
      }
      this.replays.set(replayKey, key);
    }
    this.price(entry, u);
    this.byKey.set(key, entry);
    this.version++;
    return true;
  }

  private price(entry: UsageEntry, u: Record<string, unknown>): void {
    entry.costUSD = this.pricer.cost(entry.model, {
      input: entry.input,
      output: entry.output,
      cacheWrite: entry.cacheWrite,
      cacheWrite1h: entry.cacheWrite1h,
      cacheRead: entry.cacheRead,
      fast: u.speed === 'fast',
    });
  }
}
