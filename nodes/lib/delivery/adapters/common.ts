// Small helpers the service adapters share.

import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { headerValue, jsonBody, type HttpResponse } from '../../http';
import { parseRetryAfter } from '../../retry';
import type { Properties, ServiceAnswer } from '../types';

export { jsonBody };

export function isOk(res: HttpResponse): boolean {
  return res.status >= 200 && res.status < 300;
}

/** The JSON body as `schema` describes it, or null when it is not JSON or does not match. */
export function parsedBody<T>(res: HttpResponse, schema: z.ZodType<T>): T | null {
  const parsed = schema.safeParse(jsonBody(res));
  return parsed.success ? parsed.data : null;
}

/** The answer for a delivered message. */
export function delivered(id: string | null): ServiceAnswer {
  return { id, retryAfterMs: null, error: null };
}

/** The `Retry-After` header (seconds or HTTP date) in milliseconds, or null. */
export function retryAfterHeader(res: HttpResponse, now: number): number | null {
  return parseRetryAfter(headerValue(res.headers, 'retry-after'), now);
}

/** A positive number of seconds as milliseconds, else null. */
export function secondsToMs(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.ceil(value * 1000) : null;
}

/** An opaque queue key: destinations often contain secrets, keys never do. */
export function destinationKey(channel: string, ...parts: string[]): string {
  return `${channel}:${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24)}`;
}

export { isHttpUrl, trimSlash } from '../../http';

const LONG_SECRET = 16;

function looksSecret(part: string): boolean {
  return part.length >= LONG_SECRET || (part.length >= 8 && /\d/.test(part) && /[a-z]/i.test(part));
}

/**
 * A URL that is itself a secret (a webhook) and the parts of it a service might
 * echo back on their own: the URL without scheme, its path and query, and each
 * path segment or query value that looks like a key.
 */
export function urlSecrets(url: string): string[] {
  const out = [url];
  try {
    const u = new URL(url);
    out.push(url.replace(/^[a-z]+:\/\//i, ''), u.pathname + u.search);
    for (const seg of u.pathname.split('/')) if (looksSecret(decodeURIComponent(seg))) out.push(seg, decodeURIComponent(seg));
    for (const value of u.searchParams.values()) if (looksSecret(value)) out.push(value);
    if (u.password) out.push(u.password);
  } catch {
    /* not a URL: the whole text is the secret */
  }
  return out.filter((s) => s.length > 0 && s !== '/');
}


/** A node property as text: numbers as digits, anything else `fallback`. */
export function textProp(props: Properties, name: string, fallback = ''): string {
  const v = props[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

/** `fallback` when the property is missing, not a string or not one of `allowed`. */
export function choiceProp<T extends string>(props: Properties, name: string, allowed: readonly T[], fallback: T): T {
  const v = textProp(props, name).trim();
  return (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}
