// The claude-usage output-1 payload: the types its producers build, and the one parser its
// consumers (claude-threshold, claude-hass, kept context) read it with. Other producers of the
// same shape (a status-line receiver, a hand-made message) are read the same way.

import { z } from 'zod';
import { describeZodError } from './common';

export type Plan = 'pro' | 'max_5x' | 'max_20x' | 'team' | 'enterprise' | 'free' | null;
export const PLANS = ['pro', 'max_5x', 'max_20x', 'team', 'enterprise', 'free'] as const;

export type LimitKind = 'session' | 'weekly' | 'weekly_scoped' | 'other';
export const LIMIT_KINDS = ['session', 'weekly', 'weekly_scoped', 'other'] as const;

/** Where a payload's figures come from. */
export type PayloadSource = 'cookie' | 'claude-code' | 'demo' | 'statusline';

export interface UsageWindow {
  pct: number;
  resetsAt: string | null;
  resetsInMinutes: number | null;
}

export interface UsageLimit extends UsageWindow {
  id: string;
  kind: LimitKind;
  label: string;
  /** The service's word for how close the limit is: "normal", "warning", …; null when not given. */
  severity: string | null;
  /** true for the limit that currently binds (the service's `is_active`); false or null otherwise. */
  active: boolean | null;
  /** Why the service locked the window (`locked_reason`), else null. */
  lockedReason: string | null;
}

export interface ExtraUsage {
  enabled: boolean;
  /** Money spent, in currency units (not cents). */
  usedCredits: number;
  monthlyLimit: number | null;
  currency: string;
  pct: number | null;
  disabledReason: string | null;
  severity: string | null;
}

export interface BreakdownRow {
  key: string;
  label: string;
  pct: number | null;
}

/** The share of the weekly window by surface (Claude Code, chats, Cowork, other) or by model. */
export interface Breakdown {
  asOf: string | null;
  windowStartedAt: string | null;
  rows: BreakdownRow[];
}

/** A one-time dollar credit (not a rate window); `expiresAt` is the service's `resets_at`. */
export interface CreditPool {
  id: string;
  label: string;
  usedUSD: number | null;
  limitUSD: number;
  remainingUSD: number | null;
  pct: number | null;
  expiresAt: string | null;
}

export interface Pace {
  pctPerHour: number;
  projectedPctAtReset: number | null;
  exhaustsAt: string | null;
}

export interface Organization {
  uuid: string;
  name: string;
}

export interface UsagePayload {
  account: string;
  organization: Organization | null;
  plan: Plan;
  /** The service's own tier text (`rate_limit_tier`, or Claude Code's `subscriptionType`), so an unknown plan still shows. */
  planTier: string | null;
  source: PayloadSource;
  fetchedAt: string;
  session: UsageWindow | null;
  weekly: UsageWindow | null;
  limits: UsageLimit[];
  extraUsage: ExtraUsage | null;
  breakdown: Breakdown | null;
  pools: CreditPool[];
  pace: { session: Pace | null; weekly: Pace | null };
  cookie: { expiresAt: string | null; daysLeft: number | null } | null;
}

/** One kept sample, for pace and for `msg.history` replays. */
export interface UsageSample {
  fetchedAt: string;
  pct: Record<string, number>;
  resetsAt?: Record<string, string | null>;
}

// ---------------------------------------------------------------- reading

const isoTime = z.string().max(64).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
const finite = z.number().finite();
const text = z.string().max(1000);
/** Optional in what is read (older producers lack the field); null when absent or odd. */
const maybe = <T extends z.ZodType>(schema: T) => schema.nullable().optional().catch(null).transform((v) => v ?? null);

const windowSchema = z.object({ pct: finite, resetsAt: isoTime.nullable().catch(null), resetsInMinutes: finite.nullable().catch(null) });

const limitSchema = z.object({
  id: z.string().min(1).max(200),
  kind: z.enum(LIMIT_KINDS).catch('other'),
  label: z.string().max(1000).optional(),
  pct: finite,
  resetsAt: isoTime.nullable().optional(),
  resetsInMinutes: maybe(finite),
  severity: maybe(text),
  active: maybe(z.boolean()),
  lockedReason: maybe(text),
});

const extraUsageSchema = z.object({
  enabled: z.boolean(),
  usedCredits: finite,
  monthlyLimit: finite.nullable(),
  currency: z.string().min(1).max(16).catch('USD'),
  pct: finite.nullable(),
  disabledReason: maybe(text),
  severity: maybe(text),
});

const breakdownSchema = z.object({
  asOf: maybe(isoTime),
  windowStartedAt: maybe(isoTime),
  rows: z.array(z.object({ key: z.string().min(1).max(200), label: text, pct: finite.nullable() })).max(64),
});

