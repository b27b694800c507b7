'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { formatPct, formatDuration, formatReset, formatClock, minutesUntil, resolveTimeZone } = lib('format');
const { parseRetryAfter, backoffDelay } = lib('retry');
const { redact } = lib('redact');
const { alertFromMessage, makeAlert, alertMessage } = lib('alert');

describe('lib/format', () => {
  it('formats percentages to one decimal', () => {
    assert.equal(formatPct(91.24), '91.2');
    assert.equal(formatPct(90), '90');
    assert.equal(formatPct(99.96), '100');
  });
  it('formats durations as days, hours and minutes', () => {
    assert.equal(formatDuration(72), '1h 12m');
    assert.equal(formatDuration(60), '1h');
    assert.equal(formatDuration(0.4), '0m');
    assert.equal(formatDuration(-5), '0m');
    assert.equal(formatDuration(1500), '1d 1h');
  });
  it('formats reset times in the configured zone with a relative part', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    assert.equal(formatReset('2026-11-22T11:12:00Z', 'Europe/Berlin', now), 'resets 12:12 (in 1h 12m)');
    assert.equal(formatReset(null, 'UTC', now), '');
    assert.equal(formatReset('garbage', 'UTC', now), '');
    assert.equal(formatClock(new Date('2026-11-25T09:00:00Z'), 'UTC', now), 'Wed 09:00');
  });
  it('falls back to the system zone for an invalid name', () => {
    assert.notEqual(resolveTimeZone('Not/AZone'), 'Not/AZone');
    assert.equal(resolveTimeZone('Asia/Tokyo'), 'Asia/Tokyo');
  });
  it('counts minutes until a time, never negative', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    assert.equal(minutesUntil('2026-11-22T12:03:20Z', now), 123);
    assert.equal(minutesUntil('2026-11-22T09:00:00Z', now), 0);
    assert.equal(minutesUntil(null, now), null);
  });
});

describe('lib/retry', () => {
  const now = Date.parse('2026-11-22T10:00:00Z');
  it('reads Retry-After in seconds and as an HTTP date', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 10:01:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter(['7'], now), 7000);
  });
  it('treats 0, past dates and garbage as not given', () => {
    assert.equal(parseRetryAfter('0', now), null);
    assert.equal(parseRetryAfter('Sun, 22 Nov 2026 09:00:00 GMT', now), null);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(undefined, now), null);
  });
  it('backs off exponentially up to the cap', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 9].map((a) => backoffDelay(a, 1000, 10_000)), [1000, 2000, 4000, 8000, 10_000, 10_000]);
  });
});

describe('lib/redact', () => {
  it('removes secrets and their URL-encoded form', () => {
    const key = 'sk-ant-sid01-abc/def+ghi';
    assert.equal(redact(`x ${key} y ${encodeURIComponent(key)}`, [key]), 'x [redacted] y [redacted]');
  });
  it('ignores empty and very short secrets', () => {
    assert.equal(redact('a b c', ['', undefined, 'b']), 'a b c');
  });
});

describe('lib/alert', () => {
  it('keeps a given alert and fills what is missing', () => {
    const a = alertFromMessage({ topic: 't', payload: 'p', alert: { title: 'T', kind: 'threshold', level: 'critical', pct: 91.2 } });
    assert.equal(a.title, 'T');
    assert.equal(a.message, 'p');
    assert.equal(a.level, 'critical');
    assert.equal(a.pct, 91.2);
    assert.equal(a.threshold, null);
  });
  it('makes an info message alert from any message', () => {
    const a = alertFromMessage({ topic: 'Hello', payload: { n: 1 } }, new Date('2026-11-22T10:00:00Z'));
    assert.deepEqual(a, { title: 'Hello', message: '{"n":1}', account: '', kind: 'message', limit_type: '', pct: null, threshold: null, resetsAt: null, level: 'info', at: '2026-11-22T10:00:00.000Z' });
  });
  it('puts title and message in topic and payload', () => {
    const alert = makeAlert({ title: 'T', message: 'M', account: 'a', kind: 'reset', limit_type: 'session', level: 'info' });
    assert.deepEqual(Object.keys(alertMessage(alert)), ['topic', 'payload', 'alert']);
    assert.equal(alertMessage(alert).topic, 'T');
  });
});
