'use strict';
// A fake Telegram Bot API (POST /bot{token}/sendMessage, also under a self-hosted
// server's root) checking what the real one checks for this call: the token,
// the chat, text 1..4096 characters after entity parsing, and HTML parse mode
// (only the supported tags; a bare < or & is "can't parse entities"). Answers
// `{ ok: true, result: Message }` or `{ ok: false, error_code, description,
// parameters: { retry_after } }`.
const { startFakeService } = require('./channel-fake');

const BOT_TOKEN = '123456789:AAHfakeTelegramBotToken-abcdefghijklmn';
const CHAT_ID = -1001234567890;
const CHANNEL = '@claude_alerts';
const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'span', 'blockquote']);

function failure(code, description, parameters) {
  return { status: code, body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) } };
}

/** The visible text of an HTML-mode message, or the Bot API's parse error. */
function parseHtml(text) {
  let visible = '';
  let i = 0;
  const open = [];
  while (i < text.length) {
    const ch = text[i];
    if (ch === '<') {
      const m = /^<(\/?)([a-z-]+)(\s[^>]*)?>/i.exec(text.slice(i));
      if (!m) return { error: `Bad Request: can't parse entities: Unsupported start tag "" at byte offset ${Buffer.byteLength(text.slice(0, i))}` };
      const name = m[2].toLowerCase();
      if (!TAGS.has(name)) return { error: `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${Buffer.byteLength(text.slice(0, i))}` };
      if (m[1]) {
        if (open.pop() !== name) return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${Buffer.byteLength(text.slice(0, i))}, expected "</${open.at(-1) ?? ''}>"` };
      } else open.push(name);
      i += m[0].length;
    } else if (ch === '&') {
      const m = /^&(lt|gt|amp|quot|#\d+);/.exec(text.slice(i));
      if (!m) return { error: `Bad Request: can't parse entities: Character '&' is reserved and must be escaped at byte offset ${Buffer.byteLength(text.slice(0, i))}` };
      visible += { lt: '<', gt: '>', amp: '&', quot: '"' }[m[1]] ?? '?';
      i += m[0].length;
    } else if (ch === '>') {
      return { error: `Bad Request: can't parse entities: Character '>' is reserved and must be escaped at byte offset ${Buffer.byteLength(text.slice(0, i))}` };
    } else {
      visible += ch;
      i++;
    }
  }
  if (open.length) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { visible };
}

async function startTelegramFake() {
  let nextId = 100;
  const sent = [];
  const fake = await startFakeService((r, respond) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(r.path);
    if (!m) return respond(404, failure(404, 'Not Found').body);
    if (m[1] !== BOT_TOKEN) return respond(401, failure(401, 'Unauthorized').body);
    if (m[2] !== 'sendMessage') return respond(404, failure(404, 'Not Found: method not found').body);
    const body = r.json;
    if (!body || typeof body !== 'object') return respond(400, failure(400, 'Bad Request: message text is empty').body);
    if (body.chat_id !== CHAT_ID && body.chat_id !== String(CHAT_ID) && body.chat_id !== CHANNEL) return respond(400, failure(400, 'Bad Request: chat not found').body);
    if (typeof body.text !== 'string' || !body.text) return respond(400, failure(400, 'Bad Request: message text is empty').body);
    let visible = body.text;
    if (body.parse_mode === 'HTML') {
      const parsed = parseHtml(body.text);
      if (parsed.error) return respond(400, failure(400, parsed.error).body);
      visible = parsed.visible;
    }
    if (Array.from(visible).length > 4096) return respond(400, failure(400, 'Bad Request: message is too long').body);
    const message = { message_id: nextId++, date: Math.floor(Date.now() / 1000), chat: { id: CHAT_ID, type: 'supergroup' }, text: visible };
    sent.push({ ...message, request: body });
    respond(200, { ok: true, result: message });
  });
  return Object.assign(fake, {
    botToken: BOT_TOKEN,
    chatId: String(CHAT_ID),
    channel: CHANNEL,
    sent,
    tooManyRequests: (seconds = 1) => failure(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds }),
    chatNotFound: () => failure(400, 'Bad Request: chat not found'),
    forbidden: () => failure(403, 'Forbidden: bot was kicked from the supergroup chat'),
    migrated: (to = -1009876543210) => failure(400, 'Bad Request: group chat was upgraded to a supergroup chat', { migrate_to_chat_id: to }),
  });
}

module.exports = { startTelegramFake, parseHtml, BOT_TOKEN, CHAT_ID };
