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

/** What went wrong, in a word for node.status: a message key of claude-usage's `status.failure`. */
export type FailureWord =
  | 'sessionExpired'
  | 'forbiddenOrganization'
  | 'forbiddenRegion'
  | 'forbiddenScope'
  | 'forbidden'
  | 'blocked'
  | 'rateLimited'
  | 'network'
  | 'httpStatus'
  | 'http'
  | 'badResponse'
  | 'noCredentials'
  | 'tokenExpired';

export function failureWord(err: UsageError): FailureWord {
  switch (err.code) {
    case 'SESSION_EXPIRED':
      return 'sessionExpired';
    case 'FORBIDDEN':
      return err.reason === 'organization' ? 'forbiddenOrganization' : err.reason === 'region' ? 'forbiddenRegion' : err.reason === 'scope' ? 'forbiddenScope' : 'forbidden';
    case 'BLOCKED':
      return 'blocked';
    case 'RATE_LIMITED':
      return 'rateLimited';
    case 'NETWORK':
      return 'network';
    case 'HTTP_ERROR':
      return err.status ? 'httpStatus' : 'http';
    case 'BAD_RESPONSE':
      return 'badResponse';
    case 'NO_CREDENTIALS':
      return 'noCredentials';
    case 'TOKEN_EXPIRED':
      return 'tokenExpired';
  }
}
