// Discord "Execute Webhook": POST {webhook}?wait=true with one embed coloured by
// level. With wait=true Discord answers the created message (its `id`); errors are
// `{ code, message, errors }` (50035 Invalid Form Body, 10015 Unknown Webhook) and
// rate limits `429 { message, retry_after (seconds, float), global }`.

import { z } from 'zod';
import type { Alert, AlertLevel } from '../../alert';
import type { HttpResponse } from '../../http';
import { charCount, cutText } from '../text';
import type { ChannelAdapter, ChannelSpec, ServiceAnswer } from '../types';
import { delivered, destinationKey, isHttpUrl, isOk, parsedBody, retryAfterHeader, secondsToMs, textProp, urlSecrets } from './common';

export interface DiscordConfig {
  url: string;
  username: string;
}

export const DISCORD_LIMITS = { title: 256, description: 4096, footer: 2048, total: 6000, username: 80 } as const;

export const DISCORD_COLOURS: Record<AlertLevel, number> = {
  info: 0x3498db,
  warning: 0xf39c12,
  critical: 0xe74c3c,
};

const WEBHOOK_PATH = /\/webhooks\/\d+\/[^/]+\/?$/;

export interface DiscordEmbed {
  title?: string;
  description?: string;
  color: number;
  timestamp?: string;
  footer?: { text: string };
}

function footerText(alert: Alert): string {
  return [alert.account, alert.limit_type].filter(Boolean).join(' · ');
}

/** The embed for an alert, every field cut so that the total stays within Discord's 6000. */
export function discordEmbed(alert: Alert): DiscordEmbed {
  const title = cutText(alert.title, DISCORD_LIMITS.title);
  const footer = cutText(footerText(alert), DISCORD_LIMITS.footer);
  const room = DISCORD_LIMITS.total - charCount(title) - charCount(footer);
  const description = cutText(alert.message, Math.min(DISCORD_LIMITS.description, room));
  const timestamp = Number.isNaN(Date.parse(alert.at)) ? undefined : new Date(alert.at).toISOString();
  return {
    ...(title ? { title } : {}),
    ...(description ? { description } : {}),
    color: DISCORD_COLOURS[alert.level] ?? DISCORD_COLOURS.info,
    ...(timestamp ? { timestamp } : {}),
    ...(footer ? { footer: { text: footer } } : {}),
  };
}

/** The webhook URL with `wait=true` (other query parameters, e.g. thread_id, kept). */
export function discordUrl(url: string): string {
  const u = new URL(url.trim());
  u.searchParams.set('wait', 'true');
  return u.toString();
}

const sentSchema = z.object({ id: z.string() });
const errorSchema = z.object({
  code: z.number().optional(),
  message: z.string().optional(),
  retry_after: z.number().optional(),
  errors: z.unknown().optional(),
});

/** How deep, and how many objects, a 50035 answer's field errors are searched. */
const FIELD_ERROR_DEPTH = 8;
const FIELD_ERROR_OBJECTS = 256;
const FIELD_TEXT_CHARS = 300;

/** The first field error of a 50035 answer: "embeds.0.description: Must be 4096 or fewer in length." */
export function firstFieldError(errors: unknown): string | null {
  let budget = FIELD_ERROR_OBJECTS;
  const search = (value: unknown, path: string[]): string | null => {
    if (!value || typeof value !== 'object' || path.length > FIELD_ERROR_DEPTH || budget-- <= 0) return null;
    const record = value as Record<string, unknown>;
    const own = Object.prototype.hasOwnProperty.call(record, '_errors') ? record._errors : undefined;
    if (Array.isArray(own) && own.length > 0) {
      const text = (own[0] as { message?: unknown })?.message;
      if (typeof text === 'string') {
        const where = path.join('.').slice(0, FIELD_TEXT_CHARS);
        const said = text.slice(0, FIELD_TEXT_CHARS);
        return where ? `${where}: ${said}` : said;
      }
    }
    for (const key of Object.keys(record)) {
      if (key === '_errors') continue;
      const found = search(record[key], [...path, key.slice(0, 64)]);
      if (found || budget <= 0) return found;
    }
    return null;
  };
  return search(errors, []);
}

export function readDiscordAnswer(res: HttpResponse, now: number): ServiceAnswer {
  if (isOk(res)) return delivered(parsedBody(res, sentSchema)?.id ?? null);
  const err = parsedBody(res, errorSchema) ?? {};
  const retryAfterMs = secondsToMs(err.retry_after) ?? retryAfterHeader(res, now);
  let error: string | null = null;
  if (err.message) {
    error = err.code !== undefined && err.code !== 0 ? `${err.message} (${err.code})` : err.message;
    const field = firstFieldError(err.errors);
    if (field) error += `: ${field}`;
  }
  return { id: null, retryAfterMs, error };
}

export const discordAdapter: ChannelAdapter<DiscordConfig> = {
  channel: 'discord',
  service: 'Discord',
  check(config) {
    if (!config.url) return 'no webhook URL set';
    if (!isHttpUrl(config.url.trim())) return 'the webhook URL is not an http(s) URL';
    if (!WEBHOOK_PATH.test(new URL(config.url.trim()).pathname)) return 'the URL is not a Discord webhook URL (…/api/webhooks/<id>/<token>)';
    return null;
  },
  secrets: (config) => urlSecrets(config.url.trim()),
  destination: (config) => destinationKey('discord', config.url.trim()),
  request(config, alert) {
    const username = cutText(config.username.trim(), DISCORD_LIMITS.username);
    const body = {
      ...(username ? { username } : {}),
      embeds: [discordEmbed(alert)],
      allowed_mentions: { parse: [] as string[] },
    };
    return {
      url: discordUrl(config.url),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  },
  read: readDiscordAnswer,
};

/** The claude-discord node: its adapter, credentials and how its properties become the adapter's config. */
export const discordChannel: ChannelSpec<DiscordConfig> = {
  type: 'claude-discord',
  adapter: discordAdapter,
  credentials: ['url'],
  config: (props, creds) => ({ url: creds.url, username: textProp(props, 'username') }),
  paste: 'webhook URL',
};
