// Tells the messages claude-insight takes apart by shape and reads each one:
// official windows (`account` and `limits[]`), token counters (`period` and `blocks`)
// and `limit-reached` alerts (`msg.alert`). Every problem is a warning (a message key).
import { z } from 'zod';
import type { Phrase } from '../phrase';
import { readUsage } from '../threshold/input';
import type { Count, OfficialSample } from './engine';
import type { LedgerEntry, WindowId } from './state';

export type Reading =
  | { kind: 'official'; account: string; fetchedAt: number | null; samples: OfficialSample[]; problems: Phrase[] }
  | { kind: 'counts'; counts: Count[]; problems: Phrase[] }
  | { kind: 'limit'; entry: Omit<LedgerEntry, 'at'> & { at: string | null } }
  | { kind: 'other-alert' }
  | { kind: 'bad'; problems: Phrase[] };

/** Bounds on text from outside. */
const MAX_HOST = 200;
const MAX_HOSTS_PER_MESSAGE = 256;

const isoTime = z.string().max(100).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
const amount = z.number().min(0).max(Number.MAX_SAFE_INTEGER);
const hostName = z.string().min(1).max(MAX_HOST);

const CountSchema = z.object({
  host: z.union([hostName, z.null()]).optional(),
  source: z.string().max(100).optional(),
  period: z.object({ totalTokens: amount, costUSD: amount.nullable().optional() }),
  blocks: z.array(z.unknown()),
  hosts: z.array(z.unknown()).max(MAX_HOSTS_PER_MESSAGE).optional(),
});
const HostRowSchema = z.object({ host: hostName, totalTokens: amount, costUSD: amount.nullable().optional() });

const LimitAlertSchema = z.object({
  at: isoTime.optional().catch(undefined),
  limit: z.string().max(100).nullable().optional().catch(null),
  resetsAt: isoTime.nullable().optional().catch(null),
  host: hostName.nullable().optional().catch(null),
});

const OFFICIAL_IDS: readonly string[] = ['session', 'weekly'];

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issues(error: z.ZodError): string {
  return error.issues.map((i) => i.path.join('.') || 'payload').join(', ');
}

function readCounts(payload: Record<string, unknown>): Reading {
  const parsed = CountSchema.safeParse(payload);
  if (!parsed.success) return { kind: 'bad', problems: [{ key: 'warn.input.notCounts', vars: { where: issues(parsed.error) } }] };
  const { host, hosts, period } = parsed.data;
  const problems: Phrase[] = [];
  const counts: Count[] = [];
  if (hosts) {
    const source = parsed.data.source ?? 'telemetry';
    hosts.forEach((row, i) => {
      const r = HostRowSchema.safeParse(row);
      if (r.success) counts.push({ source, host: r.data.host, tokens: r.data.totalTokens, costUSD: r.data.costUSD ?? 0 });
      else problems.push({ key: 'warn.input.hostLeftOut', vars: { index: i, where: issues(r.error) } });
    });
  } else if (typeof host === 'string') {
    counts.push({ source: parsed.data.source ?? 'logs', host, tokens: period.totalTokens, costUSD: period.costUSD ?? 0 });
  } else {
    return { kind: 'bad', problems: [{ key: 'warn.input.noHost' }] };
  }
  return { kind: 'counts', counts, problems };
}

function readOfficial(payload: unknown): Reading {
  const reading = readUsage(payload);
  if (reading.account === null) return { kind: 'bad', problems: reading.problems };
  const samples: OfficialSample[] = reading.windows
    .filter((w) => OFFICIAL_IDS.includes(w.id))
    .map((w) => ({ id: w.id as WindowId, pct: w.pct, resetsAt: w.resetsAt }));
  return { kind: 'official', account: reading.account, fetchedAt: reading.fetchedAt, samples, problems: reading.problems };
}

/** What an input message is, read. */
export function readInput(msg: { payload?: unknown; alert?: unknown }): Reading {
  if (isObject(msg.alert)) {
    if (msg.alert.kind !== 'limit-reached') return { kind: 'other-alert' };
    const a = LimitAlertSchema.parse(msg.alert);
    return { kind: 'limit', entry: { at: a.at ?? null, limit: a.limit ?? null, resetsAt: a.resetsAt ?? null, source: a.host ?? null } };
  }
  const payload = msg.payload;
  if (isObject(payload) && 'account' in payload && 'limits' in payload) return readOfficial(payload);
  if (isObject(payload) && 'period' in payload && 'blocks' in payload) return readCounts(payload);
  return { kind: 'bad', problems: [{ key: 'warn.input.unknown' }] };
}
