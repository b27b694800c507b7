// The delivery core every channel node shares: one alert → one service, with a
// timeout on every attempt, retries for what may pass (network errors, 408, 429,
// 5xx) honouring the service's wait hint, and errors in plain words with every
// secret redacted. The adapter only builds the request and reads the answer.

import { randomUUID } from 'node:crypto';
import type { Alert } from '../alert';
import { DELIVERY_TIMEOUT_MS, MINUTE_MS } from '../constants';
import { httpRequest, NetworkError, type HttpRequest, type HttpResponse, type Transport } from '../http';
import { redact } from '../redact';
import { backoffDelay } from '../retry';
import { formatDuration } from '../format';
import type { ChannelAdapter, DeliveryContext, OutgoingRequest, ServiceAnswer } from './types';

export interface RetryPolicy {
  /** HTTP attempts per request, the first included. */
  maxAttempts: number;
  /** First backoff wait; doubles per attempt. */
  baseDelayMs: number;
  /** Largest backoff wait when the service gives no hint. */
  maxDelayMs: number;
  /** A service hint longer than this is not waited for: the delivery fails at once. */
  maxHintMs: number;
}

export interface DeliveryOptions extends Partial<RetryPolicy> {
  timeoutMs?: number;
  transport?: Transport;
  proxy?: string;
  /** Aborting cancels the wait before a retry (the node is closing). */
  signal?: AbortSignal;
  /** Called before each wait: the status shows "retrying in 12s". `reason` is redacted. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Replaceable for tests. */
  http?: (req: HttpRequest) => Promise<HttpResponse>;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
  now?: () => number;
}

export const DEFAULT_POLICY: Readonly<RetryPolicy> = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxHintMs: 300_000,
};

export type DeliveryErrorCode = 'CONFIG' | 'NETWORK' | 'RATE_LIMITED' | 'REJECTED' | 'HTTP_ERROR' | 'QUEUE_FULL' | 'CANCELLED';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly code: DeliveryErrorCode,
    readonly channel: string,
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }

  /** Plain words only: Node-RED puts `toString()` into the Catch node's msg.error.message. */
  override toString(): string {
    return this.message;
  }
}

export interface DeliveryResult {
  ok: boolean;
  channel: string;
  /** The final HTTP status; null when no answer came. */
  status: number | null;
  /** Send attempts made (a lookup before sending, such as a Matrix alias, is not counted). */
  attempts: number;
  /** The service's id of the message. */
  id: string | null;
  /** On failure: what went wrong, in plain words, secrets redacted. */
  error?: DeliveryError;
}

export type AttemptOutcome =
  | { kind: 'network'; reason: string }
  | { kind: 'answer'; status: number; answer: ServiceAnswer };

export type RetryDecision =
  | { retry: true; delayMs: number }
  | { retry: false; why: 'delivered' | 'not-retryable' | 'exhausted' | 'wait-too-long'; waitMs?: number };

export function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** 408, 429 and 5xx may pass; other statuses are the request's fault and won't. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** Whether to try again after `attempt` (counted from 1), and after how long. */
export function decideRetry(outcome: AttemptOutcome, attempt: number, policy: RetryPolicy): RetryDecision {
  if (outcome.kind === 'answer') {
    if (isSuccess(outcome.status)) return { retry: false, why: 'delivered' };
    if (!isRetryableStatus(outcome.status) || outcome.answer.final) return { retry: false, why: 'not-retryable' };
  }
  if (attempt >= policy.maxAttempts) return { retry: false, why: 'exhausted' };
  const hint = outcome.kind === 'answer' ? outcome.answer.retryAfterMs : null;
  if (hint !== null && hint > policy.maxHintMs) return { retry: false, why: 'wait-too-long', waitMs: hint };
  return { retry: true, delayMs: hint ?? backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs) };
}

/** Waits `ms`; resolves false at once when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function errorCode(outcome: AttemptOutcome): DeliveryErrorCode {
  if (outcome.kind === 'network') return 'NETWORK';
  if (outcome.status === 429) return 'RATE_LIMITED';
  if (outcome.status >= 400 && outcome.status < 500 && outcome.status !== 408) return 'REJECTED';
  return 'HTTP_ERROR';
}

/** "Discord answered 404: Unknown Webhook (10015)" / "Discord unreachable: connection refused". */
export function describeOutcome(service: string, outcome: AttemptOutcome): string {
  if (outcome.kind === 'network') return `${service} unreachable: ${outcome.reason}`;
  const text = outcome.answer.error ? `: ${outcome.answer.error}` : '';
  return `${service} answered ${outcome.status}${text}`;
}

function failureMessage(service: string, outcome: AttemptOutcome, decision: RetryDecision, attempts: number): string {
  let text = describeOutcome(service, outcome);
  if (!decision.retry && decision.why === 'wait-too-long' && decision.waitMs) {
    text += ` — asked to wait ${formatDuration(decision.waitMs / MINUTE_MS)}, not retried`;
  } else if (attempts > 1) {
    text += ` (after ${attempts} attempts)`;
  }
  return text;
}

interface StepResult {
  ok: boolean;
  status: number | null;
  res?: HttpResponse;
  answer?: ServiceAnswer;
  error?: DeliveryError;
}

/** Resolved values (Matrix alias → room id) per adapter and destination; at most this many kept. */
const RESOLVED_LIMIT = 500;
const resolved = new Map<string, string>();

/** Forgets every resolved value (each destination is looked up again on its next send). */
export function forgetResolved(): void {
  resolved.clear();
}

function keepResolved(key: string, value: string): void {
  resolved.delete(key);
  resolved.set(key, value);
  if (resolved.size > RESOLVED_LIMIT) resolved.delete(resolved.keys().next().value as string);
}

