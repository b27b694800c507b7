// Reads a claude-usage output-1 payload (or anything of that shape) into the
// windows the engine judges. Every problem becomes a warning (a message key); a window
// with a bad value is left out (no alert, no state change) while the others go on.
import { z } from 'zod';
import type { Phrase } from '../phrase';
import { parseUsagePayload, type ReadUsagePayload } from '../schemas';
import { MAX_PCT, type WindowKind } from './settings';

export interface WindowSample {
  /** The alert's `limit_type`: the limit id (`session`, `weekly`, `weekly:opus`, …) or `extra`. */
  id: string;
  kind: WindowKind;
  label: string;
  pct: number;
  resetsAt: string | null;
  /** From `payload.pace.<kind>.exhaustsAt`, session and weekly only. */
  exhaustsAt: string | null;
}

export interface UsageReading {
  account: string;
  /** The measurement time (`payload.fetchedAt`), epoch ms, or null when missing or invalid. */
  fetchedAt: number | null;
  windows: WindowSample[];
  problems: Phrase[];
}

const PctSchema = z.number().min(0).max(MAX_PCT);

// A Map, not an object literal: a limit kind like `constructor` or `__proto__` is just unknown.
const KIND_OF_LIMIT = new Map<string, WindowKind>([
  ['session', 'session'],
  ['weekly', 'weekly'],
  ['weekly_scoped', 'scoped'],
]);

function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return typeof value;
}

function paceExhaustsAt(pace: ReadUsagePayload['pace'], kind: WindowKind): string | null {
  if (kind === 'session') return pace.session?.exhaustsAt ?? null;
  if (kind === 'weekly') return pace.weekly?.exhaustsAt ?? null;
  return null;
}

function readExtra(extraUsage: unknown, problems: Phrase[]): WindowSample | null {
  if (!extraUsage || typeof extraUsage !== 'object') return null;
  const pct = (extraUsage as Record<string, unknown>).pct;
  if (pct === null || pct === undefined) return null; // no monthly limit: nothing to measure against
  if (!PctSchema.safeParse(pct).success) {
    problems.push({ key: 'warn.input.extraPct', vars: { value: describeValue(pct), max: MAX_PCT } });
    return null;
  }
  return { id: 'extra', kind: 'extra', label: 'Extra usage', pct: pct as number, resetsAt: null, exhaustsAt: null };
}

/** The payload's windows, or null (with the reason in `problems`) when it is not usage at all. */
export function readUsage(payload: unknown): UsageReading | { account: null; problems: Phrase[] } {
  const parsed = parseUsagePayload(payload);
  if (!parsed.ok) return { account: null, problems: [{ key: 'warn.input.notUsage', vars: { where: parsed.where } }] };
  const { account, limits, pace } = parsed.payload;
  const problems: Phrase[] = [];
  const windows: WindowSample[] = [];
  for (const d of parsed.dropped) {
    if (d.kind !== null && !KIND_OF_LIMIT.has(d.kind)) continue; // a window this node does not judge
    if (d.field === 'pct' && d.name) problems.push({ key: 'warn.input.pct', vars: { account, window: d.name, value: describeValue(d.value), max: MAX_PCT } });
    else problems.push({ key: 'warn.input.limitField', vars: { account, field: d.field } });
  }
  for (const { id, kind: limitKind, label, pct, resetsAt } of limits) {
    const kind = KIND_OF_LIMIT.get(limitKind);
    if (!kind) continue;
    if (!PctSchema.safeParse(pct).success) {
      problems.push({ key: 'warn.input.pct', vars: { account, window: label, value: describeValue(pct), max: MAX_PCT } });
      continue;
    }
    windows.push({ id, kind, label, pct, resetsAt, exhaustsAt: paceExhaustsAt(pace, kind) });
  }
  // extraUsage is read from the raw payload: a pct outside 0–1000 must be reported, not read as absent.
  const extra = readExtra((payload as { extraUsage?: unknown }).extraUsage, problems);
  if (extra) windows.push(extra);
  const fetchedAt = parsed.payload.fetchedAt === null ? NaN : Date.parse(parsed.payload.fetchedAt);
  return { account, fetchedAt: Number.isNaN(fetchedAt) ? null : fetchedAt, windows, problems };
}
