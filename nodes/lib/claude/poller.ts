// The claude-usage poll controller: when to poll (after the flows start, every interval, on
// input, backing off after failures and honouring Retry-After, not at all while the session
// key cannot work), what each poll's outcome is, and what is kept for a restart. The node
// wires it to Node-RED: it turns the events into messages, status and log lines.

import type { Alert } from '../alert';
import { CoalescingRunner } from '../runner';
import { parseUsagePayload, usageSamplesSchema, type ReadUsagePayload } from '../schemas';
import type { UsagePayload, UsageSample } from '../types';
import { initialAlertState, onPollFailure, onPollSuccess, restoreAlertState, type AccountAlertState } from './account-alerts';
import type { AuthMode, UsageSnapshot } from './client';
import type { CookieExpiry } from './cookie';
import { UsageError } from './errors';
import { buildPayload, historyOf, keepSample, sampleOf } from './payload';
import { FailureSpell, needsNewKey, nextPollDelay } from './schedule';

/** What the poller needs of the account. */
export interface PolledAccount {
  name: string;
  auth: AuthMode;
  warnDays: number;
  fetchUsage(): Promise<UsageSnapshot>;
  cookie(now: Date): CookieExpiry | null;
}

/** Where kept values live (the node's context). */
export interface KeptStore {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
}

/** Something worth a warning, by key, for the node to word. */
export type PollerNotice =
  | { key: 'unread'; name: string; error: string }
  | { key: 'damaged'; name: string }
  | { key: 'notRestored'; error: string }
  | { key: 'notKept'; name: string; error: string }
  | { key: 'unexpected'; error: string };

export type PollerEvent<W> =
  | { type: 'polling' }
  /** `waiters` asked for this poll; with none, the poll was the poller's own. */
  | { type: 'polled'; payload: UsagePayload; waiters: W[] }
  /**
   * `retryInMs` is the wait before the next poll; `stopped` says the timer stopped instead
   * (a key that cannot work until it is changed; an input still polls); `report` is true
   * once per failure spell of the poller's own polls.
   */
  | { type: 'failed'; error: UsageError; waiters: W[]; retryInMs: number; stopped: boolean; report: boolean }
  | { type: 'alerts'; alerts: Alert[] }
  /** the node closed before the poll `waiters` asked for could answer them */
  | { type: 'dropped'; waiters: W[] }
  | { type: 'notice'; notice: PollerNotice };

export interface PollerOptions {
  intervalMs: number;
  maxSamples: number;
}

const KEPT = ['history', 'alerts', 'last'] as const;

