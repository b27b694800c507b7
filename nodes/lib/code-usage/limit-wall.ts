// Usage-limit walls: which limit a text (or a structured block) says was hit, and when it
// lifts. This version knows two wordings only: the API's "would exceed your account's rate
// limit" and the legacy "Claude AI usage limit reached|<epoch seconds>"; a bare "Rate limited"
// (a server throttle) is not a wall.

export type WallLimit = 'session' | 'weekly' | 'model';

export interface LimitWall {
  limit: WallLimit | null;
  /** the model whose own cap was hit (limit "model"), else null */
  model: string | null;
  /** ISO time the limit lifts, when known */
  resetsAt: string | null;
  /** the wording that made it a wall, bounded */
  text: string;
}

export interface LimitWallStructured {
  status?: unknown;
  /** epoch seconds */
  resetsAt?: unknown;
  rateLimitType?: unknown;
}

export interface LimitWallInput {
  text: string;
  /** the line's (or record's) time: ISO text or epoch ms */
  timestamp: string | number;
  /** IANA zone for clock times that name none */
  timeZone: string;
  structured?: LimitWallStructured | null;
}

/** Longer texts are cut before any pattern reads them. */
const MAX_TEXT = 2048;

const ACCOUNT_RATE_LIMIT = /exceed your account's rate limit/i;
const LEGACY = /Claude AI usage limit reached\|(\d{9,11})(?!\d)/;

const RATE_LIMIT_TYPES: Record<string, { limit: WallLimit; model: string | null }> = {
  five_hour: { limit: 'session', model: null },
  seven_day: { limit: 'weekly', model: null },
  seven_day_opus: { limit: 'model', model: 'Opus' },
  seven_day_sonnet: { limit: 'model', model: 'Sonnet' },
  seven_day_overage_included: { limit: 'model', model: 'Fable' },
};

function epochIso(seconds: number): string | null {
  if (!Number.isFinite(seconds) || seconds <= 0) return null;
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** The wall a text names, or null when it names none. */
export function limitWall(input: LimitWallInput): LimitWall | null {
  const text = typeof input.text === 'string' ? input.text.slice(0, MAX_TEXT) : '';
  let wall: LimitWall | null = null;
  const legacy = LEGACY.exec(text);
  if (legacy) wall = { limit: null, model: null, resetsAt: epochIso(Number(legacy[1])), text: 'Claude AI usage limit reached' };
  else if (ACCOUNT_RATE_LIMIT.test(text)) wall = { limit: null, model: null, resetsAt: null, text: "This request would exceed your account's rate limit" };
  if (!wall) return null;
  const s = input.structured;
  if (s && typeof s === 'object') {
    const type = typeof s.rateLimitType === 'string' && Object.prototype.hasOwnProperty.call(RATE_LIMIT_TYPES, s.rateLimitType) ? RATE_LIMIT_TYPES[s.rateLimitType] : null;
    if (type) {
      wall.limit = type.limit;
      wall.model = type.model;
    }
    const resets = typeof s.resetsAt === 'number' ? epochIso(s.resetsAt) : typeof s.resetsAt === 'string' && /^\d{9,11}$/.test(s.resetsAt) ? epochIso(Number(s.resetsAt)) : null;
    if (resets) wall.resetsAt = resets;
  }
  return wall;
}
