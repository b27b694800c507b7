'use strict';
// The delivery core on its own: retry decisions, hint honouring, attempt counting,
// cancellation, redaction — with a scripted transport and a recording sleep, so no
// test waits for real.
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { deliver, decideRetry, DEFAULT_POLICY, abortableSleep, DeliveryError } = lib('delivery/core');
const { NetworkError } = lib('http');
const { makeAlert } = lib('alert');
const { discordAdapter } = lib('delivery/adapters/discord');
const { matrixAdapter } = lib('delivery/adapters/matrix');
const { telegramAdapter } = lib('delivery/adapters/telegram');
const { pushoverAdapter } = lib('delivery/adapters/pushover');
const { webhookAdapter } = lib('delivery/adapters/webhook');

const alert = makeAlert({ title: 'Claude 5-hour usage at 91%', message: 'work: 5-hour window at 91.2%', account: 'work', kind: 'threshold', limit_type: 'session', level: 'warning', pct: 91.2, threshold: 90 });

/** A transport answering from a script: each entry a response, or an Error to throw. */
function scripted(...answers) {
  const requests = [];
  const http = async (req) => {
    requests.push(req);
    const next = answers.shift();
    if (!next) throw new Error('test transport: no answer scripted');
    if (next instanceof Error) throw next;
    return { status: next.status, headers: next.headers ?? {}, body: typeof next.body === 'string' ? next.body : JSON.stringify(next.body ?? '') };
  };
  return { http, requests };
}

function recordingSleep() {
  const waits = [];
  const sleep = async (ms) => {
    waits.push(ms);
    return true;
  };
  return { sleep, waits };
}

const discord = { url: 'https://discord.com/api/webhooks/123/SECRET-TOKEN-abcdefghijklmnop', username: '' };
const ok = { status: 200, body: { id: '42' } };

