// Claude Code's OpenTelemetry log records folded into one usage timeline over every
// machine: `api_request` records become usage entries (the same entries a log scan
// makes, fed to the same block and report code), `api_error` 429 limit walls become
// usage-limit lines. Kept: the current and the previous billing period, nothing older.
// Of a record only model, token counts, cost, time, host and a digest of its identity are
// kept; no path, prompt, prompt id or session id.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { DAY_MS } from '../constants';
import { parseTime, sortEntries, entryTokens, type LimitLine, type UsageEntry } from '../code-usage/entries';
import { limitWall, MAX_TEXT } from '../code-usage/limit-wall';
import type { Pricer } from '../code-usage/pricing';
import { billingPeriod, buildReport, zonedDate, zonedMidnight, type CodeUsagePayload } from '../code-usage/report';
import type { Block } from '../code-usage/blocks';
import type { Attributes, AttributeValue, OtlpLogRecord } from '../schemas/otlp';

export interface TelemetryOptions {
  billingDay: number;
  timeZone: string;
  monthlySessions: number;
}

export interface HostFigures {
  host: string;
  lastSeenAt: string | null;
  entries: number;
  costUSD: number;
  totalTokens: number;
  today: { costUSD: number; totalTokens: number };
}

export type TelemetryPayload = Omit<CodeUsagePayload, 'host'> & { host: null; source: 'telemetry'; hosts: HostFigures[] };

export interface IngestResult {
  /** records taken (api_request counted, other events ignored) */
  accepted: number;
  rejected: number;
  problems: string[];
  /** the timeline changed */
  changed: boolean;
}

interface TelemetryEntry extends UsageEntry {
  host: string;
  /** digest of the request's identity, for de-duplication */
  key: string;
}

/** Safety net against a flood: entries kept at most (the oldest go first). */
export const MAX_ENTRIES = 500_000;
const MAX_LIMIT_LINES = 500;
const MAX_HOSTS = 1000;
const MAX_HOST_LENGTH = 128;
/** Records dated further ahead of Node-RED's clock are refused. */
const FUTURE_MS = DAY_MS;

function num(v: AttributeValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^\s*-?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][-+]?\d{1,4})?\s*$/.test(v)) return Number(v);
  return undefined;
}

