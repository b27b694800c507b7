'use strict';
// The pure helpers under the channel nodes: text cutting and escaping, the webhook
// template, destination queues, and the glue's small functions.
const assert = require('node:assert/strict');
const { lib, translator } = require('../support/node-red');
const { cutText, cutBytes, escapeHtml, headerText, charCount } = lib('delivery/text');
const { fillTemplate, templateProblem } = lib('delivery/template');
const { DestinationQueues, QueueFullError } = lib('delivery/queue');
const { retryingText, sentText, testCredentials, deliverySettings, alertToDeliver } = lib('delivery/channel-node');
const { parseHeaders } = lib('delivery/adapters/webhook');
const { urlSecrets, choiceProp, textProp } = lib('delivery/adapters/common');
const { makeAlert } = lib('alert');

describe('delivery helpers', () => {
  describe('text', () => {
    it('cuts to a number of characters, never inside one, with an ellipsis', () => {
      assert.equal(cutText('hello', 5), 'hello');
      assert.equal(cutText('hello world', 6), 'hello…');
      assert.equal(charCount(cutText('😀'.repeat(10), 4)), 4);
      assert.equal(cutText('😀'.repeat(10), 4), '😀😀😀…');
    });
    it('cuts to a number of UTF-8 bytes', () => {
      const cut = cutBytes('é'.repeat(3000), 4096);
      assert.ok(Buffer.byteLength(cut) <= 4096);
      assert.ok(cut.endsWith('…'));
      assert.equal(cutBytes('short', 4096), 'short');
    });
    it('escapes <, > and & for HTML', () => {
      assert.equal(escapeHtml('a < b && c > d'), 'a &lt; b &amp;&amp; c &gt; d');
    });
    it('keeps ASCII headers and encodes others as RFC 2047', () => {
      assert.equal(headerText('Claude 5-hour usage'), 'Claude 5-hour usage');
      const encoded = headerText('Weekly · Opus ⚠');
      assert.match(encoded, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
      assert.equal(Buffer.from(encoded.slice(10, -2), 'base64').toString('utf8'), 'Weekly · Opus ⚠');
      assert.equal(headerText('two\nlines'), 'two lines');
    });
  });

  describe('webhook template', () => {
    const alert = makeAlert({ title: 'Claude "5-hour" usage', message: 'line 1\nline 2 \\ done', account: 'work', kind: 'threshold', limit_type: 'session', level: 'critical', pct: 95.5, threshold: 95 });
    it('JSON-escapes placeholders inside strings', () => {
      const out = JSON.parse(fillTemplate('{"text": "*{title}*\\n{message}", "who": "{account} ({level})"}', alert));
      assert.equal(out.text, '*Claude "5-hour" usage*\nline 1\nline 2 \\ done');
      assert.equal(out.who, 'work (critical)');
    });
    it('puts JSON literals for placeholders outside strings', () => {
      const out = JSON.parse(fillTemplate('{"pct": {pct}, "threshold": {threshold}, "resetsAt": {resetsAt}, "title": {title}}', alert));
      assert.deepEqual(out, { pct: 95.5, threshold: 95, resetsAt: null, title: 'Claude "5-hour" usage' });
    });
    it('turns an unknown value inside a string into empty text', () => {
      assert.deepEqual(JSON.parse(fillTemplate('{"r": "resets {resetsAt}"}', alert)), { r: 'resets ' });
    });
    it('leaves unknown braces and escaped quotes alone', () => {
      assert.deepEqual(JSON.parse(fillTemplate('{"a": "{nope} \\"{kind}\\""}', alert)), { a: '{nope} "threshold"' });
    });
    it('reports a template that is not JSON', () => {
      assert.match(templateProblem('{"text": {title}'), /not valid JSON/);
      assert.equal(templateProblem(''), null);
      assert.equal(templateProblem('{"text": "{title}"}'), null);
    });
  });

  describe('destination queues', () => {
    it('runs tasks for one destination one at a time, in order', async () => {
      const q = new DestinationQueues();
      const log = [];
      const task = (name, ms) => () => new Promise((r) => setTimeout(() => (log.push(name), r(name)), ms));
      const results = await Promise.all([q.run('a', task('a1', 20)), q.run('a', task('a2', 1)), q.run('b', task('b1', 1)), q.run('a', task('a3', 1))]);
      assert.deepEqual(results, ['a1', 'a2', 'b1', 'a3']);
      assert.deepEqual(log.filter((n) => n.startsWith('a')), ['a1', 'a2', 'a3']);
      assert.ok(log.indexOf('b1') < log.indexOf('a1'), 'another destination does not wait');
      assert.equal(q.pending('a'), 0);
    });
    it('keeps going after a failed task', async () => {
      const q = new DestinationQueues();
      await assert.rejects(q.run('a', async () => { throw new Error('x'); }));
      assert.equal(await q.run('a', async () => 'next'), 'next');
    });
    it('refuses more than its limit of waiting tasks', async () => {
      const q = new DestinationQueues(2);
      let release;
      const gate = new Promise((r) => (release = r));
      const first = q.run('a', () => gate);
      const second = q.run('a', async () => 2);
      await assert.rejects(q.run('a', async () => 3), QueueFullError);
      release(1);
      assert.deepEqual(await Promise.all([first, second]), [1, 2]);
    });
  });

  describe('channel node glue', () => {
    const en = translator('claude-channels', 'en-US');
    const de = translator('claude-channels', 'de');
    it('words the sent time as a clock time only, in English and German', () => {
      assert.equal(sentText(new Date('2026-11-22T14:05:59Z'), 'UTC', en), 'sent 14:05');
      assert.equal(sentText(new Date('2026-11-22T14:05:00Z'), 'Europe/Berlin', en), 'sent 15:05');
      assert.equal(sentText(new Date('2026-11-22T14:05:00Z'), 'UTC', de), 'gesendet 14:05');
    });
    it('words retry waits, in English and German', () => {
      assert.equal(retryingText(12_000, en), 'retrying in 12s');
      assert.equal(retryingText(300, en), 'retrying in 1s');
      assert.equal(retryingText(150_000, en), 'retrying in 3m');
      assert.equal(retryingText(12_000, de), 'neuer Versuch in 12s');
    });
    it('falls back to stored credentials for __PWRD__ and empty values', () => {
      assert.deepEqual(testCredentials(['token', 'user'], { token: '__PWRD__', user: 'typed' }, { token: 'stored', user: 'old' }), { token: 'stored', user: 'typed' });
      assert.deepEqual(testCredentials(['token'], { token: '' }, undefined), { token: '' });
    });
    it('reads delivery tuning from settings, ignoring nonsense', () => {
      assert.deepEqual(deliverySettings({ claudeUsage: { delivery: { baseDelayMs: '5', maxDelayMs: 20, timeoutMs: -1, maxHintMs: 'x' } } }), { baseDelayMs: 5, maxDelayMs: 20 });
      assert.deepEqual(deliverySettings(undefined), {});
    });
    it('never delivers an alert without text', () => {
      assert.equal(alertToDeliver({}).message, '(no text)');
      assert.equal(alertToDeliver({ topic: 'T' }).message, '');
      assert.equal(alertToDeliver({ payload: { a: 1 } }).message, '{"a":1}');
    });
    it('refuses header values a request cannot carry', () => {
      assert.deepEqual(parseHeaders('{"X-A": "b", "X-N": 2}'), { 'X-A': 'b', 'X-N': '2' });
      assert.throws(() => parseHeaders('{"X-A": "b\\r\\nInjected: 1"}'), /line breaks/);
      assert.throws(() => parseHeaders('{"bad name": "x"}'), /not a valid header name/);
    });
    it('coerces choices and texts', () => {
      assert.equal(choiceProp({ method: 'PUT' }, 'method', ['POST', 'PUT'], 'POST'), 'PUT');
      assert.equal(choiceProp({ method: 'DELETE' }, 'method', ['POST', 'PUT'], 'POST'), 'POST');
      assert.equal(textProp({ chatId: 42 }, 'chatId'), '42');
      assert.equal(textProp({ chatId: { a: 1 } }, 'chatId', 'x'), 'x');
    });
  });

  describe('urlSecrets', () => {
    it('lists the URL and the parts a service might echo alone', () => {
      const s = urlSecrets('https://hooks.slack.com/services/T000/B000/XXXXfakeSecretXXXX?token=abc123def456');
      assert.ok(s.includes('https://hooks.slack.com/services/T000/B000/XXXXfakeSecretXXXX?token=abc123def456'));
      assert.ok(s.includes('XXXXfakeSecretXXXX'));
      assert.ok(s.includes('abc123def456'));
      assert.ok(!s.includes('services'), 'plain words are not secrets');
    });
  });
});
