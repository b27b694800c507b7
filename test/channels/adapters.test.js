'use strict';
// Each adapter through the real delivery core and HTTP client against its fake:
// well-formed requests, the service's error forms with the right retry decision,
// text limits, and no secret in any error even when the fake echoes it.
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { deliver, forgetResolved } = lib('delivery/core');
const { makeAlert } = lib('alert');
const { discordAdapter, DISCORD_COLOURS } = lib('delivery/adapters/discord');
const { webhookAdapter } = lib('delivery/adapters/webhook');
const { pushoverAdapter } = lib('delivery/adapters/pushover');
const { matrixAdapter } = lib('delivery/adapters/matrix');
const { ntfyAdapter } = lib('delivery/adapters/ntfy');
const { telegramAdapter } = lib('delivery/adapters/telegram');
const { startDiscordFake } = require('../fakes/discord');
const { startWebhookFake } = require('../fakes/webhook');
const { startPushoverFake } = require('../fakes/pushover');
const { startMatrixFake } = require('../fakes/matrix');
const { startNtfyFake } = require('../fakes/ntfy');
const { startTelegramFake } = require('../fakes/telegram');

// Tiny waits: the retry logic is the same, the suite stays fast.
const fast = { baseDelayMs: 2, maxDelayMs: 10, timeoutMs: 2000 };

function alertOf(fields = {}) {
  return makeAlert({ title: 'Claude 5-hour usage at 91%', message: 'work: 5-hour window at 91.2% (threshold 90%), resets 14:05 (in 1h 12m)', account: 'work', kind: 'threshold', limit_type: 'session', level: 'warning', pct: 91.2, threshold: 90, resetsAt: '2026-11-22T14:05:00.000Z', ...fields });
}

function assertNoSecret(text, secrets) {
  for (const s of secrets) assert.ok(!String(text).includes(s), `secret leaked: ${text}`);
}

