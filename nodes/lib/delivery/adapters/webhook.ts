// A generic webhook: any URL, POST/PUT with a JSON body (the alert object, or a
// template with placeholders) or GET with none. Ready for Slack incoming webhooks,
// n8n and Home Assistant webhook triggers (presets in the node's help).

import { z } from 'zod';
import type { HttpResponse } from '../../http';
import { fillTemplate, templateProblem } from '../template';
import { cutText } from '../text';
import type { ChannelAdapter, ChannelSpec, ServiceAnswer } from '../types';
import { choiceProp, delivered, destinationKey, isHttpUrl, isOk, jsonBody, parsedBody, retryAfterHeader, textProp, urlSecrets } from './common';

export type WebhookMethod = 'POST' | 'PUT' | 'GET';

export interface WebhookConfig {
  url: string;
  method: WebhookMethod;
  /** A JSON object of header names to values, as typed in the editor; empty = none. */
  headers: string;
  /** The same for headers that carry secrets (a credential: never exported); wins over `headers`. */
  secretHeaders: string;
  /** The JSON body template; empty = the alert object. */
  template: string;
}

export const WEBHOOK_METHODS: readonly WebhookMethod[] = ['POST', 'PUT', 'GET'];
const ERROR_TEXT_LIMIT = 200;
/** Headers whose values are kept out of errors: `Authorization: Bearer x` hides both the whole value and `x`. */
const SECRET_HEADER = /auth|token|key|secret|cookie|signature|password/i;

const headersSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

/**
 * The headers property as a name → value map; throws with the reason when it is not one.
 * For the secret headers (`secret`), the reason never quotes their names or values.
 */
export function parseHeaders(text: string | undefined, secret = false): Record<string, string> {
  if (!text || !text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the headers are not valid JSON');
  }
  const parsed = headersSchema.safeParse(value);
  if (!parsed.success) throw new Error('the headers must be a JSON object of names to text values');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(parsed.data)) {
    const which = secret ? 'one of the headers' : `header "${name.slice(0, 60)}"`;
    if (name.length > 256 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new Error(`the name of ${which} is not a valid header name`);
    if (!/^[\t\x20-\x7e\x80-\xff]*$/.test(String(v))) throw new Error(`the value of ${which} has line breaks or characters a header cannot carry`);
    out[name] = String(v);
  }
  return out;
}

/** Plain and secret headers together, the secret ones winning; throws like parseHeaders. */
function allHeaders(config: WebhookConfig): Record<string, string> {
  const secret = parseHeaders(config.secretHeaders, true);
  const plain = parseHeaders(config.headers);
  for (const name of Object.keys(plain)) if (hasHeader(secret, name.toLowerCase())) delete plain[name];
  return { ...plain, ...secret };
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  return Object.keys(headers).some((k) => k.toLowerCase() === name);
}

const idField = z.object({ id: z.union([z.string(), z.number()]) });
const errorFields = z.object({ message: z.string().optional(), error: z.string().optional() });

/** An error text from whatever the server answered: a JSON message, else short plain text. */
export function readWebhookAnswer(res: HttpResponse, now: number): ServiceAnswer {
  if (isOk(res)) {
    const id = parsedBody(res, idField)?.id;
    return delivered(id === undefined ? null : String(id));
  }
  let error: string | null = null;
  const fields = parsedBody(res, errorFields);
  if (fields?.message || fields?.error) error = (fields.message || fields.error) ?? null;
  else if (jsonBody(res) === undefined && res.body.trim() && !/^\s*</.test(res.body)) error = res.body.trim().replace(/\s+/g, ' ');
  return { id: null, retryAfterMs: retryAfterHeader(res, now), error: error === null ? null : cutText(error, ERROR_TEXT_LIMIT) };
}

export const webhookAdapter: ChannelAdapter<WebhookConfig> = {
  channel: 'webhook',
  service: 'Webhook',
  check(config) {
    if (!config.url) return 'no URL set';
    if (!isHttpUrl(config.url.trim())) return 'the URL is not an http(s) URL';
    if (!WEBHOOK_METHODS.includes(config.method)) return `method must be one of ${WEBHOOK_METHODS.join(', ')}`;
    try {
      parseHeaders(config.headers);
    } catch (err) {
      return (err as Error).message;
    }
    try {
      parseHeaders(config.secretHeaders, true);
    } catch (err) {
      return `secret headers: ${(err as Error).message}`;
    }
    return config.method === 'GET' ? null : templateProblem(config.template);
  },
  secrets(config) {
    const values = (entries: Array<[string, string]>) => entries.flatMap(([, value]) => [value, ...value.split(/\s+/).slice(1)]);
    let secretValues: string[] = [];
    try {
      secretValues = [
        ...values(Object.entries(parseHeaders(config.secretHeaders, true))),
        ...values(Object.entries(parseHeaders(config.headers)).filter(([name]) => SECRET_HEADER.test(name))),
      ];
    } catch {
      /* check() reports it */
    }
    return [...urlSecrets(config.url.trim()), ...secretValues];
  },
  destination: (config) => destinationKey('webhook', config.method, config.url.trim()),
  request(config, alert) {
    const headers = allHeaders(config);
    if (config.method === 'GET') return { url: config.url.trim(), method: 'GET', headers };
    if (!hasHeader(headers, 'content-type')) headers['content-type'] = 'application/json';
    const body = config.template.trim() ? fillTemplate(config.template, alert) : JSON.stringify(alert);
    return { url: config.url.trim(), method: config.method, headers, body };
  },
  read: readWebhookAnswer,
};

/** The claude-webhook node: its adapter, credentials and how its properties become the adapter's config. */
export const webhookChannel: ChannelSpec<WebhookConfig> = {
  type: 'claude-webhook',
  adapter: webhookAdapter,
  credentials: ['url', 'secretHeaders'],
  config: (props, creds) => ({
    url: creds.url,
    method: choiceProp(props, 'method', WEBHOOK_METHODS, 'POST'),
    headers: textProp(props, 'headers'),
    secretHeaders: creds.secretHeaders ?? '',
    template: textProp(props, 'template'),
  }),
  paste: 'URL; optional *Secret headers* (JSON, e.g. `{"Authorization": "Bearer …"}`)',
};
