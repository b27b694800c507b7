'use strict';
// A fake Discord "Execute Webhook" endpoint (POST /api/webhooks/{id}/{token}),
// following Discord's documented shapes: JSON body with content / username /
// embeds / allowed_mentions, the embed limits (title 256, description 4096,
// footer 2048, 6000 in total, content 2000, username 80), 200 + the message
// object with ?wait=true (204 without), 50035 Invalid Form Body, 10015 Unknown
// Webhook, 50027 Invalid Webhook Token, and 429 with `retry_after` in seconds.
const { startFakeService } = require('./channel-fake');

const WEBHOOK_ID = '112233445566778899';
const WEBHOOK_TOKEN = 'dQw4w9WgXcQ-fakeDiscordToken_abcdefghijklmnopqrstuvwxyz0123456789';

function fieldError(path, message, code = 'BASE_TYPE_MAX_LENGTH') {
  const errors = {};
  let at = errors;
  for (const key of path) at = at[key] = {};
  at._errors = [{ code, message }];
  return { code: 50035, message: 'Invalid Form Body', errors };
}

const len = (s) => Array.from(s ?? '').length;

/** The first documented rule the body breaks, as Discord's 50035 answer, or null. */
function checkBody(body) {
  if (!body || typeof body !== 'object') return { code: 50109, message: 'The request body contains invalid JSON.' };
  if (body.content !== undefined && len(body.content) > 2000) return fieldError(['content'], 'Must be 2000 or fewer in length.');
  if (body.username !== undefined && (len(body.username) < 1 || len(body.username) > 80)) return fieldError(['username'], 'Must be between 1 and 80 in length.');
  const embeds = body.embeds ?? [];
  if (!Array.isArray(embeds) || embeds.length > 10) return fieldError(['embeds'], 'Must be 10 or fewer in length.');
  if (!body.content && embeds.length === 0) return { code: 50006, message: 'Cannot send an empty message' };
  let total = 0;
  for (const [i, e] of embeds.entries()) {
    if (e.title !== undefined && len(e.title) > 256) return fieldError(['embeds', String(i), 'title'], 'Must be 256 or fewer in length.');
    if (e.description !== undefined && len(e.description) > 4096) return fieldError(['embeds', String(i), 'description'], 'Must be 4096 or fewer in length.');
    if (e.footer && len(e.footer.text) > 2048) return fieldError(['embeds', String(i), 'footer', 'text'], 'Must be 2048 or fewer in length.');
    if (e.color !== undefined && !(Number.isInteger(e.color) && e.color >= 0 && e.color <= 0xffffff)) return fieldError(['embeds', String(i), 'color'], 'Int value should be less than or equal to 16777215.', 'NUMBER_TYPE_MAX');
    if (e.timestamp !== undefined && Number.isNaN(Date.parse(e.timestamp))) return fieldError(['embeds', String(i), 'timestamp'], 'Could not parse timestamp.', 'DATE_TIME_TYPE_PARSE');
    total += len(e.title) + len(e.description) + len(e.footer?.text) + len(e.author?.name);
  }
  if (total > 6000) return fieldError(['embeds'], 'Embed size exceeds maximum size of 6000');
  const am = body.allowed_mentions;
  if (am !== undefined && (typeof am !== 'object' || (am.parse !== undefined && !Array.isArray(am.parse)))) return fieldError(['allowed_mentions', 'parse'], 'Must be an array.', 'LIST_TYPE_CONVERT');
  return null;
}

async function startDiscordFake() {
  let nextId = 1300000000000000000n;
  const messages = [];
  const fake = await startFakeService((r, respond) => {
    const m = /^\/api(?:\/v\d+)?\/webhooks\/(\d+)\/([^/]+)$/.exec(r.path);
    if (!m) return respond(404, { message: '404: Not Found', code: 0 });
    if (r.method !== 'POST') return respond(405, { message: '405: Method Not Allowed', code: 0 });
    if (m[1] !== WEBHOOK_ID) return respond(404, { message: 'Unknown Webhook', code: 10015 });
    if (m[2] !== WEBHOOK_TOKEN) return respond(401, { message: 'Invalid Webhook Token', code: 50027 });
    if (!/^application\/json/.test(r.headers['content-type'] ?? '')) return respond(400, { message: 'Cannot send an empty message', code: 50006 });
    const problem = checkBody(r.json);
    if (problem) return respond(400, problem);
    const id = String(nextId++);
    const message = { id, type: 0, channel_id: '999', webhook_id: WEBHOOK_ID, content: r.json.content ?? '', embeds: r.json.embeds ?? [], author: { username: r.json.username ?? 'Captain Hook', bot: true } };
    messages.push(message);
    if (r.query.get('wait') === 'true') respond(200, message);
    else respond(204);
  });
  return Object.assign(fake, {
    webhookId: WEBHOOK_ID,
    token: WEBHOOK_TOKEN,
    webhookUrl: `${fake.url}/api/webhooks/${WEBHOOK_ID}/${WEBHOOK_TOKEN}`,
    messages,
    /** Discord's rate-limit answer. */
    rateLimited(retryAfter = 0.05, global = false) {
      return {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global },
        headers: { 'retry-after': String(Math.ceil(retryAfter)), 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '0', 'x-ratelimit-scope': global ? 'global' : 'user' },
      };
    },
    unknownWebhook: () => ({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } }),
    invalidFormBody: () => ({ status: 400, body: fieldError(['embeds', '0', 'description'], 'Must be 4096 or fewer in length.') }),
  });
}

module.exports = { startDiscordFake, checkBody, WEBHOOK_ID, WEBHOOK_TOKEN };
