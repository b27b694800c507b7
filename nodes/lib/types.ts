// The message shapes every node emits and reads (documented in README.md), shared by every node.

export type Plan = 'pro' | 'max_5x' | 'max_20x' | 'team' | 'enterprise' | 'free' | null;

export type LimitKind = 'session' | 'weekly' | 'weekly_scoped' | 'other';

export interface UsageWindow {
  pct: number;
  resetsAt: string | null;
  resetsInMinutes: number | null;
}

export interface UsageLimit extends UsageWindow {
  id: string;
  kind: LimitKind;
  label: string;
}

export interface ExtraUsage {
  enabled: boolean;
  usedCredits: number;
  monthlyLimit: number | null;
  currency: string;
  pct: number | null;
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
  fetchedAt: string;
  session: UsageWindow | null;
  weekly: UsageWindow | null;
  limits: UsageLimit[];
  extraUsage: ExtraUsage | null;
  pace: { session: Pace | null; weekly: Pace | null };
  cookie: { expiresAt: string | null; daysLeft: number | null } | null;
}

/** One kept sample, for pace and for `msg.history` replays. */
export interface UsageSample {
  fetchedAt: string;
  pct: Record<string, number>;
  resetsAt?: Record<string, string | null>;
}
