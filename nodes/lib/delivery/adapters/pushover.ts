// Pushover Message API: POST {apiUrl}/1/messages.json, form-encoded. Answers
// `{ status: 1, request }`, or a 4xx `{ status: 0, errors: [...], request }`.
// A 429 means the application's monthly quota is spent: never retried. Pushover asks
// clients to wait at least 5 seconds before retrying a 5xx.

import { z } from 'zod';
import type { Alert, AlertLevel } from '../../alert';
import type { HttpResponse } from '../../http';
import { cutText } from '../text';
import type { ChannelAdapter, ChannelSpec, ServiceAnswer } from '../types';
import { choiceProp, delivered, destinationKey, isHttpUrl, isOk, parsedBody, retryAfterHeader, textProp, trimSlash } from './common';

export type PushoverPriority = 'auto' | '-2' | '-1' | '0' | '1' | '2';

export interface PushoverConfig {
  token: string;
  user: string;
  device: string;
  sound: string;
  priority: PushoverPriority;
  apiUrl: string;
}

export const PUSHOVER_LIMITS = { message: 1024, title: 250 } as const;
export const PUSHOVER_PRIORITIES: readonly PushoverPriority[] = ['auto', '-2', '-1', '0', '1', '2'];
/** Emergency priority repeats every `retry` seconds (minimum 30) until acknowledged or `expire` (max 10800) passes. */
export const EMERGENCY = { retry: 60, expire: 3600 } as const;
const SERVER_ERROR_WAIT_MS = 5000;

const LEVEL_PRIORITY: Record<AlertLevel, number> = { info: -1, warning: 0, critical: 1 };

export function pushoverPriority(setting: PushoverPriority, level: AlertLevel): number {
  return setting === 'auto' ? (LEVEL_PRIORITY[level] ?? 0) : Number(setting);
}

export function pushoverForm(config: PushoverConfig, alert: Alert): URLSearchParams {
  const priority = pushoverPriority(config.priority, alert.level);
  const form = new URLSearchParams({
    token: config.token.trim(),
    user: config.user.trim(),
    message: cutText(alert.message || alert.title, PUSHOVER_LIMITS.message),
  });
  if (alert.title) form.set('title', cutText(alert.title, PUSHOVER_LIMITS.title));
  if (config.device.trim()) form.set('device', config.device.trim());
  if (config.sound.trim()) form.set('sound', config.sound.trim());
  form.set('priority', String(priority));
  if (priority === 2) {
    form.set('retry', String(EMERGENCY.retry));
    form.set('expire', String(EMERGENCY.expire));
  }
  const at = Date.parse(alert.at);
  if (!Number.isNaN(at)) form.set('timestamp', String(Math.floor(at / 1000)));
  return form;
}

const answerSchema = z.object({
  status: z.number(),
  request: z.string().optional(),
  errors: z.array(z.string()).optional(),
});

export function readPushoverAnswer(res: HttpResponse, now: number): ServiceAnswer {
  const answer = parsedBody(res, answerSchema);
  if (isOk(res)) return delivered(answer?.request ?? null);
  const error = answer?.errors?.length ? answer.errors.join('; ') : res.status === 429 ? 'message quota used up for this month' : null;
  const hint = retryAfterHeader(res, now) ?? (res.status >= 500 ? SERVER_ERROR_WAIT_MS : null);
  return { id: null, retryAfterMs: hint, error, final: res.status === 429 };
}

export const pushoverAdapter: ChannelAdapter<PushoverConfig> = {
  channel: 'pushover',
  service: 'Pushover',
  check(config) {
    if (!config.token.trim()) return 'no application token set';
    if (!config.user.trim()) return 'no user key set';
    if (!PUSHOVER_PRIORITIES.includes(config.priority)) return `priority must be one of ${PUSHOVER_PRIORITIES.join(', ')}`;
    if (!isHttpUrl(config.apiUrl)) return 'the API URL is not an http(s) URL';
    return null;
  },
  secrets: (config) => [config.token.trim(), config.user.trim()],
  destination: (config) => destinationKey('pushover', trimSlash(config.apiUrl), config.user.trim(), config.device.trim()),
  request(config, alert) {
    return {
      url: `${trimSlash(config.apiUrl)}/1/messages.json`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: pushoverForm(config, alert).toString(),
    };
  },
  read: readPushoverAnswer,
};

/** The claude-pushover node: its adapter, credentials and how its properties become the adapter's config. */
export const pushoverChannel: ChannelSpec<PushoverConfig> = {
  type: 'claude-pushover',
  adapter: pushoverAdapter,
  credentials: ['token', 'user'],
  config: (props, creds) => ({
    token: creds.token,
    user: creds.user,
    device: textProp(props, 'device'),
    sound: textProp(props, 'sound'),
    priority: choiceProp(props, 'priority', PUSHOVER_PRIORITIES, 'auto'),
    apiUrl: textProp(props, 'apiUrl').trim() || 'https://api.pushover.net',
  }),
  paste: 'app token, user key',
};
