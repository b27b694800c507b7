// Reads a claude-usage output-1 payload (or anything of that shape) into the
// windows the engine judges. Every problem becomes a plain-words line; a window
// with a bad value is left out (no alert, no state change) while the others go on.
import { z } from 'zod';
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
  problems: string[];
}

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');

const PayloadSchema = z.object({
  account: z.string().min(1),
  fetchedAt: z.unknown().optional(),
  limits: z.array(z.unknown()),
  extraUsage: z.unknown().optional(),
  pace: z.unknown().optional(),
});

const LimitSchema = z.object({
  id: z.string().min(1),
  kind: z.string(),
  label: z.string().optional(),
  pct: z.unknown(),
  resetsAt: isoTime.nullable().optional(),
});

const PctSchema = z.number().min(0).max(MAX_PCT);

const PaceSchema = z.object({ exhaustsAt: isoTime.nullable().optional() });

const KIND_OF_LIMIT: Record<string, WindowKind | undefined> = {
  session: 'session',
  weekly: 'weekly',
  weekly_scoped: 'scoped',
};

function describeValue(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  return typeof value;
}

function paceExhaustsAt(pace: unknown, kind: WindowKind): string | null {
  if (kind !== 'session' && kind !== 'weekly') return null;
  if (!pace || typeof pace !== 'object') return null;
  const parsed = PaceSchema.safeParse((pace as Record<string, unknown>)[kind]);
  return parsed.success ? (parsed.data.exhaustsAt ?? null) : null;
}

function readExtra(extraUsage: unknown, problems: string[]): WindowSample | null {
  if (!extraUsage || typeof extraUsage !== 'object') return null;
  const pct = (extraUsage as Record<string, unknown>).pct;
  if (pct === null || pct === undefined) return null; // no monthly limit: nothing to measure against
  if (!PctSchema.safeParse(pct).success) {
    problems.push(`extra usage: pct ${describeValue(pct)} is not a number from 0 to ${MAX_PCT}`);
    return null;
  }
  return { id: 'extra', kind: 'extra', label: 'Extra usage', pct: pct as number, resetsAt: null, exhaustsAt: null };
}

/** The payload's windows, or null (with the reason in `problems`) when it is not usage at all. */
export function readUsage(payload: unknown): UsageReading | { account: null; problems: string[] } {
  const parsed = PayloadSchema.safeParse(payload);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => i.path.join('.') || 'payload').join(', ');
    return { account: null, problems: [`not a claude-usage payload (bad or missing: ${where})`] };
  }
  const { account, limits, extraUsage, pace } = parsed.data;
  const problems: string[] = [];
  const windows: WindowSample[] = [];
  const seen = new Set<string>();
  for (const entry of limits) {
    const limit = LimitSchema.safeParse(entry);
    if (!limit.success) {
      const where = limit.error.issues.map((i) => i.path.join('.')).join(', ');
      problems.push(`${account}: a limit has a bad or missing ${where}`);
      continue;
    }
    const { id, kind: limitKind, label, pct, resetsAt } = limit.data;
    const kind = KIND_OF_LIMIT[limitKind];
    if (!kind || seen.has(id)) continue;
    seen.add(id);
    if (!PctSchema.safeParse(pct).success) {
      problems.push(`${account}: ${label || id} pct ${describeValue(pct)} is not a number from 0 to ${MAX_PCT}`);
      continue;
    }
    windows.push({ id, kind, label: label || id, pct: pct as number, resetsAt: resetsAt ?? null, exhaustsAt: paceExhaustsAt(pace, kind) });
  }
  const extra = readExtra(extraUsage, problems);
  if (extra) windows.push(extra);
  const fetchedAt = typeof parsed.data.fetchedAt === 'string' ? Date.parse(parsed.data.fetchedAt) : NaN;
  return { account, fetchedAt: Number.isNaN(fetchedAt) ? null : fetchedAt, windows, problems };
}
