// Telegram Bot API: POST {apiUrl}/bot{token}/sendMessage with parse_mode HTML
// (only <, > and & need escaping). Answers `{ ok: true, result: { message_id } }`
// or `{ ok: false, error_code, description, parameters: { retry_after, migrate_to_chat_id } }`.
// The text may be 4096 characters after entity parsing, i.e. as the user sees it.

import { z } from 'zod';
import type { Alert } from '../../alert';
import type { HttpResponse } from '../../http';
import { charCount, cutText, escapeHtml } from '../text';
import type { ChannelAdapter, ChannelSpec, ServiceAnswer } from '../types';
import { delivered, destinationKey, isHttpUrl, isOk, parsedBody, retryAfterHeader, secondsToMs, textProp, trimSlash } from './common';

export interface TelegramConfig {
  botToken: string;
  /** A numeric chat id (negative for groups) or @channelusername. */
  chatId: string;
  apiUrl: string;
}

export const TELEGRAM_TEXT_LIMIT = 4096;
const TITLE_LIMIT = 256;

/** The HTML text: bold title, then the message; the visible text stays within 4096. */
export function telegramText(alert: Alert): string {
  const title = cutText(alert.title, TITLE_LIMIT);
  const room = TELEGRAM_TEXT_LIMIT - (title ? charCount(title) + 1 : 0);
  const message = cutText(alert.message, room);
  if (!title) return escapeHtml(message);
  return message ? `<b>${escapeHtml(title)}</b>\n${escapeHtml(message)}` : `<b>${escapeHtml(title)}</b>`;
}

const answerSchema = z.object({
  ok: z.boolean(),
  result: z.object({ message_id: z.number() }).optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() }).optional(),
});

export function readTelegramAnswer(res: HttpResponse, now: number): ServiceAnswer {
  const answer = parsedBody(res, answerSchema);
  if (isOk(res)) {
    const id = answer?.result?.message_id;
    return delivered(id === undefined ? null : String(id));
  }
  let error = answer?.description ?? null;
  const moved = answer?.parameters?.migrate_to_chat_id;
  if (moved !== undefined) error = `${error ?? 'chat moved'} — the group is now chat id ${moved}`;
  return { id: null, retryAfterMs: secondsToMs(answer?.parameters?.retry_after) ?? retryAfterHeader(res, now), error };
}

export const telegramAdapter: ChannelAdapter<TelegramConfig> = {
  channel: 'telegram',
  service: 'Telegram',
  check(config) {
    if (!config.botToken.trim()) return 'no bot token set';
    if (!/^\d+:[\w-]+$/.test(config.botToken.trim())) return 'the bot token does not look like one from @BotFather (123456789:AA…)';
    if (!/^(-?\d+|@\w{4,})$/.test(config.chatId.trim())) return 'the chat id must be a number (negative for groups) or @channelname';
    if (!isHttpUrl(config.apiUrl)) return 'the API URL is not an http(s) URL';
    return null;
  },
  // The part after the colon is the actual secret; a server may echo either form.
  secrets: (config) => [config.botToken.trim(), config.botToken.trim().split(':')[1] ?? ''],
  destination: (config) => destinationKey('telegram', trimSlash(config.apiUrl), config.botToken.trim(), config.chatId.trim()),
  request(config, alert) {
    const chatId = config.chatId.trim();
    const body = {
      chat_id: /^-?\d+$/.test(chatId) ? Number(chatId) : chatId,
      text: telegramText(alert),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    };
    return {
      url: `${trimSlash(config.apiUrl)}/bot${config.botToken.trim()}/sendMessage`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    };
  },
  read: readTelegramAnswer,
};

/** The claude-telegram node: its adapter, credentials and how its properties become the adapter's config. */
export const telegramChannel: ChannelSpec<TelegramConfig> = {
  type: 'claude-telegram',
  adapter: telegramAdapter,
  credentials: ['botToken'],
  config: (props, creds) => ({
    botToken: creds.botToken,
    chatId: textProp(props, 'chatId'),
    apiUrl: textProp(props, 'apiUrl').trim() || 'https://api.telegram.org',
  }),
  paste: 'bot token, chat id',
};
