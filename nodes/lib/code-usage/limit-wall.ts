// Recognises a Claude Code usage-limit wall from its text and, when present, its
// structured block (`quotaLimits` or `apiErrorParams.rate_limit_info`). The same rules
// read Claude Code's log lines and its telemetry `api_error` texts: an SDK error that
// says the request "would exceed your account's rate limit" is a wall; a bare
// "Rate limited" (a server throttle) is not.
//
// Rules: the text is cut to MAX_TEXT characters before any pattern runs, and every
// pattern is linear (no nested or overlapping quantifiers). Login, server and safeguard
// errors, a server throttle (`apiError: "rate_limited"`) and `error: "account_on_hold"`
// are not walls.

import { isValidTimeZone } from '../format';

export type LimitKind = 'session' | 'weekly' | 'model';

export interface LimitWall {
  limit: LimitKind | null;
  /** the capped model for `limit: "model"` when known */
  model: string | null;
  /** ISO time the limit lifts, or null when unknown */
  resetsAt: string | null;
  /** the bounded text, without the legacy `|<epoch>` suffix */
  text: string;
}

/** `quotaLimits` / `apiErrorParams.rate_limit_info` members; anything else is ignored. */
export interface StructuredLimit {
  status?: unknown;
  resetsAt?: unknown;
  rateLimitType?: unknown;
}

export interface LimitWallInput {
  text: string;
  /** the line's time (ISO or epoch ms): a clock time in the text is its next occurrence after it */
  timestamp: string | number;
  /** IANA zone for a clock time whose text names none */
  timeZone: string;
  structured?: StructuredLimit | null;
  apiError?: unknown;
  error?: unknown;
}

export const MAX_TEXT = 1000;

const NOT_WALL_API_ERRORS = new Set(['rate_limited']);
const NOT_WALL_ERRORS = new Set(['account_on_hold', 'authentication_failed', 'server_error', 'invalid_request']);

