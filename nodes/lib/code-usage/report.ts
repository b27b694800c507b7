// The claude-code-usage output-1 payload: the active block, the billing period and today.
import { blocksAt, groupBlocks, type Block, type BlockShape } from './blocks';
import type { EntryStore, UsageEntry } from './entries';

export interface PeriodSummary {
  start: string;
  end: string;
  sessions: number;
  sessionsLeft: number;
  costUSD: number;
  totalTokens: number;
  maxBlockTokens: number;
  maxBlockCostUSD: number;
}

export interface CodeUsagePayload {
  host: string;
  scannedAt: string;
  activeBlock: Block | null;
  period: PeriodSummary;
  today: { date: string; costUSD: number; totalTokens: number };
  blocks: Block[];
}

export interface ReportOptions {
  host: string;
  billingDay: number;
  timeZone: string;
  monthlySessions: number;
}

interface ZonedDate {
  year: number;
  month: number; // 1-12
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: creating one is far slower than using it. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

const UTC_NAMES = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Etc/Zulu']);

function zonedParts(at: number, timeZone: string): ZonedDate & { hour: number; minute: number; second: number } {
  if (UTC_NAMES.has(timeZone)) {
    // No Intl needed (its first use costs more than a whole report).
    const d = new Date(at);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
  }
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

/** The instant of 00:00 on the given calendar day in `timeZone`. */
export function zonedMidnight(date: ZonedDate, timeZone: string): number {
  const guess = Date.UTC(date.year, date.month - 1, date.day);
  let t = guess;
  // Two rounds settle the zone offset, DST changes included.
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(t, timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    t = guess - (asUtc - t);
  }
  return t;
}

/** The calendar date of `at` in `timeZone`, as YYYY-MM-DD. */
export function zonedDate(at: number, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** The billing period containing `now`: from 00:00 on `billingDay` (in `timeZone`) to the same time a month later. */
export function billingPeriod(now: number, billingDay: number, timeZone: string): { start: number; end: number } {
  const today = zonedParts(now, timeZone);
  let year = today.year;
  let month = today.month;
  if (today.day < billingDay) {
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  const start = zonedMidnight({ year, month, day: billingDay }, timeZone);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  const end = zonedMidnight({ ...next, day: billingDay }, timeZone);
  return { start, end };
}

export function todayTotals(sorted: UsageEntry[], now: number, timeZone: string): CodeUsagePayload['today'] {
  const date = zonedDate(now, timeZone);
  const p = zonedParts(now, timeZone);
  const start = zonedMidnight(p, timeZone);
  let costUSD = 0;
  let totalTokens = 0;
  for (let i = sorted.length - 1; i >= 0 && sorted[i].t >= start; i--) {
    const e = sorted[i];
    if (e.t > now) continue;
    costUSD += e.costUSD;
    totalTokens += e.input + e.output + e.cacheWrite + e.cacheRead;
  }
  return { date, costUSD, totalTokens };
}

/**
 * Where a report's entries come from: a log scan's store, or any other time-sorted list.
 * A source with a `revision` (one that changes whenever its entries or limit lines do) has
 * its blocks grouped once per revision, so reporting an unchanged store again is cheap; the
 * number of limit lines is checked too, so a source that adds one without a new revision is
 * never reported stale.
 */
export type ReportSource = Pick<EntryStore, 'sorted' | 'limitLines'> & { readonly revision?: number };

const grouped = new WeakMap<ReportSource, { revision: number; limitLines: number; shapes: BlockShape[] }>();

function shapesOf(store: ReportSource): BlockShape[] {
  const known = grouped.get(store);
  if (known && store.revision !== undefined && known.revision === store.revision && known.limitLines === store.limitLines.length) return known.shapes;
  const limits = store.limitLines.map((l) => ({ at: Date.parse(l.at), resetsAt: l.resetsAt }));
  const shapes = groupBlocks(store.sorted(), limits);
  if (store.revision !== undefined) grouped.set(store, { revision: store.revision, limitLines: store.limitLines.length, shapes });
  return shapes;
}

/** Builds the output-1 payload from the source's entries at `now`. */
export function buildReport(store: ReportSource, opts: ReportOptions, now: number): CodeUsagePayload {
  const sorted = store.sorted();
  const all = blocksAt(shapesOf(store), now);
  const { start, end } = billingPeriod(now, opts.billingDay, opts.timeZone);
  const blocks = all.filter((b) => {
    const t = Date.parse(b.startTime);
    return t >= start && t < end;
  });
  const period: PeriodSummary = {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    sessions: blocks.length,
    sessionsLeft: Math.max(0, opts.monthlySessions - blocks.length),
    costUSD: 0,
    totalTokens: 0,
    maxBlockTokens: 0,
    maxBlockCostUSD: 0,
  };
  for (const b of blocks) {
    period.costUSD += b.costUSD;
    period.totalTokens += b.totalTokens;
    period.maxBlockTokens = Math.max(period.maxBlockTokens, b.totalTokens);
    period.maxBlockCostUSD = Math.max(period.maxBlockCostUSD, b.costUSD);
  }
  const last = all[all.length - 1];
  return {
    host: opts.host,
    scannedAt: new Date(now).toISOString(),
    activeBlock: last && last.isActive ? last : null,
    period,
    today: todayTotals(sorted, now, opts.timeZone),
    blocks,
  };
}
