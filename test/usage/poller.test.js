'use strict';
// The poll controller on its own: fake account, fake store, events as the node gets them.
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');

const { UsagePoller } = lib('claude/poller');
const { UsageError } = lib('claude/errors');

const resetsAt = () => new Date(Date.now() + 3600_000).toISOString();
const snapshot = (pct) => ({
  organization: null,
  plan: 'max_5x',
  planTier: null,
  source: 'cookie',
  raw: { five_hour: { utilization: pct, resets_at: resetsAt() }, seven_day: { utilization: 10, resets_at: resetsAt() } },
});

function setup({ answers, kept = {}, auth = 'cookie', onEvent = () => {} }) {
  const events = [];
  const store = new Map(Object.entries(kept));
  const account = {
    name: 'me',
    auth,
    warnDays: 7,
    calls: 0,
    async fetchUsage() {
      const a = answers[Math.min(account.calls++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return snapshot(a);
    },
    cookie: () => null,
  };
  const poller = new UsagePoller(account, { get: async (k) => store.get(k), set: async (k, v) => void store.set(k, v) }, { intervalMs: 60_000, maxSamples: 10 }, (e) => {
    events.push(e);
    onEvent(e);
  });
  const settle = () => new Promise((r) => setTimeout(r, 20));
  return { poller, events, store, account, settle };
}

describe('UsagePoller', () => {
  it('polls once for a burst of requests, answers every waiter and keeps the sample', async () => {
    const { poller, events, store, account, settle } = setup({ answers: [42] });
    poller.request('a');
    poller.request('b');
    await settle();
    poller.close();
    assert.equal(account.calls, 1);
    assert.deepEqual(events.map((e) => e.type), ['polling', 'polled']);
    assert.deepEqual(events[1].waiters, ['a', 'b']);
    assert.equal(events[1].payload.session.pct, 42);
    assert.equal(store.get('history').length, 1);
    assert.equal(store.get('last').session.pct, 42);
  });

  it('reports a failure once per spell, and stops the timer for a key that cannot work', async () => {
    const expired = new UsageError('SESSION_EXPIRED', 'session expired');
    const { poller, events, settle } = setup({ answers: [expired] });
    poller.request();
    await settle();
    poller.request();
    await settle();
    poller.close();
    const failed = events.filter((e) => e.type === 'failed');
    assert.equal(failed.length, 2);
    assert.deepEqual(failed.map((e) => [e.report, e.stopped]), [[true, true], [false, true]]);
    assert.ok(events.some((e) => e.type === 'alerts' && e.alerts.some((a) => a.kind === 'session-expired')), 'a session-expired account alert');
  });

  it('backs off and keeps its timer for a failure that may pass', async () => {
    const { poller, events, settle } = setup({ answers: [new UsageError('NETWORK', 'down')] });
    poller.request();
    await settle();
    poller.close();
    const failed = events.find((e) => e.type === 'failed');
    assert.equal(failed.stopped, false);
    assert.ok(failed.retryInMs > 0 && failed.retryInMs <= 60_000);
  });

  it('drops a damaged kept value with a notice and never trusts it', async () => {
    const { poller, events, store } = setup({ answers: [5], kept: { history: 'not samples', last: { nonsense: true } } });
    const { payload, history } = await poller.history();
    poller.close();
    assert.equal(payload, null);
    assert.deepEqual(history, []);
    const notices = events.filter((e) => e.type === 'notice').map((e) => e.notice);
    assert.deepEqual(notices.map((n) => [n.key, n.name]), [['damaged', 'history'], ['damaged', 'last']]);
    assert.equal(store.get('history'), undefined);
  });

  it('answers the waiters of a poll the node closed under with dropped', async () => {
    let release;
    const { poller, events, account } = setup({ answers: [1] });
    account.fetchUsage = () => new Promise((r) => (release = () => r(snapshot(1))));
    poller.request('w');
    await new Promise((r) => setTimeout(r, 10));
    poller.close();
    release();
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(events.map((e) => e.type), ['polling', 'dropped']);
    assert.deepEqual(events[1].waiters, ['w']);
  });
});

describe('UsagePoller timers', () => {
  const sinon = require('sinon');
  let clock;
  beforeEach(() => (clock = sinon.useFakeTimers({ now: Date.parse('2026-11-20T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] })));
  afterEach(() => clock.restore());
  const flush = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it('polls again after the interval, and leaves no timer after close', async () => {
    const { poller, account } = setup({ answers: [10, 20] });
    poller.request();
    await flush();
    assert.equal(account.calls, 1);
    assert.equal(clock.countTimers(), 1, 'the next poll is scheduled');
    await clock.tickAsync(60_000);
    await flush();
    assert.equal(account.calls, 2);
    poller.close();
    assert.equal(clock.countTimers(), 0);
  });

  it('keeps its next try after a failure whose event handler throws', async () => {
    const onEvent = (e) => {
      if (e.type === 'failed') throw new Error('handler broke');
    };
    const { poller, account, events } = setup({ answers: [new UsageError('NETWORK', 'down'), 20], onEvent });
    poller.request();
    await flush();
    assert.equal(account.calls, 1);
    assert.ok(events.some((e) => e.type === 'notice' && e.notice.key === 'unexpected'), 'the throw is told as a notice');
    assert.equal(clock.countTimers(), 1, 'the retry is scheduled');
    await clock.tickAsync(60_000);
    await flush();
    assert.equal(account.calls, 2, 'the retry ran');
    poller.close();
  });

  it('leaves no timer after a session that cannot recover, and an input still polls', async () => {
    const { poller, account } = setup({ answers: [new UsageError('SESSION_EXPIRED', 'expired')] });
    poller.request();
    await flush();
    assert.equal(clock.countTimers(), 0);
    await clock.tickAsync(3_600_000);
    assert.equal(account.calls, 1, 'no poll of its own');
    poller.request('input');
    await flush();
    assert.equal(account.calls, 2);
    poller.close();
  });
});
