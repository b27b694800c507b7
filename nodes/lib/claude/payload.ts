// A fetched snapshot → the claude-usage output-1 payload, and the samples kept for pace and history.

import type { UsagePayload, UsageSample } from '../types';
import type { UsageSnapshot } from './client';
import type { CookieExpiry } from './cookie';
import { normalizeUsage } from './normalize';
import { computePace } from './pace';

export function sampleOf(payload: Pick<UsagePayload, 'fetchedAt' | 'limits'>): UsageSample {
  // fromEntries makes own properties, so ids like `__proto__` are kept as ordinary keys.
  const pct: Record<string, number> = Object.fromEntries(payload.limits.map((l) => [l.id, l.pct]));
  const resetsAt: Record<string, string | null> = Object.fromEntries(payload.limits.map((l) => [l.id, l.resetsAt]));
  return { fetchedAt: payload.fetchedAt, pct, resetsAt };
}

/** Appends a sample, keeping at most `max` (oldest dropped). */
export function keepSample(samples: UsageSample[], sample: UsageSample, max: number): UsageSample[] {
  const next = [...samples, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}

/** What `msg.history` carries: `{ fetchedAt, pct }`, oldest first. */
export function historyOf(samples: UsageSample[]): Array<{ fetchedAt: string; pct: Record<string, number> }> {
  return samples.map((s) => ({ fetchedAt: s.fetchedAt, pct: Object.fromEntries(Object.entries(s.pct)) }));
}

export interface PayloadInput {
  account: string;
  snapshot: UsageSnapshot;
  fetchedAt: Date;
  /** Samples before this one (this one is added for pace). */
  samples: UsageSample[];
  /** Cookie mode only; null otherwise. */
  cookie: CookieExpiry | null;
}

export function buildPayload(input: PayloadInput): UsagePayload {
  const usage = normalizeUsage(input.snapshot.raw, input.fetchedAt);
  const base = {
    account: input.account,
    organization: input.snapshot.organization,
    plan: input.snapshot.plan,
    planTier: input.snapshot.planTier,
    source: input.snapshot.source,
    fetchedAt: input.fetchedAt.toISOString(),
    session: usage.session,
    weekly: usage.weekly,
    limits: usage.limits,
    extraUsage: usage.extraUsage,
    breakdown: usage.breakdown,
    pools: usage.pools,
  };
  const samples = [...input.samples, sampleOf(base)];
  return {
    ...base,
    pace: {
      session: usage.session ? computePace(samples, 'session') : null,
      weekly: usage.weekly ? computePace(samples, 'weekly') : null,
    },
    cookie: input.cookie,
  };
}