const LEGACY = /Claude AI usage limit reached\|(\d{9,13})/;
const HIT = /You(?:'|’)ve hit your (session |weekly |)limit/i;
const FIVE_HOUR = /\b5-hour limit reached/i;
const WEEKLY_REACHED = /\bweekly limit reached/i;
const MODEL_CAP = /You(?:'|’)ve reached your ([A-Za-z][A-Za-z0-9 .-]{0,40}?) limit/;
const OUT_OF_CREDITS = /You(?:'|’)re out of usage credits/i;
const SWITCH_MODEL = /Switch to another model|\/model to switch models/i;
const ACCOUNT_RATE_LIMIT = /exceed your account(?:'|’)s rate limit/i;
const ACCOUNT_RATE_LIMIT_TEXT = "This request would exceed your account's rate limit";
const RESETS =
  /\bresets (?:(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]{0,6}\.? (\d{1,2}),? )?(\d{1,2})(?::(\d{2}))? ?([ap]m)?(?: \(([A-Za-z0-9_+\-/]{1,64})\))?/i;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const TYPES: Record<string, { limit: LimitKind; model: string | null }> = {
  five_hour: { limit: 'session', model: null },
  seven_day: { limit: 'weekly', model: null },
  seven_day_opus: { limit: 'model', model: 'Opus' },
  seven_day_sonnet: { limit: 'model', model: 'Sonnet' },
  seven_day_overage_included: { limit: 'model', model: 'Fable' },
};

/** A usage-limit wall, or null when the input is not one. */
export function limitWall(input: LimitWallInput): LimitWall | null {
  if (typeof input.apiError === 'string' && NOT_WALL_API_ERRORS.has(input.apiError)) return null;
  if (typeof input.error === 'string' && NOT_WALL_ERRORS.has(input.error)) return null;
  const raw = typeof input.text === 'string' ? input.text.slice(0, MAX_TEXT) : '';
  const s = input.structured && typeof input.structured === 'object' ? input.structured : null;
  const structuredWall = !!s && (s.status === 'rejected' || typeof s.rateLimitType === 'string' && s.status !== 'allowed' && s.status !== 'allowed_warning');
  const named = input.apiError === 'usage_limit_reached';

  let limit: LimitKind | null = null;
  let model: string | null = null;
  let wordingWall = false;
  let legacyEpoch: number | null = null;
  let accountRateLimit = false;
  const legacy = LEGACY.exec(raw);
  let m: RegExpExecArray | null;
  if (legacy) {
    wordingWall = true;
    legacyEpoch = Number(legacy[1]);
  } else if ((m = HIT.exec(raw))) {
    wordingWall = true;
    limit = m[1] === '' ? null : (m[1].trim().toLowerCase() as LimitKind);
  } else if (FIVE_HOUR.test(raw)) {
    wordingWall = true;
    limit = 'session';
  } else if (WEEKLY_REACHED.test(raw)) {
    wordingWall = true;
    limit = 'weekly';
  } else if ((m = MODEL_CAP.exec(raw))) {
    wordingWall = true;
    limit = 'model';
    model = m[1];
  } else if (OUT_OF_CREDITS.test(raw)) {
    wordingWall = true;
    if (SWITCH_MODEL.test(raw)) limit = 'model';
  } else if (ACCOUNT_RATE_LIMIT.test(raw)) {
    wordingWall = true;
    accountRateLimit = true;
  }
  if (!wordingWall && !structuredWall && !named) return null;

  const type = s && typeof s.rateLimitType === 'string' ? TYPES[s.rateLimitType] : undefined;
  if (type) {
    limit = type.limit;
    model = type.model;
  }

  const lineTime = typeof input.timestamp === 'number' ? input.timestamp : Date.parse(input.timestamp);
  let resetsAt = s ? epochIso(s.resetsAt) : null;
  if (!resetsAt && Number.isFinite(lineTime)) resetsAt = clockReset(raw, lineTime, input.timeZone);
  if (!resetsAt && legacyEpoch !== null) resetsAt = epochIso(legacyEpoch);
  // an SDK error's JSON is not for people: its wording stands in for it
  const text = accountRateLimit ? ACCOUNT_RATE_LIMIT_TEXT : (legacy ? raw.replace(/\|\d{9,13}/, '') : raw).trim();
  return { limit, model, resetsAt, text };
}

/** ISO time of epoch seconds (a number or numeric string; 13 digits are taken as ms). */
function epochIso(v: unknown): string | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,13}$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  const ms = n >= 1e12 ? n : n * 1000;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

/** Wall-clock fields of instant `t` in `zone`. */
function localParts(t: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, mo: p.month, d: p.day, h: p.hour % 24, mi: p.minute, s: p.second };
}

/** The zone's offset from UTC (ms) at instant `t`. */
function offsetAt(t: number, zone: string): number {
  const l = localParts(t, zone);
  return Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi, l.s) - Math.floor(t / 1000) * 1000;
}

/** The instant whose wall clock in `zone` reads the given fields. */
function fromLocal(y: number, mo: number, d: number, h: number, mi: number, zone: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const first = guess - offsetAt(guess, zone);
  const second = guess - offsetAt(first, zone);
  return second;
}

/** The next occurrence after `after` of the `resets …` clock time in the text, as ISO. */
function clockReset(text: string, after: number, fallbackZone: string): string | null {
  const m = RESETS.exec(text);
  if (!m) return null;
  const [, mon, day, hh, mm, ampm, zoneName] = m;
  if (!ampm && mm === undefined) return null;
  let hour = Number(hh);
  const minute = mm === undefined ? 0 : Number(mm);
  if (minute > 59) return null;
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (ampm.toLowerCase() === 'pm' ? 12 : 0);
  } else if (hour > 23) return null;
  const zone = zoneName && isValidTimeZone(zoneName) ? zoneName : isValidTimeZone(fallbackZone) ? fallbackZone : 'UTC';
  const now = localParts(after, zone);
  if (mon) {
    const month = MONTHS.indexOf(mon.slice(0, 3).toLowerCase()) + 1;
    const date = Number(day);
    if (date < 1 || date > 31) return null;
    for (let y = now.y; y <= now.y + 1; y++) {
      const t = fromLocal(y, month, date, hour, minute, zone);
      if (t > after) return new Date(t).toISOString();
    }
    return null;
  }
  for (let add = 0; add <= 2; add++) {
    const t = fromLocal(now.y, now.mo, now.d + add, hour, minute, zone);
    if (t > after) return new Date(t).toISOString();
  }
  return null;
}