describe('channel adapters against their fakes', () => {
  describe('Discord', () => {
    let fake;
    before(async () => (fake = await startDiscordFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.messages.length = 0;
    });
    const cfg = () => ({ url: fake.webhookUrl, username: 'Claude usage' });

    it('posts one embed coloured by level with wait=true and no mentions', async () => {
      const r = await deliver(discordAdapter, cfg(), alertOf({ level: 'critical' }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.id, fake.messages[0].id);
      const req = fake.requests[0];
      assert.equal(req.query.get('wait'), 'true');
      assert.deepEqual(req.json.allowed_mentions, { parse: [] });
      assert.equal(req.json.username, 'Claude usage');
      const [embed] = req.json.embeds;
      assert.equal(embed.title, 'Claude 5-hour usage at 91%');
      assert.equal(embed.color, DISCORD_COLOURS.critical);
      assert.match(embed.description, /91\.2%/);
      assert.equal(embed.footer.text, 'work · session');
    });

    it('colours info, warning and critical differently', () => {
      assert.equal(new Set(Object.values(DISCORD_COLOURS)).size, 3);
    });

    it('keeps a thread_id query parameter', async () => {
      await deliver(discordAdapter, { ...cfg(), url: `${fake.webhookUrl}?thread_id=555` }, alertOf(), fast);
      assert.equal(fake.requests[0].query.get('thread_id'), '555');
      assert.equal(fake.requests[0].query.get('wait'), 'true');
    });

    it('cuts title, description and total to the limits the fake enforces', async () => {
      const r = await deliver(discordAdapter, cfg(), alertOf({ title: 'T'.repeat(400), message: 'm'.repeat(9000), account: 'a'.repeat(3000) }), fast);
      assert.equal(r.ok, true, r.error?.message);
      const [embed] = fake.requests[0].json.embeds;
      assert.equal(Array.from(embed.title).length, 256);
      assert.ok(Array.from(embed.description).length <= 4096);
      assert.ok(embed.title.length + embed.description.length + embed.footer.text.length <= 6000);
    });

    it('waits retry_after on 429 and then delivers', async () => {
      fake.script(fake.rateLimited(0.02));
      const r = await deliver(discordAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 2);
      assert.equal(fake.messages.length, 1);
    });

    it('does not retry 10015 Unknown Webhook nor 50035 Invalid Form Body', async () => {
      fake.script(fake.unknownWebhook());
      const a = await deliver(discordAdapter, cfg(), alertOf(), fast);
      assert.equal(a.attempts, 1);
      assert.equal(a.error.message, 'Discord answered 404: Unknown Webhook (10015)');
      fake.script(fake.invalidFormBody());
      const b = await deliver(discordAdapter, cfg(), alertOf(), fast);
      assert.equal(b.attempts, 1);
      assert.equal(b.error.message, 'Discord answered 400: Invalid Form Body (50035): embeds.0.description: Must be 4096 or fewer in length.');
    });

    it('reports a wrong token (the fake checks it) without showing it', async () => {
      const url = fake.webhookUrl.replace(fake.token, 'wrong-token-0123456789abcdef');
      const r = await deliver(discordAdapter, { url, username: '' }, alertOf(), fast);
      assert.equal(r.error.message, 'Discord answered 401: Invalid Webhook Token (50027)');
    });

    it('retries resets and 5xx, then succeeds', async () => {
      fake.script('reset', { status: 502, body: '<html>Bad gateway</html>' });
      const r = await deliver(discordAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 3);
    });

    it('times out a hanging attempt and retries it', async () => {
      fake.script('hang');
      const r = await deliver(discordAdapter, cfg(), alertOf(), { ...fast, timeoutMs: 300 });
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 2);
    });

    it('never shows the webhook token, even when the error echoes the URL', async () => {
      fake.script((req) => ({ status: 400, body: { code: 50035, message: `Invalid Form Body for ${fake.url}${req.url} token=${fake.token}` } }));
      const r = await deliver(discordAdapter, cfg(), alertOf(), fast);
      assertNoSecret(r.error.message, [fake.token]);
      assertNoSecret(r.error.stack, [fake.token]);
    });

    it('explains a URL that is not a Discord webhook', async () => {
      const r = await deliver(discordAdapter, { url: `${fake.url}/not/a/webhook`, username: '' }, alertOf(), fast);
      assert.equal(r.error.code, 'CONFIG');
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('webhook', () => {
    let fake;
    before(async () => (fake = await startWebhookFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.received.length = 0;
    });
    const SLACK = '{"text": "*{title}*\\n{message}"}';

    it('posts the alert object when the template is empty', async () => {
      const alert = alertOf();
      const r = await deliver(webhookAdapter, { url: fake.homeAssistantUrl, method: 'POST', headers: '', template: '' }, alert, fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.deepEqual(fake.received[0].body, alert);
      assert.equal(fake.received[0].headers['content-type'], 'application/json');
    });

    it('fills the Slack preset so Slack accepts it', async () => {
      const r = await deliver(webhookAdapter, { url: fake.slackUrl, method: 'POST', headers: '', template: SLACK }, alertOf({ title: 'Usage "high" <90%> & rising' }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(fake.received[0].body.text, '*Usage "high" <90%> & rising*\nwork: 5-hour window at 91.2% (threshold 90%), resets 14:05 (in 1h 12m)');
    });

    it('sends PUT with custom headers, and GET without a body', async () => {
      await deliver(webhookAdapter, { url: fake.homeAssistantUrl, method: 'PUT', headers: '{"X-Source": "node-red", "Content-Type": "application/json; charset=utf-8"}', template: '{"pct": {pct}}' }, alertOf(), fast);
      assert.equal(fake.requests[0].method, 'PUT');
      assert.equal(fake.requests[0].headers['x-source'], 'node-red');
      assert.equal(fake.requests[0].headers['content-type'], 'application/json; charset=utf-8');
      assert.deepEqual(fake.requests[0].json, { pct: 91.2 });
      const r = await deliver(webhookAdapter, { url: fake.n8nUrl, method: 'GET', headers: '', template: SLACK }, alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(fake.requests[1].method, 'GET');
      assert.equal(fake.requests[1].body, '');
    });

    it('sends secret headers over plain ones of the same name, and keeps their values out of errors', async () => {
      const token = 'Bearer n8n-secret-token-123456';
      const config = { url: fake.homeAssistantUrl, method: 'POST', headers: '{"X-Source": "node-red", "authorization": "plain"}', secretHeaders: JSON.stringify({ Authorization: token }), template: '' };
      await deliver(webhookAdapter, config, alertOf(), fast);
      assert.equal(fake.requests[0].headers.authorization, token);
      assert.equal(fake.requests[0].headers['x-source'], 'node-red');
      assert.ok(webhookAdapter.secrets(config).includes(token));
      assert.match(webhookAdapter.check({ ...config, secretHeaders: '{"A": "x\ny"}' }), /^secret headers: /);
      assert.ok(!webhookAdapter.check({ ...config, secretHeaders: '{"A": "x\ny"}' }).includes('x\ny'));
    });

    it("reports Slack's plain-text errors without retrying, and hides the secret", async () => {
      const r = await deliver(webhookAdapter, { url: fake.slackUrl, method: 'POST', headers: '', template: '{"nope": 1}' }, alertOf(), fast);
      assert.equal(r.attempts, 1);
      assert.equal(r.error.message, 'Webhook answered 400: no_text');
      fake.reset();
      const wrong = await deliver(webhookAdapter, { url: `${fake.url}/hooks/${fake.slackSecret}-nope`, method: 'POST', headers: '', template: '' }, alertOf(), fast);
      assert.equal(wrong.status, 404);
      assertNoSecret(wrong.error.message, [fake.slackSecret]);
    });

    it('retries a 503 with Retry-After', async () => {
      fake.script({ status: 503, headers: { 'retry-after': '0' } }, { status: 429, body: 'slow down' });
      const r = await deliver(webhookAdapter, { url: fake.n8nUrl, method: 'POST', headers: '', template: '' }, alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 3);
    });

    it('keeps secret header values out of errors', async () => {
      const headers = '{"Authorization": "Bearer n8n-secret-header-token-123"}';
      fake.script((req) => ({ status: 401, body: { message: `bad credentials: ${req.headers.authorization}` } }));
      const r = await deliver(webhookAdapter, { url: fake.n8nUrl, method: 'POST', headers, template: '' }, alertOf(), fast);
      assertNoSecret(r.error.message, ['n8n-secret-header-token-123']);
    });

    it('refuses bad headers and templates before sending', async () => {
      const a = await deliver(webhookAdapter, { url: fake.n8nUrl, method: 'POST', headers: '[1]', template: '' }, alertOf(), fast);
      assert.match(a.error.message, /headers must be a JSON object/);
      const b = await deliver(webhookAdapter, { url: fake.n8nUrl, method: 'POST', headers: '', template: '{"a": {title}' }, alertOf(), fast);
      assert.match(b.error.message, /template is not valid JSON/);
      assert.equal(fake.requests.length, 0);
    });
  });

  describe('Pushover', () => {
    let fake;
    before(async () => (fake = await startPushoverFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.notifications.length = 0;
    });
    const cfg = (extra = {}) => ({ token: fake.token, user: fake.user, device: '', sound: '', priority: 'auto', apiUrl: fake.url, ...extra });

    it('sends the documented form fields and returns the request id', async () => {
      const r = await deliver(pushoverAdapter, cfg({ device: 'phone', sound: 'siren' }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
      const form = fake.notifications[0].form;
      assert.equal(r.id, fake.notifications[0].request);
      assert.equal(form.title, 'Claude 5-hour usage at 91%');
      assert.equal(form.device, 'phone');
      assert.equal(form.sound, 'siren');
      assert.equal(form.priority, '0');
      assert.equal(form.timestamp, String(Math.floor(Date.parse(alertOf().at) / 1000)));
    });

    it('maps level to priority in auto mode; emergency adds retry and expire', async () => {
      await deliver(pushoverAdapter, cfg(), alertOf({ level: 'info' }), fast);
      await deliver(pushoverAdapter, cfg(), alertOf({ level: 'critical' }), fast);
      await deliver(pushoverAdapter, cfg({ priority: '2' }), alertOf(), fast);
      assert.deepEqual(fake.notifications.map((n) => n.form.priority), ['-1', '1', '2']);
      assert.equal(fake.notifications[2].form.retry, '60');
      assert.equal(fake.notifications[2].form.expire, '3600');
    });

    it('cuts message to 1024 and title to 250 characters', async () => {
      const r = await deliver(pushoverAdapter, cfg(), alertOf({ title: 't'.repeat(300), message: 'm'.repeat(2000) }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(Array.from(fake.notifications[0].form.message).length, 1024);
      assert.equal(Array.from(fake.notifications[0].form.title).length, 250);
    });

    it('reports {status:0, errors} without retrying', async () => {
      const r = await deliver(pushoverAdapter, cfg({ user: 'uWRONGWRONGWRONGWRONGWRONGWRON' }), alertOf(), fast);
      assert.equal(r.attempts, 1);
      assert.equal(r.error.message, 'Pushover answered 400: user identifier is not a valid user, group, or subscribed user key');
      assertNoSecret(r.error.message, [fake.token, 'uWRONGWRONGWRONGWRONGWRONGWRON']);
    });

    it('does not retry 429 (quota spent) but does retry a 5xx', async () => {
      fake.script(fake.quotaSpent());
      const q = await deliver(pushoverAdapter, cfg(), alertOf(), fast);
      assert.equal(q.attempts, 1);
      assert.equal(q.error.code, 'RATE_LIMITED');
      // Pushover asks for 5 s before retrying a 5xx: a Retry-After of 0 s lets the test skip it.
      fake.script({ ...fake.serverError(), headers: { 'retry-after': '0' } });
      const s = await deliver(pushoverAdapter, cfg(), alertOf(), { ...fast, maxHintMs: 10 });
      assert.equal(s.ok, false);
      assert.match(s.error.message, /asked to wait/);
    });

    it('never shows the token or user key when the answer echoes them', async () => {
      fake.script((req) => ({ status: 400, body: { status: 0, errors: [`bad request: ${req.body}`] } }));
      const r = await deliver(pushoverAdapter, cfg(), alertOf(), fast);
      assertNoSecret(r.error.message, [fake.token, fake.user]);
    });
  });

  describe('Matrix', () => {
    let fake;
    before(async () => (fake = await startMatrixFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.resetRooms();
      fake.events.length = 0;
      forgetResolved();
    });
    const cfg = (extra = {}) => ({ accessToken: fake.accessToken, homeserver: fake.url, room: fake.roomId, msgtype: 'm.text', ...extra });
    const lookups = () => fake.requests.filter((r) => r.method === 'GET').length;

    it('PUTs m.room.message with body and HTML formatted_body, returning the event id', async () => {
      const r = await deliver(matrixAdapter, cfg(), alertOf({ message: 'a < b & c\nnext' }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.id, fake.events[0].event_id);
      const c = fake.events[0].content;
      assert.equal(c.msgtype, 'm.text');
      assert.equal(c.body, 'Claude 5-hour usage at 91%\na < b & c\nnext');
      assert.equal(c.format, 'org.matrix.custom.html');
      assert.equal(c.formatted_body, '<strong>Claude 5-hour usage at 91%</strong><br>a &lt; b &amp; c<br>next');
      assert.equal(fake.requests[0].method, 'PUT');
    });

    it('resolves a room alias first; the lookup is no attempt', async () => {
      const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias, msgtype: 'm.notice' }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.attempts, 1);
      assert.equal(fake.requests[0].method, 'GET');
      assert.equal(fake.events[0].content.msgtype, 'm.notice');
    });

    it('resolves an alias once and keeps the room id for later sends', async () => {
      for (let i = 0; i < 3; i++) {
        const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast);
        assert.equal(r.ok, true, r.error?.message);
        assert.equal(r.attempts, 1);
      }
      assert.equal(lookups(), 1);
      assert.equal(fake.events.length, 3);
      assert.ok(fake.events.every((e) => e.room_id === fake.roomId));
    });

    it('counts only sends when a send is retried after an alias lookup', async () => {
      fake.script({ status: 200, body: { room_id: fake.roomId } }, fake.limitExceeded(10));
      const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.attempts, 2);
      assert.equal(fake.requests.length, 3);
    });

    it('resolves the alias again when the kept room refuses the send (M_FORBIDDEN), then sends there', async () => {
      assert.equal((await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast)).ok, true);
      fake.moveAlias('!replacement456:example.org');
      const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.attempts, 2, 'the refused send and the one to the new room');
      assert.equal(lookups(), 2);
      assert.equal(fake.events.at(-1).room_id, '!replacement456:example.org');
      // and the new room id is kept
      assert.equal((await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast)).ok, true);
      assert.equal(lookups(), 2);
    });

    it('does not look up again when a room id (not an alias) is refused', async () => {
      fake.moveAlias('!replacement456:example.org');
      const r = await deliver(matrixAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, false);
      assert.match(r.error.message, /M_FORBIDDEN/);
      assert.equal(lookups(), 0);
      assert.equal(r.attempts, 1);
    });

    it('a fresh lookup refused on send is not looked up a second time in the same delivery', async () => {
      fake.script({ status: 200, body: { room_id: '!elsewhere:example.org' } });
      const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast);
      assert.equal(r.ok, false);
      assert.match(r.error.message, /M_FORBIDDEN/);
      assert.equal(lookups(), 1);
      // the refused room id was not kept: the next delivery looks up again and gets through
      assert.equal((await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast)).ok, true);
      assert.equal(lookups(), 2);
    });

    it('reports an unknown alias', async () => {
      const r = await deliver(matrixAdapter, cfg({ room: '#nope:example.org' }), alertOf(), fast);
      assert.equal(r.error.message, 'Matrix answered 404: Room alias #nope:example.org not found (M_NOT_FOUND)');
    });

    it('explains an alias answer without a room id', async () => {
      fake.script({ status: 200, body: { servers: ['example.org'] } });
      const r = await deliver(matrixAdapter, cfg({ room: fake.roomAlias }), alertOf(), fast);
      assert.equal(r.ok, false);
      assert.equal(r.error.message, 'Matrix: the alias lookup gave no room_id');
      assert.equal(fake.events.length, 0);
    });

    it('waits retry_after_ms on M_LIMIT_EXCEEDED and reuses the txnId', async () => {
      fake.script(fake.limitExceeded(20));
      const r = await deliver(matrixAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(fake.requests.length, 2);
      assert.equal(fake.requests[0].path, fake.requests[1].path);
    });

    it('a retry after a lost answer does not post twice (same txnId)', async () => {
      // The first PUT is handled but its answer is lost: the homeserver de-duplicates the retry.
      fake.script('lost-answer');
      const r = await deliver(matrixAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(fake.requests.length, 2);
      assert.equal(fake.events.length, 1);
      assert.equal(r.id, fake.events[0].event_id);
    });

    it('does not retry M_FORBIDDEN or M_UNKNOWN_TOKEN', async () => {
      const forbidden = await deliver(matrixAdapter, cfg({ room: '!other:example.org' }), alertOf(), fast);
      assert.equal(forbidden.attempts, 1);
      assert.match(forbidden.error.message, /^Matrix answered 403: .*\(M_FORBIDDEN\)$/);
      const token = await deliver(matrixAdapter, cfg({ accessToken: 'syt_wrong_token_value_123' }), alertOf(), fast);
      assert.equal(token.attempts, 1);
      assert.equal(token.error.message, 'Matrix answered 401: Invalid access token passed. (M_UNKNOWN_TOKEN)');
    });

    it('never shows the access token', async () => {
      fake.script((req) => ({ status: 403, body: { errcode: 'M_FORBIDDEN', error: `token ${req.headers.authorization} may not post` } }));
      const r = await deliver(matrixAdapter, cfg(), alertOf(), fast);
      assertNoSecret(r.error.message, [fake.accessToken]);
    });
  });

  describe('ntfy', () => {
    let fake;
    before(async () => (fake = await startNtfyFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.messages.length = 0;
    });
    const cfg = (extra = {}) => ({ token: '', server: fake.url, topic: 'claude-alerts', tags: 'robot, claude', ...extra });

    it('posts the message with Title, Priority and Tags headers, returning the id', async () => {
      const r = await deliver(ntfyAdapter, cfg(), alertOf({ title: 'Weekly · Opus at 91%', level: 'critical' }), fast);
      assert.equal(r.ok, true, r.error?.message);
      const m = fake.messages[0];
      assert.equal(r.id, m.id);
      assert.equal(m.title, 'Weekly · Opus at 91%', 'non-ASCII title survives the header (RFC 2047)');
      assert.equal(m.priority, 5);
      assert.deepEqual(m.tags, ['rotating_light', 'robot', 'claude']);
      assert.match(m.message, /91\.2%/);
    });

    it('maps level to priority 3 / 4 / 5', async () => {
      for (const level of ['info', 'warning', 'critical']) await deliver(ntfyAdapter, cfg(), alertOf({ level }), fast);
      assert.deepEqual(fake.requests.map((r) => r.headers.priority), ['3', '4', '5']);
    });

    it('sends a Bearer token to protected topics and hides it in errors', async () => {
      const ok = await deliver(ntfyAdapter, cfg({ topic: 'private-alerts', token: fake.token }), alertOf(), fast);
      assert.equal(ok.ok, true, ok.error?.message);
      assert.equal(fake.requests[0].headers.authorization, `Bearer ${fake.token}`);
      const denied = await deliver(ntfyAdapter, cfg({ topic: 'private-alerts' }), alertOf(), fast);
      assert.equal(denied.error.message, 'ntfy answered 403: forbidden (40301)');
      fake.script((req) => ({ status: 401, body: { code: 40101, http: 401, error: `unauthorized: ${req.headers.authorization}` } }));
      const echoed = await deliver(ntfyAdapter, cfg({ topic: 'private-alerts', token: fake.token }), alertOf(), fast);
      assertNoSecret(echoed.error.message, [fake.token]);
    });

    it('sends user:password as Basic auth', async () => {
      const r = await deliver(ntfyAdapter, cfg({ topic: 'private-alerts', token: `alice:${fake.token}` }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.match(fake.requests[0].headers.authorization, /^Basic /);
    });

    it('retries 429 and cuts the message to 4096 bytes', async () => {
      fake.script(fake.tooManyRequests());
      const r = await deliver(ntfyAdapter, cfg(), alertOf({ message: 'ü'.repeat(5000) }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.attempts, 2);
      assert.ok(Buffer.byteLength(fake.requests[1].body) <= 4096);
    });

    it('refuses an invalid topic before sending', async () => {
      const r = await deliver(ntfyAdapter, cfg({ topic: 'bad topic/x' }), alertOf(), fast);
      assert.equal(r.error.code, 'CONFIG');
    });
  });

  describe('Telegram', () => {
    let fake;
    before(async () => (fake = await startTelegramFake()));
    after(() => fake.close());
    beforeEach(() => {
      fake.reset();
      fake.sent.length = 0;
    });
    const cfg = (extra = {}) => ({ botToken: fake.botToken, chatId: fake.chatId, apiUrl: fake.url, ...extra });

    it('sends HTML with <, > and & escaped, returning the message id', async () => {
      const r = await deliver(telegramAdapter, cfg(), alertOf({ title: 'Usage <high> & rising', message: 'if a<b && c>d' }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.equal(r.id, String(fake.sent[0].message_id));
      const req = fake.sent[0].request;
      assert.equal(req.parse_mode, 'HTML');
      assert.equal(req.chat_id, Number(fake.chatId));
      assert.equal(req.text, '<b>Usage &lt;high&gt; &amp; rising</b>\nif a&lt;b &amp;&amp; c&gt;d');
      assert.equal(fake.sent[0].text, 'Usage <high> & rising\nif a<b && c>d');
    });

    it('keeps the visible text within 4096 characters', async () => {
      const r = await deliver(telegramAdapter, cfg(), alertOf({ message: '<&>'.repeat(3000) }), fast);
      assert.equal(r.ok, true, r.error?.message);
      assert.ok(Array.from(fake.sent[0].text).length <= 4096);
    });

    it('accepts @channel names', async () => {
      const r = await deliver(telegramAdapter, cfg({ chatId: fake.channel }), alertOf(), fast);
      assert.equal(r.ok, true, r.error?.message);
    });

    it('waits parameters.retry_after on 429', async () => {
      fake.script({ ...fake.tooManyRequests(1), body: { ...fake.tooManyRequests(1).body, parameters: { retry_after: 0.01 } } });
      const r = await deliver(telegramAdapter, cfg(), alertOf(), fast);
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 2);
    });

    it('does not retry ok:false 400/403 and words them', async () => {
      const chat = await deliver(telegramAdapter, cfg({ chatId: '-100999' }), alertOf(), fast);
      assert.equal(chat.attempts, 1);
      assert.equal(chat.error.message, 'Telegram answered 400: Bad Request: chat not found');
      fake.script(fake.migrated());
      const moved = await deliver(telegramAdapter, cfg(), alertOf(), fast);
      assert.match(moved.error.message, /now chat id -1009876543210/);
    });

    it('never shows the bot token, which is in the URL path', async () => {
      fake.script((req) => ({ status: 404, body: { ok: false, error_code: 404, description: `Not Found: ${req.path}` } }));
      const r = await deliver(telegramAdapter, cfg(), alertOf(), fast);
      assertNoSecret(r.error.message, [fake.botToken, fake.botToken.split(':')[1]]);
      const wrong = await deliver(telegramAdapter, cfg({ botToken: '1:wrongtokenvalue' }), alertOf(), fast);
      assert.equal(wrong.error.message, 'Telegram answered 401: Unauthorized');
    });
  });
});
