// Raw usage responses (both generations) → the spec's session / weekly / limits / extraUsage,
// breakdown and credit pools.

import { minutesUntil, round1 } from '../format';
import {
  legacyWindowSchema,
  MAX_WINDOWS,
  type Breakdown,
  type CreditPool,
  type ExtraUsage,
  type LegacyWindow,
  type LimitEntry,
  type LimitKind,
  type UsageLimit,
  type UsagePayload,
  type UsageResponse,
  type UsageWindow,
} from '../schemas';

/** The payload's windows, limits, extra usage, breakdown and credit pools. */
export type NormalizedUsage = Pick<UsagePayload, 'session' | 'weekly' | 'limits' | 'extraUsage' | 'breakdown' | 'pools'>;

interface WindowInfo {
  id: string;
  kind: LimitKind;
  label: string;
}

/** Longest id or label text taken from an answer; longer text is cut. */
const MAX_NAME = 64;

const SESSION: WindowInfo = { id: 'session', kind: 'session', label: '5-hour' };
const WEEKLY: WindowInfo = { id: 'weekly', kind: 'weekly', label: 'Weekly' };
const DESIGN: WindowInfo = { id: 'weekly:design', kind: 'weekly_scoped', label: 'Weekly · Design' };
const other = (id: string, label: string): WindowInfo => ({ id, kind: 'other', label });

/** Top-level keys with a known meaning; products named by codename get the product's name. */
const KNOWN_KEYS = new Map<string, WindowInfo>([
  ['five_hour', SESSION],
  ['seven_day', WEEKLY],
  ['seven_day_omelette', DESIGN],
  ['seven_day_design', DESIGN],
  ['seven_day_cowork', other('seven_day_cowork', 'Weekly · Cowork')],
  ['seven_day_routines', other('seven_day_routines', 'Weekly · Routines')],
  ['seven_day_claude_routines', other('seven_day_claude_routines', 'Weekly · Routines')],
  ['seven_day_oauth_apps', other('seven_day_oauth_apps', 'Weekly · OAuth apps')],
]);

/** `limits[]` scope surfaces that are products with a top-level key of their own. */
const SURFACE_KEYS = new Map<string, string>([
  ['design', 'seven_day_design'],
  ['omelette', 'seven_day_omelette'],
  ['cowork', 'seven_day_cowork'],
  ['routines', 'seven_day_routines'],
  ['claude_routines', 'seven_day_claude_routines'],
]);

/** Parts of the answer that are not windows. */
const NOT_WINDOWS = new Set(['limits', 'extra_usage', 'spend', 'seven_day_breakdown']);

const POOL_LABELS = new Map<string, string>([['iguana_necktie', 'Cloud sessions credit']]);

const BREAKDOWN_LABELS = new Map<string, string>([
  ['claude_code', 'Claude Code'],
  ['chat', 'Chats'],
  ['cowork', 'Cowork'],
  ['other', 'Other'],
]);

const SCOPED_PREFIX = 'seven_day_';

function cut(text: string): string {
  return text.length > MAX_NAME ? text.slice(0, MAX_NAME) : text;
}

function titleCase(word: string): string {
  return word ? word[0].toUpperCase() + word.slice(1) : word;
}

function humanize(key: string): string {
  return cut(key)
    .split(/[_\s]+/)
    .filter(Boolean)
    .map(titleCase)
    .join(' ');
}

function scopedInfo(modelName: string): WindowInfo {
  const name = cut(modelName.trim());
  return { id: `weekly:${name.toLowerCase()}`, kind: 'weekly_scoped', label: `Weekly · ${titleCase(name)}` };
}

/** A key of the window families this package knows (`five_hour`, `seven_day*`); others are product codenames. */
function isWindowFamily(key: string): boolean {
  return key === 'five_hour' || key === 'seven_day' || key.startsWith(SCOPED_PREFIX);
}

