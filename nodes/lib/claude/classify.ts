// One HTTP answer from claude.ai or api.anthropic.com → parsed JSON, or the UsageError it means.

import { headerValue, jsonBody, type HttpResponse } from '../http';
import { parseRetryAfter } from '../retry';
import { UsageError } from './errors';

function looksLikeHtml(res: HttpResponse): boolean {
  const type = headerValue(res.headers, 'content-type') ?? '';
  return /text\/html/i.test(type) || /^\s*<(!doctype|html|head|body)/i.test(res.body);
}

/** The error code a JSON error body names, e.g. `account_session_invalid`; never free text. */
function errorType(json: unknown): string | null {
  const e = (json as { error?: unknown } | undefined)?.error;
  if (typeof e === 'string') return safeWord(e);
  const err = e as { type?: unknown; code?: unknown; details?: { error_code?: unknown } } | undefined;
  return safeWord(err?.details?.error_code) ?? safeWord(err?.code) ?? safeWord(err?.type);
}

function safeWord(v: unknown): string | null {
  return typeof v === 'string' && /^[A-Za-z0-9_.\-]{1,64}$/.test(v) ? v : null;
}

export interface ClassifyOptions {
  /** Who answered, for the error text: "claude.ai" or "api.anthropic.com". */
  service: string;
  /** What to tell a person whose login was refused. */
  loginHint: string;
  now?: number;
}

export function classifyResponse(res: HttpResponse, opts: ClassifyOptions): unknown {
  const { status } = res;
  const { service } = opts;
  if (headerValue(res.headers, 'cf-mitigated')) {
    throw new UsageError('BLOCKED', `${service} answered with a Cloudflare challenge (HTTP ${status}): try the curl transport, a proxy, or Claude Code mode`, { status });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(headerValue(res.headers, 'retry-after'), opts.now);
    const wait = retryAfterMs === null ? '' : `, retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    throw new UsageError('RATE_LIMITED', `rate limited by ${service} (HTTP 429${wait})`, { status, retryAfterMs });
  }
  if (status >= 500) throw new UsageError('HTTP_ERROR', `${service} answered HTTP ${status}`, { status });
  if (looksLikeHtml(res)) {
    throw new UsageError('BLOCKED', `${service} answered with a web page instead of data (HTTP ${status}), most likely a Cloudflare block: try the curl transport, a proxy, or Claude Code mode`, { status });
  }
  const json = jsonBody(res);
  if (status === 401 || status === 403) {
    const type = errorType(json);
    throw new UsageError('SESSION_EXPIRED', `${service} refused the login (HTTP ${status}${type ? ` ${type}` : ''}): ${opts.loginHint}`, { status });
  }
  if (status < 200 || status >= 300) throw new UsageError('HTTP_ERROR', `${service} answered HTTP ${status}`, { status });
  if (json === undefined) throw new UsageError('BAD_RESPONSE', `${service} answered with something that is not JSON`, { status });
  return json;
}
