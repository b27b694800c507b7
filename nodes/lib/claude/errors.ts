// Every failure of a poll, as a code a Catch node can switch on and words a person can act on.

export type UsageErrorCode =
  | 'SESSION_EXPIRED'
  | 'FORBIDDEN'
  | 'BLOCKED'
  | 'RATE_LIMITED'
  | 'NETWORK'
  | 'HTTP_ERROR'
  | 'BAD_RESPONSE'
  | 'NO_CREDENTIALS'
  | 'TOKEN_EXPIRED';

export class UsageError extends Error {
  // Own properties: Node-RED copies `code` into msg.error for Catch nodes.
  readonly code: UsageErrorCode;
  readonly status: number | null;
  /** For RATE_LIMITED: how long the service asked us to wait; null when not given. */
  readonly retryAfterMs: number | null;
  /** For FORBIDDEN: why access was refused (wrong organization, region/VPN, token scope, other). */
  readonly reason?: string;

  constructor(code: UsageErrorCode, message: string, opts: { status?: number | null; retryAfterMs?: number | null; reason?: string } = {}) {
    super(message);
    this.name = 'ClaudeUsageError';
    this.code = code;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
    if (opts.reason) this.reason = opts.reason;
  }
}

/** Failures worth retrying sooner than the poll interval. */
export function isTransient(code: UsageErrorCode): boolean {
  return code === 'NETWORK' || code === 'HTTP_ERROR' || code === 'RATE_LIMITED' || code === 'BAD_RESPONSE' || code === 'BLOCKED';
}

/** Short words for node.status. */
export function statusText(err: UsageError): string {
  switch (err.code) {
    case 'SESSION_EXPIRED':
      return 'session expired';
    case 'FORBIDDEN':
      return err.reason === 'organization' ? 'refused for this organization' : err.reason === 'region' ? 'refused (VPN or region)' : err.reason === 'scope' ? 'token lacks user:profile' : 'access refused';
    case 'BLOCKED':
      return 'blocked by Cloudflare';
    case 'RATE_LIMITED':
      return 'rate limited';
    case 'NETWORK':
      return 'network error';
    case 'HTTP_ERROR':
      return err.status ? `HTTP ${err.status}` : 'HTTP error';
    case 'BAD_RESPONSE':
      return 'unexpected answer';
    case 'NO_CREDENTIALS':
      return 'no credentials';
    case 'TOKEN_EXPIRED':
      return 'Claude Code login expired';
  }
}