/** Delivers one alert. Never throws: failures come back as `{ ok: false, error }`. */
export async function deliver<C>(adapter: ChannelAdapter<C>, config: C, alert: Alert, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const secrets = adapter.secrets(config);
  const clean = (text: string) => redact(text, secrets);
  let attempts = 0;
  const result = (ok: boolean, status: number | null, id: string | null, error?: DeliveryError): DeliveryResult => ({
    ok,
    channel: adapter.channel,
    status,
    attempts,
    id,
    ...(error ? { error } : {}),
  });

  const problem = adapter.check(config);
  if (problem) return result(false, null, null, new DeliveryError(clean(`${adapter.service}: ${problem}`), 'CONFIG', adapter.channel, null, 0));

  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? DEFAULT_POLICY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_POLICY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_POLICY.maxDelayMs,
    maxHintMs: options.maxHintMs ?? DEFAULT_POLICY.maxHintMs,
  };
  const http = options.http ?? httpRequest;
  const sleep = options.sleep ?? abortableSleep;
  const now = options.now ?? Date.now;

  // One request, retried as the policy says. The response body is always read in
  // full by httpRequest, so a connection is never left half-consumed.
  // `counted`: a send (counted in `attempts`), not a lookup before it.
  async function step(build: () => OutgoingRequest, read: (res: HttpResponse) => ServiceAnswer, counted: boolean): Promise<StepResult> {
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) {
        // Queued behind other alerts while the node was closing: send nothing.
        const message = `${adapter.service}: cancelled, the node was stopped`;
        return { ok: false, status: null, error: new DeliveryError(message, 'CANCELLED', adapter.channel, null, attempts) };
      }
      if (counted) attempts++;
      let outcome: AttemptOutcome;
      let res: HttpResponse | undefined;
      try {
        const req = build();
        res = await http({ ...req, timeoutMs: options.timeoutMs ?? DELIVERY_TIMEOUT_MS, transport: options.transport, proxy: options.proxy });
        outcome = { kind: 'answer', status: res.status, answer: read(res) };
      } catch (err) {
        if (!(err instanceof NetworkError)) {
          const message = clean(`${adapter.service}: ${(err as Error)?.message ?? String(err)}`);
          return { ok: false, status: null, error: new DeliveryError(message, 'CONFIG', adapter.channel, null, attempts) };
        }
        outcome = { kind: 'network', reason: err.message };
      }
      const decision = decideRetry(outcome, attempt, policy);
      if (!decision.retry) {
        if (decision.why === 'delivered' && outcome.kind === 'answer') return { ok: true, status: outcome.status, res, answer: outcome.answer };
        const status = outcome.kind === 'answer' ? outcome.status : null;
        const message = clean(failureMessage(adapter.service, outcome, decision, attempt));
        return { ok: false, status, res, error: new DeliveryError(message, errorCode(outcome), adapter.channel, status, attempts) };
      }
      options.onRetry?.({ attempt, delayMs: decision.delayMs, reason: clean(describeOutcome(adapter.service, outcome)) });
      if (!(await sleep(decision.delayMs, options.signal))) {
        const status = outcome.kind === 'answer' ? outcome.status : null;
        const message = clean(`${adapter.service}: cancelled while waiting to retry (${describeOutcome(adapter.service, outcome)})`);
        return { ok: false, status, error: new DeliveryError(message, 'CANCELLED', adapter.channel, status, attempts) };
      }
    }
  }

  const ctx: DeliveryContext = { txnId: newTxnId(now()) };
  const resolve = adapter.resolve;
  const key = `${adapter.channel}\n${adapter.destination(config)}`;

  /** Looks the destination up and keeps the value; a DeliveryResult when that fails. */
  async function lookUp(resolveStep: NonNullable<typeof resolve>): Promise<DeliveryResult | null> {
    const lookup: { value: string | null; error: string | null } = { value: null, error: null };
    const found = await step(
      () => resolveStep.request(config),
      (res) => {
        const read = resolveStep.read(res, now());
        lookup.value = read.value;
        lookup.error = read.answer.error;
        return read.answer;
      },
      false,
    );
    if (!found.ok) return result(false, found.status, null, found.error);
    if (!lookup.value) {
      const message = clean(`${adapter.service}: ${lookup.error ?? 'could not resolve the destination'}`);
      return result(false, found.status, null, new DeliveryError(message, 'REJECTED', adapter.channel, found.status, attempts));
    }
    keepResolved(key, lookup.value);
    ctx.resolved = lookup.value;
    return null;
  }

  const send = () => step(
    () => adapter.request(config, alert, ctx),
    (res) => adapter.read(res, now()),
    true,
  );

  let fromCache = false;
  if (resolve?.needed(config)) {
    ctx.resolved = resolved.get(key);
    fromCache = ctx.resolved !== undefined;
    if (!fromCache) {
      const failed = await lookUp(resolve);
      if (failed) return failed;
    }
  }
  let sent = await send();
  if (!sent.ok && resolve && ctx.resolved !== undefined && sent.res && resolve.gone(sent.res)) {
    // The kept value is stale (the alias now names another room): look up once more.
    resolved.delete(key);
    if (fromCache) {
      const failed = await lookUp(resolve);
      if (failed) return failed;
      sent = await send();
    }
  }
  if (!sent.ok) return result(false, sent.status, null, sent.error);
  return result(true, sent.status, sent.answer?.id ?? null);
}

/** A transaction id unique per alert: Matrix de-duplicates retries by it. */
export function newTxnId(now: number): string {
  return `cu${now.toString(36)}${randomUUID().replace(/-/g, '').slice(0, 12)}`;
}
