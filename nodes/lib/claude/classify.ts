// One HTTP answer from claude.ai or api.anthropic.com → parsed JSON, or the UsageError it means.

import { headerValue, jsonBody, type HttpResponse } from '../http';
import { parseRetryAfter } from '../retry';
import { errorBodySchema } from '../schemas';
import { UsageError } from './errors';

/** Error texts are read only this far: enough for every known wording, and no pattern sees more. */
const MAX_ERROR_TEXT = 512;

function looksLikeHtml(res: HttpResponse): boolean {
  const type = headerValue(res.headers, 'content-type') ?? '';
  return /text\/html/i.test(type.slice(0, MAX_ERROR_TEXT)) || /^\s*<(!doctype|html|head|body)/i.test(res.body.slice(0, MAX_ERROR_TEXT));
}

function safeWord(v: unknown): string | null {
  return typeof v === 'string' && v.length <= 64 && /^[A-Za-z0-9_.-]+$/.test(v) ? v : null;
}

interface ErrorInfo {
  /** The most precise code the body names (`account_session_invalid`, `permission_error`, …); never free text. */
  word: string | null;
  detailCode: string | null;
  type: string | null;
  /** The body's message, lower case, cut to MAX_ERROR_TEXT; only compared, never quoted. */
  message: string;
}

function errorInfo(json: unknown): ErrorInfo {
  const r = errorBodySchema.safeParse(json);
  if (!r.success) return { word: null, detailCode: null, type: null, message: '' };
  const e = r.data.error;
  if (typeof e === 'string') return { word: safeWord(e), detailCode: null, type: safeWord(e), message: e.slice(0, MAX_ERROR_TEXT).toLowerCase() };
  const detailCode = safeWord(e.details?.error_code);
  const type = safeWord(e.type);
  return { word: detailCode ?? safeWord(e.code) ?? type, detailCode, type, message: (e.message ?? '').slice(0, MAX_ERROR_TEXT).toLowerCase() };
}

export type ForbiddenCause = 'organization' | 'region' | 'scope' | 'other';

/**
 * Why a 401/403 was refused when it is not an expired login; null when it is one. Only
 * claude.ai's `account_session_invalid` and a 401 of the cookie API are expired sessions; a 401
 * of the OAuth API is a token Claude Code has to refresh.
 */
export function forbiddenCause(status: number, json: unknown, api: 'cookie' | 'oauth'): ForbiddenCause | null {
  const info = errorInfo(json);
  if (info.detailCode === 'account_session_invalid') return null;
  if (api === 'cookie' && status === 401) return null;
  if (info.message.includes('invalid authorization for organization')) return 'organization';
  if (info.message.includes('request not allowed') || info.type === 'forbidden') return 'region';
  if (info.message.includes('scope requirement') || info.message.includes('user:profile')) return 'scope';
  if (api === 'oauth' && status === 401) return null;
  return 'other';
}

function forbiddenMessage(cause: ForbiddenCause, service: string, status: number, word: string | null, api: 'cookie' | 'oauth'): string {
  const head = `${service} refused access (HTTP ${status}${word ? ` ${word}` : ''})`;
  switch (cause) {
    case 'organization':
      return `${head}: not allowed for this organization. The organization set in the account may be wrong (leave it empty to pick the chat organization), or the request leaves through a VPN, proxy or region that claude.ai does not serve: poll without the VPN or from a supported country. The session key itself is fine.`;
    case 'region':
      return `${head}: the request was not allowed at the service's edge, which usually means a VPN, proxy or country that Claude does not serve; poll without the VPN or through a connection in a supported country. The login itself is fine.`;
    case 'scope':
      return `${head}: the OAuth token lacks the user:profile scope (tokens made by \`claude setup-token\` are for inference only). Log in with \`claude\` (then /login) so the credentials file holds a full login, or use cookie mode.`;
    case 'other':
      return api === 'cookie'
        ? `${head}: the login is valid but may not read this organization's usage (an API-only organization, or a role without access); set the organization of your Claude plan, or leave it empty`
        : `${head}: the login is valid but may not read usage; log in again with \`claude\`, or use cookie mode`;
  }
}

export interface ClassifyOptions {
  /** Who answered, for the error text: "claude.ai" or "api.anthropic.com". */
  service: string;
  /** Which API answered: claude.ai's cookie API, or the OAuth API of Claude Code logins. */
  api: 'cookie' | 'oauth';
  /** What to tell a person whose login has expired. */
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
    const { word } = errorInfo(json);
    const cause = forbiddenCause(status, json, opts.api);
    if (cause) throw new UsageError('FORBIDDEN', forbiddenMessage(cause, service, status, word, opts.api), { status, reason: cause });
    // An expired login: claude.ai's account_session_invalid or any 401 of the cookie API; a
    // refused OAuth token (401) means Claude Code has to refresh its login file.
    const code = opts.api === 'oauth' && status === 401 ? 'TOKEN_EXPIRED' : 'SESSION_EXPIRED';
    throw new UsageError(code, `${service} refused the login (HTTP ${status}${word ? ` ${word}` : ''}): ${opts.loginHint}`, { status });
  }
  if (status < 200 || status >= 300) throw new UsageError('HTTP_ERROR', `${service} answered HTTP ${status}`, { status });
  if (json === undefined) throw new UsageError('BAD_RESPONSE', `${service} answered with something that is not JSON`, { status });
  return json;
}