function toUsageError(err: unknown): UsageError {
  if (err instanceof UsageError) return err;
  const e = err as Error;
  return new UsageError('BAD_RESPONSE', e?.message ?? String(err));
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class UsagePoller<W> {
  private samples: UsageSample[] = [];
  private alertState: AccountAlertState = initialAlertState();
  private lastPayload: UsagePayload | ReadUsagePayload | null = null;
  private failures = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly spell = new FailureSpell();
  private closed = false;
  private readonly restored: Promise<void>;
  private readonly runs: CoalescingRunner<W>;

  constructor(
    private readonly account: PolledAccount,
    private readonly store: KeptStore,
    private readonly options: PollerOptions,
    private readonly emit: (event: PollerEvent<W>) => void,
  ) {
    // A burst of requests makes one poll; a request while a poll runs is served by the next.
    this.runs = new CoalescingRunner<W>(
      (batch) => this.poll(batch),
      // poll() handles its own failures; this is the last guard so the node (and Node-RED) lives on
      (err: unknown) => this.emit({ type: 'notice', notice: { key: 'unexpected', error: messageOf(err) } }),
    );
    // Kept state comes back from the store (async for persistent stores) before the first poll.
    this.restored = Promise.all(KEPT.map((key) => this.kept(key)))
      .then(([history, alerts, last]) => this.restore(history, alerts, last))
      .catch((err: unknown) => this.emit({ type: 'notice', notice: { key: 'notRestored', error: messageOf(err) } }));
  }

  /** Asks for a poll; `waiter` (an input message) is answered by it. */
  request(waiter?: W): void {
    if (!this.closed) this.runs.request(waiter);
  }

  /** The last payload and the kept samples as history, once the kept state is back. */
  async history(): Promise<{ payload: UsagePayload | ReadUsagePayload | null; history: ReturnType<typeof historyOf> }> {
    await this.restored;
    return { payload: this.lastPayload, history: historyOf(this.samples) };
  }

  /** Stops polling; a poll under way answers its waiters with `dropped`. */
  close(): void {
    this.closed = true;
    this.stopTimer();
  }

  private kept(key: string): Promise<unknown> {
    return this.store.get(key).catch((err: unknown) => {
      this.emit({ type: 'notice', notice: { key: 'unread', name: key, error: messageOf(err) } });
      return undefined;
    });
  }

  private keep(key: string, value: unknown): void {
    this.store.set(key, value).catch((err: unknown) => this.emit({ type: 'notice', notice: { key: 'notKept', name: key, error: messageOf(err) } }));
  }

  /** A kept value that does not read back is dropped, with one warning, and never trusted. */
  private damaged(key: string): void {
    this.emit({ type: 'notice', notice: { key: 'damaged', name: key } });
    this.keep(key, undefined);
  }

  private restore(history: unknown, alerts: unknown, last: unknown): void {
    if (history !== undefined) {
      const r = usageSamplesSchema.safeParse(history);
      if (r.success) this.samples = r.data.slice(-this.options.maxSamples);
      else this.damaged('history');
    }
    if (alerts !== undefined) {
      const state = restoreAlertState(alerts);
      if (state) this.alertState = state;
      else this.damaged('alerts');
    }
    if (last !== undefined && last !== null) {
      const r = parseUsagePayload(last);
      if (r.ok && r.dropped.length === 0 && r.payload.fetchedAt) this.lastPayload = r.payload;
      else this.damaged('last');
    }
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(err: UsageError | null): void {
    if (this.closed) return;
    this.stopTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.request();
    }, nextPollDelay(this.options.intervalMs, this.failures, err));
  }

  /** One request, answering every waiter of the batch. Never rejects. */
  private async poll(batch: W[]): Promise<void> {
    await this.restored;
    if (this.closed) return this.emit({ type: 'dropped', waiters: batch });
    this.emit({ type: 'polling' });
    const { account } = this;
    let payload: UsagePayload;
    let alerts: Alert[];
    try {
      const snapshot = await account.fetchUsage();
      if (this.closed) return this.emit({ type: 'dropped', waiters: batch });
      const now = new Date();
      const cookie = account.cookie(now);
      payload = buildPayload({ account: account.name, snapshot, fetchedAt: now, samples: this.samples, cookie });
      this.samples = keepSample(this.samples, sampleOf(payload), this.options.maxSamples);
      this.lastPayload = payload;
      this.failures = 0;
      const outcome = onPollSuccess(this.alertState, account.name, cookie, account.warnDays, now);
      this.alertState = outcome.state;
      alerts = outcome.alerts;
    } catch (caught) {
      if (this.closed) return this.emit({ type: 'dropped', waiters: batch });
      const error = toUsageError(caught);
      this.failures += 1;
      const outcome = onPollFailure(this.alertState, error, account.name, new Date());
      this.alertState = outcome.state;
      this.keep('alerts', this.alertState);
      // the next try is set before the node hears of this one: a handler that throws or is slow leaves it in place
      const stop = needsNewKey(error, account.auth);
      if (stop) this.stopTimer();
      else this.schedule(error);
      if (outcome.alerts.length) this.emit({ type: 'alerts', alerts: outcome.alerts });
      // an input's poll answers its own done(err); the poller's own reports once per failure spell
      const fresh = this.spell.report(error);
      this.emit({ type: 'failed', error, waiters: batch, retryInMs: nextPollDelay(this.options.intervalMs, this.failures, error), stopped: stop, report: batch.length === 0 && fresh });
      return;
    }
    // told after the try: a failure of what the node does with a good answer is not a failed poll
    this.keep('history', this.samples);
    this.keep('last', payload);
    this.keep('alerts', this.alertState);
    this.spell.clear();
    this.schedule(null);
    this.emit({ type: 'polled', payload, waiters: batch });
    if (alerts.length) this.emit({ type: 'alerts', alerts });
  }
}
