'use strict';
// A fake Matrix homeserver (client-server API v3) for the two calls the node makes:
//   GET /_matrix/client/v3/directory/room/{alias}        → { room_id, servers } | 404 M_NOT_FOUND
// (moveAlias(roomId) moves the alias to another room, as when a room is replaced)
//   PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId} → { event_id }
// with access-token checks (401 M_MISSING_TOKEN / M_UNKNOWN_TOKEN), room membership
// (403 M_FORBIDDEN), content checks (400 M_BAD_JSON) and idempotent transactions:
// the same txnId gives the same event and no second message.
const crypto = require('node:crypto');
const { startFakeService } = require('./channel-fake');

const ACCESS_TOKEN = 'syt_Ym90_fakeMatrixAccessToken_0123456789abcdef';
const ROOM_ID = '!alerts123:example.org';
const ROOM_ALIAS = '#claude-alerts:example.org';

function matrixError(status, errcode, error, extra = {}) {
  return { status, body: { errcode, error, ...extra } };
}

function checkContent(c) {
  if (!c || typeof c !== 'object') return matrixError(400, 'M_NOT_JSON', 'Content not JSON.');
  if (typeof c.msgtype !== 'string' || typeof c.body !== 'string') return matrixError(400, 'M_BAD_JSON', 'm.room.message needs string msgtype and body');
  if (c.format !== undefined && (c.format !== 'org.matrix.custom.html' || typeof c.formatted_body !== 'string')) return matrixError(400, 'M_BAD_JSON', 'formatted_body must be given with format org.matrix.custom.html');
  if (Buffer.byteLength(JSON.stringify(c)) > 65536) return matrixError(413, 'M_TOO_LARGE', 'event too large');
  return null;
}

async function startMatrixFake() {
  const events = [];
  // The room the alias names and the rooms the bot is in; moveAlias() changes both.
  let aliasRoom = ROOM_ID;
  let joined = new Set([ROOM_ID]);
  const transactions = new Map();
  const fake = await startFakeService((r, respond) => {
    const auth = r.headers.authorization;
    if (!auth) return respond(401, { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
    if (auth !== `Bearer ${ACCESS_TOKEN}`) return respond(401, { errcode: 'M_UNKNOWN_TOKEN', error: 'Invalid access token passed.', soft_logout: false });
    const alias = /^\/_matrix\/client\/v3\/directory\/room\/([^/]+)$/.exec(r.path);
    if (alias) {
      if (r.method !== 'GET') return respond(405, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
      const name = decodeURIComponent(alias[1]);
      if (name !== ROOM_ALIAS) return respond(404, { errcode: 'M_NOT_FOUND', error: `Room alias ${name} not found` });
      return respond(200, { room_id: aliasRoom, servers: ['example.org'] });
    }
    const send = /^\/_matrix\/client\/v3\/rooms\/([^/]+)\/send\/m\.room\.message\/([^/]+)$/.exec(r.path);
    if (!send) return respond(404, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    if (r.method !== 'PUT') return respond(405, { errcode: 'M_UNRECOGNIZED', error: 'Unrecognized request' });
    const roomId = decodeURIComponent(send[1]);
    const txnId = decodeURIComponent(send[2]);
    if (!joined.has(roomId)) return respond(403, { errcode: 'M_FORBIDDEN', error: `User @bot:example.org not in room ${roomId}` });
    const problem = checkContent(r.json);
    if (problem) return respond(problem.status, problem.body);
    if (transactions.has(txnId)) return respond(200, { event_id: transactions.get(txnId) });
    const eventId = `$${crypto.randomBytes(16).toString('base64url')}`;
    transactions.set(txnId, eventId);
    events.push({ event_id: eventId, txnId, room_id: roomId, content: r.json });
    respond(200, { event_id: eventId });
  });
  return Object.assign(fake, {
    accessToken: ACCESS_TOKEN,
    roomId: ROOM_ID,
    roomAlias: ROOM_ALIAS,
    events,
    limitExceeded: (ms = 50) => matrixError(429, 'M_LIMIT_EXCEEDED', 'Too many requests', { retry_after_ms: ms }),
    forbidden: () => matrixError(403, 'M_FORBIDDEN', 'You are not allowed to send messages in this room'),
    /** Points the alias at another room, which the bot joins after leaving the old one. */
    moveAlias(roomId) {
      aliasRoom = roomId;
      joined = new Set([roomId]);
    },
    /** Back to the alias naming ROOM_ID. */
    resetRooms() {
      aliasRoom = ROOM_ID;
      joined = new Set([ROOM_ID]);
    },
    unknownToken: () => matrixError(401, 'M_UNKNOWN_TOKEN', 'Invalid access token passed.', { soft_logout: false }),
  });
}

module.exports = { startMatrixFake, ACCESS_TOKEN, ROOM_ID, ROOM_ALIAS };