const poolSchema = z.object({
  id: z.string().min(1).max(200),
  label: text,
  usedUSD: finite.nullable(),
  limitUSD: finite,
  remainingUSD: finite.nullable(),
  pct: finite.nullable(),
  expiresAt: isoTime.nullable().catch(null),
});

const paceSchema = z.object({ pctPerHour: finite, projectedPctAtReset: finite.nullable(), exhaustsAt: isoTime.nullable() });

const envelopeSchema = z.object({
  account: z.string().min(1).max(1000),
  organization: maybe(z.object({ uuid: z.string(), name: z.string() })),
  plan: maybe(z.enum(PLANS)),
  planTier: maybe(text),
  source: maybe(z.enum(['cookie', 'claude-code', 'demo', 'statusline'])),
  fetchedAt: maybe(isoTime),
  session: maybe(windowSchema),
  weekly: maybe(windowSchema),
  limits: z.array(z.unknown()),
  extraUsage: maybe(extraUsageSchema),
  breakdown: maybe(breakdownSchema),
  pools: z.array(poolSchema).max(64).optional().catch([]).transform((v) => v ?? []),
  pace: z
    .object({ session: maybe(paceSchema), weekly: maybe(paceSchema) })
    .optional()
    .catch(undefined)
    .transform((v) => v ?? { session: null, weekly: null }),
  cookie: maybe(z.object({ expiresAt: isoTime.nullable().catch(null), daysLeft: finite.nullable().catch(null) })),
});

/** A payload as read: what a producer may leave out comes back as null (`fetchedAt`, `source`). */
export type ReadUsagePayload = Omit<UsagePayload, 'fetchedAt' | 'source'> & { fetchedAt: string | null; source: PayloadSource | null };

/** A limit left out of a read payload, and why; the other limits still count. */
export interface DroppedLimit {
  index: number;
  /** The limit's id or label when it has a usable one, for the message. */
  name: string | null;
  /** The limit's `kind` when it is text, else null. */
  kind: string | null;
  /** The first field that was wrong, e.g. `pct`. */
  field: string;
  value: unknown;
  problem: string;
}

export type UsagePayloadReading =
  | { ok: true; payload: ReadUsagePayload; dropped: DroppedLimit[] }
  | { ok: false; problem: string; where: string };

function nameOf(entry: unknown): string | null {
  if (!entry || typeof entry !== 'object') return null;
  const { label, id } = entry as { label?: unknown; id?: unknown };
  if (typeof label === 'string' && label && label.length <= 200) return label;
  return typeof id === 'string' && id && id.length <= 200 ? id : null;
}

/**
 * Reads a claude-usage output-1 payload (or anything of its shape). Not usage at all (no
 * `account` or no `limits[]`): `ok: false`, saying what is missing. A limit with a bad field is
 * left out (listed in `dropped`); the first of several limits with one id counts. Optional parts
 * that do not fit read as null.
 */
export function parseUsagePayload(value: unknown): UsagePayloadReading {
  const env = envelopeSchema.safeParse(value);
  if (!env.success) {
    const where = env.error.issues.map((i) => i.path.join('.') || 'payload').join(', ');
    return { ok: false, problem: `not a claude-usage payload (${describeZodError(env.error)})`, where };
  }
  const limits: UsageLimit[] = [];
  const dropped: DroppedLimit[] = [];
  const seen = new Set<string>();
  env.data.limits.forEach((entry, index) => {
    const r = limitSchema.safeParse(entry);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue?.path.map(String).join('.') || 'limit';
      const raw = entry && typeof entry === 'object' && issue?.path.length === 1 ? (entry as Record<string, unknown>)[String(issue.path[0])] : entry;
      const kind = entry && typeof entry === 'object' ? (entry as { kind?: unknown }).kind : null;
      dropped.push({ index, name: nameOf(entry), kind: typeof kind === 'string' ? kind : null, field, value: raw, problem: `limits.${index}.${field}: ${issue?.message ?? 'invalid'}` });
      return;
    }
    if (seen.has(r.data.id)) return;
    seen.add(r.data.id);
    limits.push({ ...r.data, label: r.data.label || r.data.id, resetsAt: r.data.resetsAt ?? null });
  });
  return { ok: true, payload: { ...env.data, limits }, dropped };
}

/** `msg.history` samples as kept in context; anything else is damaged. */
export const usageSamplesSchema = z.array(
  z.object({
    fetchedAt: isoTime,
    pct: z.record(z.string(), finite).refine((r) => Object.keys(r).length <= 64, 'too many windows'),
    resetsAt: z.record(z.string(), isoTime.nullable()).optional(),
  }),
);