/** How a legacy top-level key maps to a window. */
export function legacyWindowInfo(key: string): WindowInfo {
  const known = KNOWN_KEYS.get(key);
  if (known) return known;
  if (key.startsWith(SCOPED_PREFIX)) return scopedInfo(key.slice(SCOPED_PREFIX.length));
  return other(cut(key), humanize(key));
}

/** How a `limits[]` entry maps to a window. */
export function limitEntryInfo(entry: LimitEntry, index: number): WindowInfo {
  const kind = (entry.kind ?? '').slice(0, MAX_NAME).toLowerCase();
  const group = (entry.group ?? '').slice(0, MAX_NAME).toLowerCase();
  const id = (entry.id ?? '').slice(0, MAX_NAME);
  const model = entry.scope?.model?.display_name || entry.scope?.model?.id;
  const surface = entry.scope?.surface ? cut(entry.scope.surface).toLowerCase() : null;
  const ownKey = id && KNOWN_KEYS.get(id);
  if (ownKey) return ownKey;
  const words = `${kind} ${group} ${id.toLowerCase()}`;
  const isSession = kind === 'session' || ['five_hour', '5_hour', '5h', 'session'].some((w) => words.includes(w));
  const isWeekly = kind.startsWith('weekly') || ['seven_day', '7_day', '7d', 'week'].some((w) => words.includes(w));
  if (isWeekly && model) return scopedInfo(model);
  if (isWeekly && surface) {
    const key = SURFACE_KEYS.get(surface);
    return key ? legacyWindowInfo(key) : scopedInfo(surface);
  }
  if (isSession && !model) return SESSION;
  if (isWeekly) return WEEKLY;
  const key = cut(id || group || kind || `limit_${index}`);
  const name = model ? cut(model) : null;
  return name ? other(`${key}:${name.toLowerCase()}`, `${humanize(key)} · ${titleCase(name)}`) : other(key, humanize(key));
}

const KIND_ORDER: Record<LimitKind, number> = { session: 0, weekly: 1, weekly_scoped: 2, other: 3 };

