// Matrix client-server API: PUT {homeserver}/_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}
// with a plain `body` and an HTML `formatted_body`. The txnId is the same on every
// retry of one alert, so the homeserver de-duplicates a retry whose first try got
// through. A room alias (#name:server) is resolved via /directory/room/{alias} once and the
// room id kept; it is resolved again only when a send to the kept room is refused with
// M_FORBIDDEN or M_NOT_FOUND (the alias may have moved to another room). Only sends count
// as attempts.
// Errors: `{ errcode, error, retry_after_ms }` (M_LIMIT_EXCEEDED, M_FORBIDDEN, M_UNKNOWN_TOKEN, …).

import { z } from 'zod';
import type { Alert } from '../../alert';
import type { HttpResponse } from '../../http';
import { cutText, escapeHtml, joinTitle } from '../text';
import type { ChannelAdapter, ChannelSpec, OutgoingRequest, ServiceAnswer } from '../types';
import { choiceProp, delivered, destinationKey, isHttpUrl, isOk, parsedBody, retryAfterHeader, textProp, trimSlash } from './common';

export interface MatrixConfig {
  accessToken: string;
  homeserver: string;
  /** `!roomid:server` or `#alias:server`. */
  room: string;
  msgtype: string;
}

export const MATRIX_MSGTYPES: readonly string[] = ['m.text', 'm.notice'];
/** Far below the 65536-byte event limit, even with every character HTML-escaped. */
export const MATRIX_TEXT_LIMIT = 8000;

export interface MatrixContent {
  msgtype: string;
  body: string;
  format: 'org.matrix.custom.html';
  formatted_body: string;
}

export function matrixContent(msgtype: string, alert: Alert): MatrixContent {
  const title = cutText(alert.title, 500);
  const message = cutText(alert.message, MATRIX_TEXT_LIMIT);
  const html = escapeHtml(message).replace(/\n/g, '<br>');
  return {
    msgtype,
    body: joinTitle(title, message),
    format: 'org.matrix.custom.html',
    formatted_body: [title ? `<strong>${escapeHtml(title)}</strong>` : '', html].filter(Boolean).join('<br>'),
  };
}

function authHeaders(config: MatrixConfig): Record<string, string> {
  return { authorization: `Bearer ${config.accessToken.trim()}`, accept: 'application/json' };
}

const errorSchema = z.object({ errcode: z.string().optional(), error: z.string().optional(), retry_after_ms: z.number().optional() });

function readMatrixError(res: HttpResponse, now: number): ServiceAnswer {
  const err = parsedBody(res, errorSchema) ?? {};
  const words = [err.error, err.errcode ? `(${err.errcode})` : ''].filter(Boolean).join(' ');
  const hint = typeof err.retry_after_ms === 'number' && err.retry_after_ms > 0 ? err.retry_after_ms : retryAfterHeader(res, now);
  return { id: null, retryAfterMs: hint, error: words || null };
}

const sentSchema = z.object({ event_id: z.string() });
const aliasSchema = z.object({ room_id: z.string() });

export function readMatrixAnswer(res: HttpResponse, now: number): ServiceAnswer {
  return isOk(res) ? delivered(parsedBody(res, sentSchema)?.event_id ?? null) : readMatrixError(res, now);
}

export function aliasRequest(config: MatrixConfig): OutgoingRequest {
  return {
    url: `${trimSlash(config.homeserver)}/_matrix/client/v3/directory/room/${encodeURIComponent(config.room.trim())}`,
    method: 'GET',
    headers: authHeaders(config),
  };
}

export const matrixAdapter: ChannelAdapter<MatrixConfig> = {
  channel: 'matrix',
  service: 'Matrix',
  check(config) {
    if (!config.accessToken.trim()) return 'no access token set';
    if (!isHttpUrl(config.homeserver)) return 'the homeserver is not an http(s) URL';
    if (!/^[!#][^:]+:.+$/.test(config.room.trim())) return 'the room must be a room id (!id:server) or an alias (#name:server)';
    if (!MATRIX_MSGTYPES.includes(config.msgtype)) return `msgtype must be one of ${MATRIX_MSGTYPES.join(', ')}`;
    return null;
  },
  secrets: (config) => [config.accessToken.trim()],
  destination: (config) => destinationKey('matrix', trimSlash(config.homeserver), config.room.trim()),
  resolve: {
    needed: (config) => config.room.trim().startsWith('#'),
    request: aliasRequest,
    read(res, now) {
      if (!isOk(res)) return { value: null, answer: readMatrixError(res, now) };
      const found = parsedBody(res, aliasSchema);
      return { value: found?.room_id ?? null, answer: { id: null, retryAfterMs: null, error: found ? null : 'the alias lookup gave no room_id' } };
    },
    gone(res) {
      if (res.status !== 403 && res.status !== 404) return false;
      const code = parsedBody(res, errorSchema)?.errcode;
      return code === 'M_FORBIDDEN' || code === 'M_NOT_FOUND';
    },
  },
  request(config, alert, ctx) {
    const roomId = ctx.resolved ?? config.room.trim();
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(ctx.txnId)}`;
    return {
      url: trimSlash(config.homeserver) + path,
      method: 'PUT',
      headers: { ...authHeaders(config), 'content-type': 'application/json' },
      body: JSON.stringify(matrixContent(config.msgtype, alert)),
    };
  },
  read: readMatrixAnswer,
};

/** The claude-matrix node: its adapter, credentials and how its properties become the adapter's config. */
export const matrixChannel: ChannelSpec<MatrixConfig> = {
  type: 'claude-matrix',
  adapter: matrixAdapter,
  credentials: ['accessToken'],
  config: (props, creds) => ({
    accessToken: creds.accessToken,
    homeserver: textProp(props, 'homeserver').trim(),
    room: textProp(props, 'room'),
    msgtype: choiceProp(props, 'msgtype', MATRIX_MSGTYPES, 'm.text'),
  }),
  paste: 'homeserver, access token, room',
};
