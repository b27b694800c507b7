// The claude.ai `sessionKey` cookie: what users paste, when it expires, how it rotates.

import { DAY_MS } from '../constants';
import { headerValues, type HttpResponse } from '../http';

export const COOKIE_LIFETIME_DAYS = 28;

/**
 * The session key from what a user pasted: the bare value, or a `sessionKey=…` pair
 * (even a whole Cookie header). Returns null when no `sk-ant-` value is there.
 */
export function parseSessionKey(input: string | undefined | null): string | null {
  if (!input) return null;
  const text = input.trim();
  const pair = /(?:^|[;\s])sessionKey=([^;\s]+)/.exec(text);
  const value = (pair ? pair[1] : text).trim().replace(/^"|"$/g, '');
  return /^sk-ant-[A-Za-z0-9_\-]+$/.test(value) ? value : null;
}

export interface CookieExpiry {
  expiresAt: string | null;
  daysLeft: number | null;
}

/** Why `cookieSetAt` cannot be used (not a date, or more than a day ahead), or null when it can (empty counts as unknown). */
export function cookieSetAtProblem(cookieSetAt: unknown, now: Date = new Date()): string | null {
  if (cookieSetAt === undefined || cookieSetAt === null || cookieSetAt === '') return null;
  if (typeof cookieSetAt !== 'string' || cookieSetAt.length > 64) return 'the date the key was pasted is not a date';
  const set = Date.parse(cookieSetAt);
  if (Number.isNaN(set)) return 'the date the key was pasted is not a date';
  if (set > now.getTime() + DAY_MS) return 'the date the key was pasted lies in the future';
  return null;
}

/** Expiry assumed 28 days after the key was pasted. */
export function cookieExpiry(cookieSetAt: string | undefined | null, now: Date = new Date()): CookieExpiry {
  if (cookieSetAtProblem(cookieSetAt, now) !== null) return { expiresAt: null, daysLeft: null };
  const set = cookieSetAt ? Date.parse(cookieSetAt) : NaN;
  if (Number.isNaN(set)) return { expiresAt: null, daysLeft: null };
  const expires = set + COOKIE_LIFETIME_DAYS * DAY_MS;
  return { expiresAt: new Date(expires).toISOString(), daysLeft: Math.max(0, Math.floor((expires - now.getTime()) / DAY_MS)) };
}

/** A new non-empty `sessionKey` from Set-Cookie headers, or null (an empty value is ignored). */
export function rotatedSessionKey(res: HttpResponse): string | null {
  for (const header of headerValues(res.headers, 'set-cookie')) {
    const m = /^\s*sessionKey=([^;]*)/.exec(header);
    if (m && m[1].trim()) return m[1].trim();
  }
  return null;
}
