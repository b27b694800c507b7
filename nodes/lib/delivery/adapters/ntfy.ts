// ntfy: POST {server}/{topic} with the message as the body and Title / Priority /
// Tags headers (non-ASCII values RFC 2047-encoded, which ntfy decodes). Answers the
// published message `{ id, time, event: "message", … }`; errors are
// `{ code, http, error, link }`. Messages over 4096 bytes would turn into attachments.

import { z } from 'zod';
import type { Alert, AlertLevel } from '../../alert';
import type { HttpResponse } from '../../http';
import { cutBytes, headerText } from '../text';
import type { ChannelAdapter, ChannelSpec, ServiceAnswer } from '../types';
import { delivered, destinationKey, isHttpUrl, isOk, parsedBody, retryAfterHeader, textProp, trimSlash } from './common';

export interface NtfyConfig {
  /** Access token (`tk_…`) or `user:password`; empty for open topics. */
  token: string;
  server: string;
  topic: string;
  /** Comma-separated tags (emoji short codes show as emoji). */
  tags: string;
}

export const NTFY_MESSAGE_BYTES = 4096;
const TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

/** ntfy priorities: 1 min … 3 default … 5 max. */
const LEVEL_PRIORITY: Record<AlertLevel, number> = { info: 3, warning: 4, critical: 5 };
const LEVEL_TAG: Record<AlertLevel, string> = { info: 'information_source', warning: 'warning', critical: 'rotating_light' };

export function ntfyTags(config: NtfyConfig, alert: Alert): string[] {
  const own = config.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return [...new Set([LEVEL_TAG[alert.level] ?? LEVEL_TAG.info, ...own])];
}

/** `Bearer <token>`, or Basic for `user:password`. */
export function ntfyAuthorization(token: string): string | null {
  const t = token.trim();
  if (!t) return null;
  return t.includes(':') && !t.startsWith('tk_') ? `Basic ${Buffer.from(t, 'utf8').toString('base64')}` : `Bearer ${t}`;
}

const sentSchema = z.object({ id: z.string() });
const errorSchema = z.object({ code: z.number().optional(), http: z.number().optional(), error: z.string().optional() });

export function readNtfyAnswer(res: HttpResponse, now: number): ServiceAnswer {
  if (isOk(res)) return delivered(parsedBody(res, sentSchema)?.id ?? null);
  const err = parsedBody(res, errorSchema) ?? {};
  const error = err.error ? (err.code ? `${err.error} (${err.code})` : err.error) : null;
  return { id: null, retryAfterMs: retryAfterHeader(res, now), error };
}

export const ntfyAdapter: ChannelAdapter<NtfyConfig> = {
  channel: 'ntfy',
  service: 'ntfy',
  check(config) {
    if (!isHttpUrl(config.server)) return 'the server is not an http(s) URL';
    if (!TOPIC.test(config.topic.trim())) return 'the topic must be 1–64 letters, digits, "-" or "_"';
    return null;
  },
  secrets(config) {
    const auth = ntfyAuthorization(config.token);
    return auth ? [config.token.trim(), auth.replace(/^\w+ /, '')] : [];
  },
  destination: (config) => destinationKey('ntfy', trimSlash(config.server), config.topic.trim()),
  request(config, alert) {
    const headers: Record<string, string> = {
      'content-type': 'text/plain; charset=utf-8',
      priority: String(LEVEL_PRIORITY[alert.level] ?? 3),
      tags: headerText(ntfyTags(config, alert).join(',')),
    };
    if (alert.title) headers.title = headerText(alert.title);
    const auth = ntfyAuthorization(config.token);
    if (auth) headers.authorization = auth;
    return {
      url: `${trimSlash(config.server)}/${config.topic.trim()}`,
      method: 'POST',
      headers,
      body: cutBytes(alert.message || alert.title, NTFY_MESSAGE_BYTES),
    };
  },
  read: readNtfyAnswer,
};

/** The claude-ntfy node: its adapter, credentials and how its properties become the adapter's config. */
export const ntfyChannel: ChannelSpec<NtfyConfig> = {
  type: 'claude-ntfy',
  adapter: ntfyAdapter,
  credentials: ['token'],
  config: (props, creds) => ({
    token: creds.token,
    server: textProp(props, 'server').trim() || 'https://ntfy.sh',
    topic: textProp(props, 'topic'),
    tags: textProp(props, 'tags'),
  }),
  paste: 'server, topic, optional token',
};
