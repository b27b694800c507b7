// The contract between the delivery core and the per-service adapters: an adapter
// only builds the HTTP request for an alert and reads the service's answer;
// the core does the timeouts, retries, ordering and redaction.

import type { Alert } from '../alert';
import type { HttpResponse } from '../http';

export interface OutgoingRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT';
  headers: Record<string, string>;
  body?: string;
}

/** What the adapter read from one HTTP answer. */
export interface ServiceAnswer {
  /** The service's id of the delivered message (null when it gives none). */
  id: string | null;
  /** The service's own wait hint in milliseconds (null when not given). */
  retryAfterMs: number | null;
  /** The service's error text, for failures (null on success). */
  error: string | null;
  /** The answer must not be retried even if its status normally would be (Pushover's 429: quota spent). */
  final?: boolean;
}

/** Per-delivery state kept across the attempts of one alert (Matrix's txnId, a resolved room). */
export interface DeliveryContext {
  /** Unique per alert, the same on every retry. */
  txnId: string;
  /** The value the adapter's `resolve` step produced, if it has one. */
  resolved?: string;
}

/**
 * A lookup some services need before sending (Matrix room alias → room id). The core
 * looks up once per destination and keeps the value; it looks up again only when a send
 * is refused with an answer that `gone` says means the value no longer holds.
 */
export interface ResolveStep<C> {
  needed(config: C): boolean;
  request(config: C): OutgoingRequest;
  /** The resolved value, or an answer explaining the failure. */
  read(res: HttpResponse, now: number): { value: string | null; answer: ServiceAnswer };
  /** Whether a refused send says the resolved value is stale (the room is gone or was left). */
  gone(res: HttpResponse): boolean;
}

export interface ChannelAdapter<C> {
  /** Short channel name for msg.delivery.channel: "discord", "webhook", … */
  readonly channel: string;
  /** Service name in plain words for status and errors: "Discord". */
  readonly service: string;
  /** What is wrong with the configuration, in plain words; null when it can deliver. */
  check(config: C): string | null;
  /** Every secret in the configuration (and derived forms such as a URL's token segment). */
  secrets(config: C): string[];
  /** Deliveries to the same destination keep their order. */
  destination(config: C): string;
  resolve?: ResolveStep<C>;
  request(config: C, alert: Alert, ctx: DeliveryContext): OutgoingRequest;
  read(res: HttpResponse, now: number): ServiceAnswer;
}

export type Credentials = Record<string, string>;
export type Properties = Record<string, unknown>;

/**
 * Everything one channel node is, apart from its editor, texts and help (found by `type`):
 * the table in `channels.ts` lists one per node type.
 */
export interface ChannelSpec<C> {
  /** The node type, `claude-<channel>`: also the name of its editor, texts and help files. */
  readonly type: string;
  readonly adapter: ChannelAdapter<C>;
  /** Credential names; all are secrets (type password). */
  readonly credentials: readonly string[];
  /** The adapter's config from the node's properties and credentials, coerced from the editor's strings. */
  config(props: Properties, credentials: Credentials): C;
  /** What the user pastes into the node, as the README's set-up table says it. */
  readonly paste: string;
}