function limitOf(info: WindowInfo, pct: number, resetsAt: string | null, now: Date, extra: Partial<UsageLimit>): UsageLimit {
  return {
    id: info.id,
    kind: info.kind,
    label: info.label,
    pct,
    resetsAt,
    resetsInMinutes: minutesUntil(resetsAt, now),
    severity: extra.severity ?? null,
    active: extra.active ?? null,
    lockedReason: extra.lockedReason ?? null,
  };
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Money in minor units → currency units. */
function fromMinor(amount: number, places: number): number {
  return Math.round(amount) / 10 ** places;
}

function extraFromSpend(raw: UsageResponse): ExtraUsage | null {
  const spend = raw.spend;
  if (!spend) return null;
  const used = fromMinor(spend.used.amount_minor, spend.used.exponent);
  const limit = spend.limit ? fromMinor(spend.limit.amount_minor, spend.limit.exponent) : null;
  const pct = isNum(spend.percent) ? round1(spend.percent) : limit ? round1((used / limit) * 100) : null;
  return {
    enabled: spend.enabled ?? raw.extra_usage?.is_enabled ?? true,
    usedCredits: used,
    monthlyLimit: limit,
    currency: spend.used.currency,
    pct,
    disabledReason: spend.disabled_reason ?? raw.extra_usage?.disabled_reason ?? null,
    severity: spend.severity ?? null,
  };
}

function extraFromLegacy(raw: UsageResponse['extra_usage']): ExtraUsage | null {
  if (!raw) return null;
  const used = raw.used_credits ?? null;
  const limit = raw.monthly_limit ?? null;
  if (raw.is_enabled == null && used == null && limit == null) return null;
  const places = raw.decimal_places ?? 2;
  const usedCredits = fromMinor(used ?? 0, places);
  const monthlyLimit = limit == null ? null : fromMinor(limit, places);
  const fraction = raw.utilization ?? (monthlyLimit ? (usedCredits / monthlyLimit) * 100 : null);
  return {
    // A monthly limit without `is_enabled` means extra usage is on.
    enabled: raw.is_enabled ?? limit != null,
    usedCredits,
    monthlyLimit,
    currency: raw.currency || 'USD',
    pct: fraction === null ? null : round1(fraction),
    disabledReason: raw.disabled_reason ?? null,
    severity: null,
  };
}

function normalizeBreakdown(raw: UsageResponse['seven_day_breakdown']): Breakdown | null {
  if (!raw) return null;
  return {
    asOf: raw.as_of,
    windowStartedAt: raw.window_started_at,
    rows: raw.rows.map((r) => ({ key: cut(r.key), label: r.display_name ? cut(r.display_name) : (BREAKDOWN_LABELS.get(r.key) ?? humanize(r.key)), pct: r.percent })),
  };
}

function poolOf(key: string, w: LegacyWindow): CreditPool | null {
  if (!isNum(w.limit_dollars)) return null;
  const limit = w.limit_dollars;
  const used = isNum(w.used_dollars) ? w.used_dollars : null;
  const remaining = isNum(w.remaining_dollars) ? w.remaining_dollars : used === null ? null : Math.max(0, limit - used);
  const pct = isNum(w.utilization) ? round1(w.utilization) : used !== null && limit > 0 ? round1((used / limit) * 100) : null;
  return { id: cut(key), label: POOL_LABELS.get(key) ?? humanize(key), usedUSD: used, limitUSD: limit, remainingUSD: remaining, pct, expiresAt: w.resets_at };
}

export function normalizeUsage(raw: UsageResponse, now: Date = new Date()): NormalizedUsage {
  const byId = new Map<string, UsageLimit>();
  const pools: CreditPool[] = [];
  let windows = 0;

  for (const key of Object.keys(raw)) {
    if (windows >= MAX_WINDOWS) break;
    const value: unknown = raw[key];
    if (NOT_WINDOWS.has(key) || value == null || typeof value !== 'object' || Array.isArray(value)) continue;
    const parsed = legacyWindowSchema.safeParse(value);
    if (!parsed.success) continue;
    windows += 1;
    const w = parsed.data;
    const family = isWindowFamily(key);
    if (!family) {
      // Codename keys: a dollar credit is a pool, never a window; 0 % with no reset is an unused product's placeholder.
      const pool = poolOf(key, w);
      if (pool) {
        pools.push(pool);
        continue;
      }
      if (w.utilization === 0 && w.resets_at === null) continue;
    }
    if (w.utilization === null) continue;
    const info = legacyWindowInfo(key);
    byId.set(info.id, limitOf(info, w.utilization, w.resets_at, now, { lockedReason: w.locked_reason }));
  }

  // The newer array wins over legacy fields describing the same window (those can be stale).
  const fromArray = new Set<string>();
  (raw.limits ?? []).forEach((entry, index) => {
    const pct = entry.percent ?? entry.utilization;
    if (pct == null) return;
    const info = limitEntryInfo(entry, index);
    if (fromArray.has(info.id)) return;
    fromArray.add(info.id);
    const legacy = byId.get(info.id);
    byId.set(
      info.id,
      limitOf(info, pct, entry.resets_at, now, {
        severity: entry.severity ?? null,
        active: entry.is_active ?? null,
        lockedReason: entry.locked_reason ?? legacy?.lockedReason ?? null,
      }),
    );
  });

  const limits = [...byId.values()].sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const windowOf = (id: string): UsageWindow | null => {
    const l = byId.get(id);
    return l ? { pct: l.pct, resetsAt: l.resetsAt, resetsInMinutes: l.resetsInMinutes } : null;
  };
  return {
    session: windowOf('session'),
    weekly: windowOf('weekly'),
    limits,
    extraUsage: extraFromSpend(raw) ?? extraFromLegacy(raw.extra_usage),
    breakdown: normalizeBreakdown(raw.seven_day_breakdown),
    pools,
  };
}