describe('delivery core', () => {
  describe('decideRetry', () => {
    const answer = (status, extra = {}) => ({ kind: 'answer', status, answer: { id: null, retryAfterMs: null, error: null, ...extra } });
    const policy = { ...DEFAULT_POLICY };

    it('stops on success', () => {
      assert.deepEqual(decideRetry(answer(200), 1, policy), { retry: false, why: 'delivered' });
      assert.deepEqual(decideRetry(answer(204), 1, policy), { retry: false, why: 'delivered' });
    });
    it('retries network errors, 408, 429 and 5xx with exponential backoff', () => {
      assert.deepEqual(decideRetry({ kind: 'network', reason: 'connection reset' }, 1, policy), { retry: true, delayMs: 1000 });
      assert.deepEqual(decideRetry(answer(408), 2, policy), { retry: true, delayMs: 2000 });
      assert.deepEqual(decideRetry(answer(429), 3, policy), { retry: true, delayMs: 4000 });
      assert.deepEqual(decideRetry(answer(500), 1, policy), { retry: true, delayMs: 1000 });
      assert.deepEqual(decideRetry(answer(503), 4, policy), { retry: true, delayMs: 8000 });
    });
    it('caps the backoff', () => {
      assert.deepEqual(decideRetry(answer(502), 4, { ...policy, maxAttempts: 10, maxDelayMs: 5000 }), { retry: true, delayMs: 5000 });
    });
    it('never retries other 4xx', () => {
      for (const status of [400, 401, 403, 404, 410, 413, 422]) assert.equal(decideRetry(answer(status), 1, policy).retry, false, String(status));
    });
    it('never retries an answer marked final (Pushover quota)', () => {
      assert.deepEqual(decideRetry(answer(429, { final: true }), 1, policy), { retry: false, why: 'not-retryable' });
    });
    it('waits exactly the service hint instead of the backoff', () => {
      assert.deepEqual(decideRetry(answer(429, { retryAfterMs: 1234 }), 1, policy), { retry: true, delayMs: 1234 });
      assert.deepEqual(decideRetry(answer(503, { retryAfterMs: 7 }), 3, policy), { retry: true, delayMs: 7 });
    });
    it('gives up when the hint is longer than it will wait', () => {
      assert.deepEqual(decideRetry(answer(429, { retryAfterMs: 3_600_000 }), 1, policy), { retry: false, why: 'wait-too-long', waitMs: 3_600_000 });
    });
    it('stops after the fifth attempt', () => {
      assert.equal(decideRetry(answer(500), 4, policy).retry, true);
      assert.deepEqual(decideRetry(answer(500), 5, policy), { retry: false, why: 'exhausted' });
    });
  });

  describe('deliver', () => {
    it('delivers on the first try and reports status, attempts and id', async () => {
      const t = scripted(ok);
      const r = await deliver(discordAdapter, discord, alert, { http: t.http });
      assert.deepEqual(r, { ok: true, channel: 'discord', status: 200, attempts: 1, id: '42' });
      assert.equal(t.requests[0].timeoutMs, 10_000, 'every attempt has a timeout');
    });

    it('passes the configured timeout to every attempt', async () => {
      const t = scripted({ status: 500 }, ok);
      const s = recordingSleep();
      await deliver(discordAdapter, discord, alert, { http: t.http, sleep: s.sleep, timeoutMs: 1234 });
      assert.deepEqual(t.requests.map((r) => r.timeoutMs), [1234, 1234]);
    });

    it("honours Discord's retry_after (float seconds in the body) over the Retry-After header", async () => {
      const t = scripted({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'You are being rate limited.', retry_after: 0.347, global: false } }, ok);
      const s = recordingSleep();
      const r = await deliver(discordAdapter, discord, alert, { http: t.http, sleep: s.sleep });
      assert.deepEqual(s.waits, [347]);
      assert.equal(r.ok, true);
      assert.equal(r.attempts, 2);
    });

    it("honours Matrix's retry_after_ms", async () => {
      const cfg = { accessToken: 'syt_secret_token_1234', homeserver: 'https://matrix.example.org', room: '!r:example.org', msgtype: 'm.text' };
      const t = scripted({ status: 429, body: { errcode: 'M_LIMIT_EXCEEDED', error: 'Too many requests', retry_after_ms: 2500 } }, { status: 200, body: { event_id: '$e' } });
      const s = recordingSleep();
      const r = await deliver(matrixAdapter, cfg, alert, { http: t.http, sleep: s.sleep });
      assert.deepEqual(s.waits, [2500]);
      assert.equal(r.id, '$e');
      const [a, b] = t.requests.map((q) => q.url);
      assert.equal(a, b, 'the retry reuses the same txnId');
    });

    it("honours Telegram's parameters.retry_after", async () => {
      const cfg = { botToken: '123:ABCdefSECRET', chatId: '-100123', apiUrl: 'https://api.telegram.org' };
      const t = scripted({ status: 429, body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } } }, { status: 200, body: { ok: true, result: { message_id: 7 } } });
      const s = recordingSleep();
      const r = await deliver(telegramAdapter, cfg, alert, { http: t.http, sleep: s.sleep });
      assert.deepEqual(s.waits, [3000]);
      assert.equal(r.id, '7');
    });

    it('honours Retry-After in seconds and as an HTTP date', async () => {
      const now = Date.parse('2026-11-22T10:00:00Z');
      const cfg = { url: 'https://hooks.example.org/x', method: 'POST', headers: '', template: '' };
      const t = scripted({ status: 503, headers: { 'retry-after': '12' } }, { status: 429, headers: { 'retry-after': 'Sun, 22 Nov 2026 10:00:30 GMT' } }, { status: 200, body: '' });
      const s = recordingSleep();
      const r = await deliver(webhookAdapter, cfg, alert, { http: t.http, sleep: s.sleep, now: () => now });
      assert.deepEqual(s.waits, [12_000, 30_000]);
      assert.equal(r.attempts, 3);
    });

    it('retries network errors and gives up after 5 attempts', async () => {
      const t = scripted(...Array.from({ length: 6 }, () => new NetworkError('connection refused', 'ECONNREFUSED')));
      const s = recordingSleep();
      const r = await deliver(discordAdapter, discord, alert, { http: t.http, sleep: s.sleep });
      assert.equal(r.ok, false);
      assert.equal(r.attempts, 5);
      assert.equal(t.requests.length, 5);
      assert.deepEqual(s.waits, [1000, 2000, 4000, 8000]);
      assert.equal(r.error.code, 'NETWORK');
      assert.equal(r.status, null);
      assert.equal(r.error.message, 'Discord unreachable: connection refused (after 5 attempts)');
    });

    it('does not retry a 404 and explains it in plain words', async () => {
      const t = scripted({ status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
      const s = recordingSleep();
      const r = await deliver(discordAdapter, discord, alert, { http: t.http, sleep: s.sleep });
      assert.equal(r.attempts, 1);
      assert.deepEqual(s.waits, []);
      assert.equal(r.error.code, 'REJECTED');
      assert.equal(r.error.status, 404);
      assert.equal(r.error.message, 'Discord answered 404: Unknown Webhook (10015)');
      assert.equal(String(r.error), r.error.message, 'toString is the plain message (what a Catch node shows)');
    });

    it("does not retry Pushover's 429 (monthly quota spent)", async () => {
      const cfg = { token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi', user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG', device: '', sound: '', priority: 'auto', apiUrl: 'https://api.pushover.net' };
      const t = scripted({ status: 429, body: { status: 0, errors: ['application has exceeded its monthly message limit'] } });
      const s = recordingSleep();
      const r = await deliver(pushoverAdapter, cfg, alert, { http: t.http, sleep: s.sleep });
      assert.equal(r.attempts, 1);
      assert.equal(r.error.code, 'RATE_LIMITED');
      assert.match(r.error.message, /monthly message limit/);
    });

    it('reports a configuration problem without any request', async () => {
      const t = scripted();
      const r = await deliver(discordAdapter, { url: '', username: '' }, alert, { http: t.http });
      assert.equal(r.ok, false);
      assert.equal(r.attempts, 0);
      assert.equal(r.error.code, 'CONFIG');
      assert.equal(r.error.message, 'Discord: no webhook URL set');
      assert.equal(t.requests.length, 0);
    });

    it('shows each wait through onRetry, with the reason redacted', async () => {
      const t = scripted({ status: 502, body: { message: `bad gateway for ${discord.url}` } }, ok);
      const seen = [];
      const s = recordingSleep();
      await deliver(discordAdapter, discord, alert, { http: t.http, sleep: s.sleep, onRetry: (i) => seen.push(i) });
      assert.equal(seen.length, 1);
      assert.equal(seen[0].attempt, 1);
      assert.equal(seen[0].delayMs, 1000);
      assert.ok(!seen[0].reason.includes('SECRET-TOKEN'), seen[0].reason);
    });

    it('redacts the secret when the service echoes the URL in its error', async () => {
      const t = scripted({ status: 400, body: { message: `Invalid webhook ${discord.url}?wait=true (token SECRET-TOKEN-abcdefghijklmnop)`, code: 50035 } });
      const r = await deliver(discordAdapter, discord, alert, { http: t.http });
      assert.ok(!r.error.message.includes('SECRET-TOKEN'), r.error.message);
      assert.ok(!r.error.stack.includes('SECRET-TOKEN'));
      assert.match(r.error.message, /\[redacted\]/);
    });

    it('stops waiting when cancelled (the node closes)', async () => {
      const t = scripted({ status: 503 }, ok);
      const controller = new AbortController();
      const pending = deliver(discordAdapter, discord, alert, { http: t.http, signal: controller.signal, baseDelayMs: 60_000 });
      setImmediate(() => controller.abort());
      const r = await pending;
      assert.equal(r.ok, false);
      assert.equal(r.error.code, 'CANCELLED');
      assert.equal(t.requests.length, 1);
    });

    it('sends nothing once cancelled (queued behind others while the node closed)', async () => {
      const t = scripted(ok);
      const controller = new AbortController();
      controller.abort();
      const r = await deliver(discordAdapter, discord, alert, { http: t.http, signal: controller.signal });
      assert.equal(r.error.code, 'CANCELLED');
      assert.equal(t.requests.length, 0);
    });

    it('keeps an unexpected transport failure from escaping', async () => {
      const r = await deliver(discordAdapter, discord, alert, { http: async () => { throw new TypeError('boom'); } });
      assert.equal(r.ok, false);
      assert.ok(r.error instanceof DeliveryError);
    });
  });

  describe('abortableSleep', () => {
    it('resolves true after the wait and false when aborted', async () => {
      assert.equal(await abortableSleep(1), true);
      const c = new AbortController();
      c.abort();
      assert.equal(await abortableSleep(60_000, c.signal), false);
    });
  });
});
