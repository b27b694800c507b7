'use strict';
// A fake ntfy server: POST/PUT /{topic} with the message as the body and
// Title / Priority / Tags headers (RFC 2047 encoded words decoded as ntfy does),
// optional access control (Bearer token or Basic), answers the message JSON
// `{ id, time, expires, event: "message", topic, … }` and errors as
// `{ code, http, error, link }` (40101, 40301, 40007, 42901, …).
const crypto = require('node:crypto');
const { startFakeService } = require('./channel-fake');

const TOKEN = 'tk_fakentfyaccesstoken0123456789';
const TOPIC = /^\/([-_A-Za-z0-9]{1,64})$/;
const PRIORITIES = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, min: 1, low: 2, default: 3, high: 4, max: 5, urgent: 5 };

function ntfyError(http, code, error) {
  return { status: http, body: { code, http, error, link: 'https://ntfy.sh/docs/publish/' } };
}

/** Decodes `=?UTF-8?B?…?=` / `=?UTF-8?Q?…?=` words, as ntfy does for Title and Tags. */
function decodeHeader(value) {
  if (value === undefined) return undefined;
  return value.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc, text) =>
    enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeURIComponent(text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, '%$1')),
  );
}

async function startNtfyFake({ protectedTopics = ['private-alerts'] } = {}) {
  const messages = [];
  const fake = await startFakeService((r, respond) => {
    const m = TOPIC.exec(r.path);
    if (!m) return respond(404, ntfyError(404, 40401, 'page not found').body);
    if (r.method !== 'POST' && r.method !== 'PUT') return respond(405, ntfyError(405, 40501, 'method not allowed').body);
    const topic = m[1];
    const auth = r.headers.authorization;
    if (protectedTopics.includes(topic)) {
      if (!auth) return respond(403, ntfyError(403, 40301, 'forbidden').body);
      const basic = `Basic ${Buffer.from(`alice:${TOKEN}`).toString('base64')}`;
      if (auth !== `Bearer ${TOKEN}` && auth !== basic) return respond(401, ntfyError(401, 40101, 'unauthorized').body);
    }
    const priorityHeader = r.headers.priority ?? r.headers['x-priority'];
    const priority = priorityHeader === undefined ? 3 : PRIORITIES[priorityHeader];
    if (!priority) return respond(400, ntfyError(400, 40007, 'invalid priority').body);
    if (Buffer.byteLength(r.body) > 4096) return respond(400, ntfyError(400, 40012, 'message too large: the fake does not take attachments').body);
    const title = decodeHeader(r.headers.title ?? r.headers['x-title']);
    const tagsText = decodeHeader(r.headers.tags ?? r.headers['x-tags']);
    const message = {
      id: crypto.randomBytes(6).toString('base64url').slice(0, 12),
      time: Math.floor(Date.now() / 1000),
      expires: Math.floor(Date.now() / 1000) + 43200,
      event: 'message',
      topic,
      message: r.body || 'triggered',
      ...(title ? { title } : {}),
      ...(tagsText ? { tags: tagsText.split(',').map((t) => t.trim()) } : {}),
      ...(priority !== 3 ? { priority } : {}),
    };
    messages.push(message);
    respond(200, message);
  });
  return Object.assign(fake, {
    token: TOKEN,
    messages,
    tooManyRequests: () => ntfyError(429, 42901, 'limit reached: too many requests; increase your limits with a paid plan, see https://ntfy.sh'),
    forbidden: () => ntfyError(403, 40301, 'forbidden'),
  });
}

module.exports = { startNtfyFake, decodeHeader, TOKEN };