function str(v: AttributeValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function tokenCount(a: Attributes, key: string, required: boolean): number | undefined | null {
  const v = a.get(key);
  if (v === undefined) return required ? undefined : 0;
  const n = num(v);
  return n !== undefined && n >= 0 && n <= 1e12 ? Math.round(n) : null;
}

/** `claude_code.api_request` (body), `api_request` (event.name or eventName). */
export function eventNameOf(r: OtlpLogRecord): string {
  const name = r.eventName ?? str(r.attributes.get('event.name')) ?? r.body ?? '';
  return name.startsWith('claude_code.') ? name.slice('claude_code.'.length) : name;
}

export function hostOf(r: OtlpLogRecord): string {
  for (const v of [r.resource.get('host.name'), r.attributes.get('host.name')]) {
    if (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_HOST_LENGTH) return v.trim();
  }
  return 'unknown';
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}

/** The time a record says it happened: event.timestamp, else the record's time. */
function recordTime(r: OtlpLogRecord): number | null {
  const ts = str(r.attributes.get('event.timestamp'));
  if (ts) {
    const t = parseTime(ts);
    if (!Number.isNaN(t)) return t;
  }
  return r.timeMs;
}

export class TelemetryFold {
  private entries: TelemetryEntry[] = [];
  private sorted = true;
  private readonly keys = new Set<string>();
  private readonly lastSeen = new Map<string, number>();
  limitLines: LimitLine[] = [];
  private readonly limitKeys = new Set<string>();

  constructor(
    private readonly pricer: Pricer,
    private readonly opts: TelemetryOptions,
  ) {}

  get size(): number {
    return this.entries.length;
  }

  /** Start of the oldest usage kept at `now`: the previous billing period's start. */
  keptFrom(now: number): number {
    const current = billingPeriod(now, this.opts.billingDay, this.opts.timeZone);
    return billingPeriod(current.start - 1, this.opts.billingDay, this.opts.timeZone).start;
  }

  /** Folds one request's records in at `now` (receipt time). */
  ingest(records: readonly OtlpLogRecord[], now: number): IngestResult {
    const result: IngestResult = { accepted: 0, rejected: 0, problems: [], changed: false };
    const reject = (why: string): void => {
      result.rejected++;
      if (result.problems.length < 3 && !result.problems.includes(why)) result.problems.push(why);
    };
    const from = this.keptFrom(now);
    for (const r of records) {
      const event = eventNameOf(r);
      if (event !== 'api_request' && event !== 'api_error') {
        result.accepted++;
        continue;
      }
      const host = hostOf(r);
      const t = recordTime(r);
      if (t === null) {
        reject(`an ${event} record has no time (event.timestamp or timeUnixNano)`);
        continue;
      }
      if (t > now + FUTURE_MS) {
        reject(`an ${event} record is dated more than a day ahead`);
        continue;
      }
      if (event === 'api_error') {
        result.accepted++;
        this.seen(host, now);
        if (t >= from && this.addLimit(r, t, host)) result.changed = true;
        continue;
      }
      const a = r.attributes;
      const model = str(a.get('model'));
      const input = tokenCount(a, 'input_tokens', true);
      const output = tokenCount(a, 'output_tokens', true);
      const cacheRead = tokenCount(a, 'cache_read_tokens', false);
      const cacheWrite = tokenCount(a, 'cache_creation_tokens', false);
      if (!model) {
        reject('an api_request record has no model');
        continue;
      }
      if (input == null || output == null || cacheRead == null || cacheWrite == null) {
        reject('an api_request record lacks input_tokens / output_tokens, or a token count is not a number ≥ 0');
        continue;
      }
      result.accepted++;
      this.seen(host, now);
      if (t < from) continue; // older than the previous billing period: not kept
      const requestId = str(a.get('request_id'));
      const key = digest(
        requestId !== undefined
          ? `r\u0000${requestId}`
          : ['c', a.get('session.id') ?? '', a.get('event.timestamp') ?? '', a.get('event.sequence') ?? '', model, input, output, cacheRead, cacheWrite].join('\u0000'),
      );
      if (this.keys.has(key)) continue;
      const fast = a.get('speed') === 'fast';
      const entry: TelemetryEntry = {
        t,
        // as a log scan names them: fast-mode requests under their own model name
        model: fast ? `${model}-fast` : model,
        input,
        output,
        cacheWrite,
        cacheWrite1h: 0,
        cacheRead,
        costUSD: 0,
        sidechain: false,
        messageId: null,
        host,
        key,
      };
      entry.costUSD = this.costOf(a, entry, fast);
      this.push(entry);
      result.changed = true;
    }
    if (result.changed) this.prune(now);
    return result;
  }

  private costOf(a: Attributes, entry: TelemetryEntry, fast: boolean): number {
    const usd = num(a.get('cost_usd'));
    if (usd !== undefined && usd >= 0) return usd;
    const micros = num(a.get('cost_usd_micros'));
    if (micros !== undefined && micros >= 0) return micros / 1e6;
    // at the request's time; cache writes at the 5-minute rate: telemetry does not split
    // them by TTL, and carries no web search count or inference geo
    return this.pricer.cost(entry.model, entry, entry.t, { fast });
  }

  private push(entry: TelemetryEntry): void {
    const last = this.entries[this.entries.length - 1];
    if (last && entry.t < last.t) this.sorted = false;
    this.entries.push(entry);
    this.keys.add(entry.key);
  }

  private seen(host: string, now: number): void {
    if (!this.lastSeen.has(host) && this.lastSeen.size >= MAX_HOSTS) return;
    this.lastSeen.set(host, Math.max(now, this.lastSeen.get(host) ?? 0));
  }

  private addLimit(r: OtlpLogRecord, t: number, host: string): boolean {
    const status = num(r.attributes.get('status_code'));
    if (status !== 429) return false;
    const text = str(r.attributes.get('error'));
    if (!text) return false;
    const wall = limitWall({ text, timestamp: t, timeZone: this.opts.timeZone, structured: null });
    if (!wall) return false;
    const at = new Date(t).toISOString();
    const key = `${at}|${host}|${wall.text}`;
    if (this.limitKeys.has(key)) return false;
    this.limitKeys.add(key);
    this.limitLines.push({ at, resetsAt: wall.resetsAt, text: wall.text, limit: wall.limit, model: wall.model, host });
    return true;
  }

  /** Drops what is older than the previous billing period (and the oldest past the caps). */
  prune(now: number): void {
    this.sort();
    const from = this.keptFrom(now);
    let drop = 0;
    while (drop < this.entries.length && this.entries[drop].t < from) drop++;
    drop = Math.max(drop, this.entries.length - MAX_ENTRIES);
    if (drop > 0) {
      for (let i = 0; i < drop; i++) this.keys.delete(this.entries[i].key);
      this.entries = this.entries.slice(drop);
    }
    const fromIso = new Date(from).toISOString();
    const keptLimits = this.limitLines.filter((l) => l.at >= fromIso).slice(-MAX_LIMIT_LINES);
    if (keptLimits.length !== this.limitLines.length) {
      this.limitLines = keptLimits;
      this.limitKeys.clear();
      for (const l of keptLimits) this.limitKeys.add(`${l.at}|${l.host}|${l.text}`);
    }
    for (const [host, at] of this.lastSeen) if (at < from) this.lastSeen.delete(host);
  }

  private sort(): void {
    if (!this.sorted) {
      this.entries = sortEntries(this.entries) as TelemetryEntry[];
      this.sorted = true;
    }
  }

  /** The entries by time (as the report code takes them). */
  sortedEntries(): UsageEntry[] {
    this.sort();
    return this.entries;
  }

  /** The machine of the block's first entry (block-started) or of its newest one. */
  hostOfBlock(block: Block, kind: 'block-started' | 'block-ending' | 'inactive'): string | null {
    this.sort();
    const e = this.entries;
    if (kind === 'block-started') {
      const start = Date.parse(block.startTime);
      let lo = 0;
      let hi = e.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (e[mid].t < start) lo = mid + 1;
        else hi = mid;
      }
      return lo < e.length ? e[lo].host : null;
    }
    const last = Date.parse(block.actualEndTime ?? block.endTime);
    let lo = 0;
    let hi = e.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid].t <= last) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? e[lo - 1].host : null;
  }

  /** Output 1 at `now`: claude-code-usage's report over every machine, and per-machine figures. */
  report(now: number): TelemetryPayload {
    const sorted = this.sortedEntries();
    const base = buildReport({ sorted: () => sorted, limitLines: this.limitLines }, { host: '', ...this.opts }, now);
    const { start, end } = billingPeriod(now, this.opts.billingDay, this.opts.timeZone);
    const todayStart = zonedMidnight(parseDate(zonedDate(now, this.opts.timeZone)), this.opts.timeZone);
    const figures = new Map<string, HostFigures>();
    const figuresOf = (host: string): HostFigures => {
      let f = figures.get(host);
      if (!f) {
        const seen = this.lastSeen.get(host);
        f = { host, lastSeenAt: seen === undefined ? null : new Date(seen).toISOString(), entries: 0, costUSD: 0, totalTokens: 0, today: { costUSD: 0, totalTokens: 0 } };
        figures.set(host, f);
      }
      return f;
    };
    for (const host of this.lastSeen.keys()) figuresOf(host);
    for (const e of this.entries) {
      if (e.t < start || e.t >= end) continue;
      const f = figuresOf(e.host);
      const tokens = entryTokens(e);
      f.entries++;
      f.costUSD += e.costUSD;
      f.totalTokens += tokens;
      if (e.t >= todayStart && e.t <= now) {
        f.today.costUSD += e.costUSD;
        f.today.totalTokens += tokens;
      }
    }
    const hosts = [...figures.values()].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    return { host: null, source: 'telemetry', scannedAt: base.scannedAt, activeBlock: base.activeBlock, period: base.period, today: base.today, blocks: base.blocks, hosts };
  }

  /** The timeline in a compact form for node context. */
  toState(): TelemetryState {
    this.sort();
    const hosts: string[] = [];
    const hostIndex = new Map<string, number>();
    const models: string[] = [];
    const modelIndex = new Map<string, number>();
    const index = (list: string[], map: Map<string, number>, v: string): number => {
      let i = map.get(v);
      if (i === undefined) {
        i = list.length;
        list.push(v);
        map.set(v, i);
      }
      return i;
    };
    const n: number[] = new Array(this.entries.length * STATE_FIELDS);
    const k: string[] = new Array(this.entries.length);
    this.entries.forEach((e, i) => {
      const o = i * STATE_FIELDS;
      n[o] = e.t;
      n[o + 1] = index(hosts, hostIndex, e.host);
      n[o + 2] = index(models, modelIndex, e.model);
      n[o + 3] = e.input;
      n[o + 4] = e.output;
      n[o + 5] = e.cacheWrite;
      n[o + 6] = e.cacheRead;
      n[o + 7] = e.costUSD;
      k[i] = e.key;
    });
    return { v: 1, hosts, models, n, k, seen: Object.fromEntries(this.lastSeen), limits: this.limitLines.map((l) => ({ at: l.at, resetsAt: l.resetsAt, text: l.text, limit: l.limit ?? null, model: l.model ?? null, host: l.host ?? 'unknown' })) };
  }

  /** Takes a kept state back; throws when it is damaged (nothing is taken then). */
  restore(raw: unknown, now: number): void {
    const s = stateSchema.parse(raw);
    const fields = STATE_FIELDS;
    if (s.n.length !== s.k.length * fields) throw new Error('the entry arrays differ in length');
    const entries: TelemetryEntry[] = [];
    for (let i = 0; i < s.k.length; i++) {
      const o = i * fields;
      const host = s.hosts[s.n[o + 1]];
      const model = s.models[s.n[o + 2]];
      if (host === undefined || model === undefined) throw new Error('an entry names an unknown host or model');
      for (let j = 3; j < fields; j++) if (!(s.n[o + j] >= 0)) throw new Error('an entry has a negative count');
      entries.push({ t: s.n[o], model, input: s.n[o + 3], output: s.n[o + 4], cacheWrite: s.n[o + 5], cacheWrite1h: 0, cacheRead: s.n[o + 6], costUSD: s.n[o + 7], sidechain: false, messageId: null, host, key: s.k[i] });
    }
    this.entries = [];
    this.keys.clear();
    this.sorted = true;
    for (const e of entries) if (!this.keys.has(e.key)) this.push(e);
    this.lastSeen.clear();
    for (const [host, at] of Object.entries(s.seen).slice(0, MAX_HOSTS)) this.lastSeen.set(host, at);
    this.limitLines = [];
    this.limitKeys.clear();
    for (const l of s.limits) {
      const key = `${l.at}|${l.host}|${l.text}`;
      if (this.limitKeys.has(key)) continue;
      this.limitKeys.add(key);
      this.limitLines.push({ at: l.at, resetsAt: l.resetsAt, text: l.text, limit: l.limit ?? null, model: l.model ?? null, host: l.host });
    }
    this.prune(now);
  }
}

