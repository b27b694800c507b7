// Raw usage responses (both generations) → the spec's session / weekly / limits / extraUsage.

import { minutesUntil, round1 } from '../format';
import type { ExtraUsage, LimitKind, UsageLimit, UsageWindow } from '../types';
import { legacyWindowSchema, type LimitEntry, type UsageResponse } from './schema';

export interface NormalizedUsage {
  session: UsageWindow | null;
  weekly: UsageWindow | null;
  limits: UsageLimit[];
  extraUsage: ExtraUsage | null;
}

interface WindowInfo {
  id: string;
  kind: LimitKind;
  label: string;
}

const LEGACY_KEYS: Record<string, WindowInfo> = {
  five_hour: { id: 'session', kind: 'session', label: '5-hour' },
  seven_day: { id: 'weekly', kind: 'weekly', label: 'Weekly' },
};

const SCOPED_PREFIX = 'seven_day_';
// seven_day_* keys that are separate products, not a per-model split of the weekly window.
const UNSCOPED_WEEKLY_KEYS = new Set(['seven_day_oauth_apps', 'seven_day_cowork']);

function titleCase(word: string): string {
  return word ? word[0].toUpperCase() + word.slice(1) : word;
}

function humanize(key: string): string {
  return key
    .split(/[_\s]+/)
    .filter(Boolean)
    .map(titleCase)
    .join(' ');
}

function scopedInfo(modelName: string): WindowInfo {
  const name = modelName.trim();
  return { id: `weekly:${name.toLowerCase()}`, kind: 'weekly_scoped', label: `Weekly · ${titleCase(name)}` };
}

/** How a legacy top-level key maps to a window; null for keys that are not windows. */
export function legacyWindowInfo(key: string): WindowInfo | null {
  if (LEGACY_KEYS[key]) return LEGACY_KEYS[key];
  if (key.startsWith(SCOPED_PREFIX) && !UNSCOPED_WEEKLY_KEYS.has(key)) return scopedInfo(key.slice(SCOPED_PREFIX.length));
  return { id: key, kind: 'other', label: humanize(key) };
}

/** How a `limits[]` entry maps to a window. */
export function limitEntryInfo(entry: LimitEntry, index: number): WindowInfo {
  const words = `${entry.kind ?? ''} ${entry.group ?? ''} ${entry.id ?? ''}`.toLowerCase();
  const model = entry.scope?.model?.display_name || entry.scope?.model?.id;
  const isSession = /five_hour|5_hour|5h|session/.test(words);
  const isWeekly = /seven_day|7_day|7d|week/.test(words);
  if (isWeekly && model) return scopedInfo(model);
  if (isSession && !model) return LEGACY_KEYS.five_hour;
  if (isWeekly && !UNSCOPED_WEEKLY_KEYS.has(entry.id ?? entry.group ?? '')) return LEGACY_KEYS.seven_day;
  const key = entry.id || entry.group || entry.kind || `limit_${index}`;
  const id = model ? `${key}:${model.toLowerCase()}` : key;
  return { id, kind: 'other', label: model ? `${humanize(key)} · ${titleCase(model)}` : humanize(key) };
}

function toLimit(info: WindowInfo, pct: number, resetsAt: string | null, now: Date): UsageLimit {
  return { id: info.id, kind: info.kind, label: info.label, pct, resetsAt, resetsInMinutes: minutesUntil(resetsAt, now) };
}

const KIND_ORDER: Record<LimitKind, number> = { session: 0, weekly: 1, weekly_scoped: 2, other: 3 };

function normalizeExtraUsage(raw: UsageResponse['extra_usage']): ExtraUsage | null {
  if (!raw) return null;
  const used = raw.used_credits ?? null;
  const limit = raw.monthly_limit ?? null;
  if (raw.is_enabled == null && used == null && limit == null) return null;
  const usedCredits = (used ?? 0) / 100;
  const monthlyLimit = limit == null ? null : limit / 100;
  const fraction = raw.utilization ?? (monthlyLimit ? (usedCredits / monthlyLimit) * 100 : null);
  const pct = fraction === null ? null : round1(fraction);
  return { enabled: raw.is_enabled ?? false, usedCredits, monthlyLimit, currency: raw.currency || 'USD', pct };
}

export function normalizeUsage(raw: UsageResponse, now: Date = new Date()): NormalizedUsage {
  const byId = new Map<string, UsageLimit>();

  for (const [key, value] of Object.entries(raw)) {
    if (key === 'limits' || key === 'extra_usage' || value == null || typeof value !== 'object') continue;
    const window = legacyWindowSchema.safeParse(value);
    const info = legacyWindowInfo(key);
    if (!window.success || !info || window.data.utilization === null) continue;
    byId.set(info.id, toLimit(info, window.data.utilization, window.data.resets_at, now));
  }

  // The newer array wins over legacy fields describing the same window.
  (raw.limits ?? []).forEach((entry, index) => {
    const pct = entry.percent ?? entry.utilization;
    if (pct == null) return;
    const info = limitEntryInfo(entry, index);
    byId.set(info.id, toLimit(info, pct, entry.resets_at, now));
  });

  const limits = [...byId.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const windowOf = (id: string): UsageWindow | null => {
    const l = byId.get(id);
    return l ? { pct: l.pct, resetsAt: l.resetsAt, resetsInMinutes: l.resetsInMinutes } : null;
  };
  return { session: windowOf('session'), weekly: windowOf('weekly'), limits, extraUsage: normalizeExtraUsage(raw.extra_usage) };
}
