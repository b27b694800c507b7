// One account as the poll nodes share it: a single request at a time, no request while a
// 429's Retry-After runs, and errors that never carry the account's secrets.

import { redactError } from '../redact';
import type { AccountSettings, UsageSnapshot, UsageSource } from './client';
import type { CookieExpiry } from './cookie';
import { UsageError } from './errors';

export class Account {
  private blockedUntil = 0;
  private inFlight: Promise<UsageSnapshot> | null = null;

  constructor(
    readonly source: UsageSource,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Epoch ms before which no request is made (0 = none pending). */
  get rateLimitedUntil(): number {
    return this.blockedUntil > this.clock() ? this.blockedUntil : 0;
  }

  fetchUsage(): Promise<UsageSnapshot> {
    const now = this.clock();
    if (now < this.blockedUntil) {
      const waitMs = this.blockedUntil - now;
      return Promise.reject(new UsageError('RATE_LIMITED', `rate limited: waiting ${Math.ceil(waitMs / 1000)} s before the next request, as the server asked`, { retryAfterMs: waitMs }));
    }
    if (!this.inFlight) {
      this.inFlight = this.source
        .fetchUsage()
        .catch((err: unknown) => {
          const e = err instanceof Error ? err : new Error(String(err));
          if (e instanceof UsageError && e.code === 'RATE_LIMITED' && e.retryAfterMs) this.blockedUntil = this.clock() + e.retryAfterMs;
          throw redactError(e, this.source.secrets());
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }
}

/** What a claude-account config node offers the nodes that use it. */
export interface AccountHandle {
  settings: AccountSettings;
  account: Account;
  warnDays: number;
  /** Cookie expiry (cookie mode with a known paste date), else null. */
  cookie(now?: Date): CookieExpiry | null;
}