function parseDate(date: string): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number);
  return { year, month, day };
}

/** Per entry in `n`: t, host index, model index, input, output, cacheWrite, cacheRead, costUSD. */
const STATE_FIELDS = 8;

const finite = z.number().finite();
const iso = z.string().max(40).refine((v) => !Number.isNaN(Date.parse(v)), 'not a time');
const stateSchema = z.object({
  v: z.literal(1),
  hosts: z.array(z.string().max(MAX_HOST_LENGTH)).max(MAX_HOSTS * 2),
  models: z.array(z.string().max(256)).max(100_000),
  n: z.array(finite).max(MAX_ENTRIES * STATE_FIELDS),
  k: z.array(z.string().max(64)).max(MAX_ENTRIES),
  seen: z.record(z.string().max(MAX_HOST_LENGTH), finite),
  limits: z
    .array(
      z.object({
        at: iso,
        resetsAt: iso.nullable(),
        text: z.string().max(MAX_TEXT),
        // absent in states kept before limit walls named their limit
        limit: z.enum(['session', 'weekly', 'model']).nullish(),
        model: z.string().max(64).nullish(),
        host: z.string().max(MAX_HOST_LENGTH),
      }),
    )
    .max(MAX_LIMIT_LINES),
});

export type TelemetryState = z.infer<typeof stateSchema>;
