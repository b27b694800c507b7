'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { planFromOrganization, planFromClaudeCode, pickOrganization } = lib('claude/plan');
const { parseSessionKey, cookieExpiry, rotatedSessionKey } = lib('claude/cookie');
const { computePace } = lib('claude/pace');
const { demoUsage, DEMO_SPEEDUP } = lib('claude/demo');
const { nextPollDelay, intervalMs } = lib('claude/schedule');
const { UsageError } = lib('claude/errors');
const { onPollFailure, onPollSuccess, initialAlertState } = lib('claude/account-alerts');
const { keepSample, historyOf } = lib('claude/payload');

describe('claude/plan', () => {
  it('detects plans from organizations', () => {
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat', 'claude_max'], rate_limit_tier: 'default_claude_max_20x' }), 'max_20x');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat', 'claude_max'], rate_limit_tier: 'default_claude_max_5x' }), 'max_5x');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat', 'claude_pro'] }), 'pro');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat', 'raven'], raven_type: 'team' }), 'team');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat', 'raven'], raven_type: 'enterprise' }), 'enterprise');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['chat'] }), 'free');
    assert.equal(planFromOrganization({ uuid: 'a', capabilities: ['api'] }), null);
  });
  it('detects plans from Claude Code logins', () => {
    assert.equal(planFromClaudeCode('max', 'default_claude_max_20x'), 'max_20x');
    assert.equal(planFromClaudeCode('max', null), 'max_5x');
    assert.equal(planFromClaudeCode('pro', null), 'pro');
    assert.equal(planFromClaudeCode(null, null), null);
  });
  it('picks the configured org, else the chat one', () => {
    const orgs = [{ uuid: 'api', capabilities: ['api'] }, { uuid: 'chat', capabilities: ['chat'] }];
    assert.equal(pickOrganization(orgs, '').uuid, 'chat');
    assert.equal(pickOrganization(orgs, 'api').uuid, 'api');
    assert.equal(pickOrganization(orgs, 'missing'), undefined);
  });
});

describe('claude/cookie', () => {
  it('accepts bare keys, pairs and whole cookie headers', () => {
    assert.equal(parseSessionKey(' sk-ant-sid01-AbC_d-9 '), 'sk-ant-sid01-AbC_d-9');
    assert.equal(parseSessionKey('sessionKey=sk-ant-sid02-xyz'), 'sk-ant-sid02-xyz');
    assert.equal(parseSessionKey('a=1; sessionKey=sk-ant-sid99-future; b=2'), 'sk-ant-sid99-future');
    assert.equal(parseSessionKey('not a key'), null);
    assert.equal(parseSessionKey(''), null);
  });
  it('assumes expiry 28 days after pasting', () => {
    const e = cookieExpiry('2026-11-01T10:00:00.000Z', new Date('2026-11-22T10:00:00Z'));
    assert.deepEqual(e, { expiresAt: '2026-11-29T10:00:00.000Z', daysLeft: 7 });
    assert.deepEqual(cookieExpiry('', new Date()), { expiresAt: null, daysLeft: null });
  });
  it('takes a rotated non-empty key from Set-Cookie and ignores an empty one', () => {
    assert.equal(rotatedSessionKey({ status: 200, headers: { 'set-cookie': ['x=1', 'sessionKey=sk-ant-sid01-new; Path=/'] }, body: '' }), 'sk-ant-sid01-new');
    assert.equal(rotatedSessionKey({ status: 200, headers: { 'set-cookie': 'sessionKey=; Max-Age=0' }, body: '' }), null);
  });
});

describe('claude/pace', () => {
  const sample = (min, pct, resetsAt = '2026-11-22T15:00:00Z') => ({ fetchedAt: new Date(Date.parse('2026-11-22T10:00:00Z') + min * 60_000).toISOString(), pct: { session: pct }, resetsAt: { session: resetsAt } });
  it('computes rate, projection and exhaustion from the current window', () => {
    const p = computePace([sample(0, 10), sample(30, 15), sample(60, 20)], 'session');
    assert.deepEqual(p, { pctPerHour: 10, projectedPctAtReset: 60, exhaustsAt: '2026-11-22T19:00:00.000Z' });
  });
  it('ignores samples from before a reset', () => {
    const p = computePace([sample(0, 80, '2026-11-22T10:30:00Z'), sample(40, 2), sample(100, 12)], 'session');
    assert.equal(p.pctPerHour, 10);
  });
  it('needs two samples a minute apart', () => {
    assert.equal(computePace([sample(0, 10)], 'session'), null);
    assert.equal(computePace([sample(0, 10), sample(0.5, 11)], 'session'), null);
  });
  it('says exhausted now at 100% and never when flat', () => {
    assert.equal(computePace([sample(0, 90), sample(10, 100)], 'session').exhaustsAt, sample(10, 100).fetchedAt);
    assert.equal(computePace([sample(0, 20), sample(10, 20)], 'session').exhaustsAt, null);
  });
});

describe('claude/demo', () => {
  it('climbs within a window and resets with it, 30x faster than real time', () => {
    assert.equal(DEMO_SPEEDUP, 30);
    const t0 = Date.parse('2026-11-22T10:00:00Z');
    let last = demoUsage('work', t0);
    let resets = 0;
    for (let s = 30; s <= 1800; s += 30) {
      const u = demoUsage('work', t0 + s * 1000);
      if (u.five_hour.resets_at !== last.five_hour.resets_at) {
        resets++;
        assert.ok(Date.parse(u.five_hour.resets_at) - Date.parse(last.five_hour.resets_at) === 600_000, 'a demo session window lasts 10 minutes');
      } else {
        assert.ok(u.five_hour.utilization >= last.five_hour.utilization, 'usage never falls within a window');
      }
      assert.ok(u.five_hour.utilization >= 0 && u.five_hour.utilization <= 100);
      last = u;
    }
    assert.ok(resets >= 2 && resets <= 3, `${resets} resets in 30 minutes`);
  });
  it('from its start: past 75 % within two minutes, 100 % and a reset within six', () => {
    for (const name of ['work', 'home', 'demo']) {
      const start = Date.parse('2026-11-22T10:00:17Z');
      const at = (s) => demoUsage(name, start + s * 1000, start).five_hour;
      assert.ok(at(0).utilization < 75, `${name} starts below 75 %`);
      assert.ok(at(120).utilization >= 75, `${name}: ${at(120).utilization} % after two minutes`);
      const resetS = (Date.parse(at(0).resets_at) - start) / 1000;
      assert.ok(resetS > 120 && resetS <= 360, `${name} resets after ${resetS} s`);
      assert.ok(at(resetS - 1).utilization >= 99, `${name} is full as it resets`);
      assert.equal(at(resetS - 20).utilization, 100, `${name} stays at 100 % for its last seconds`);
      assert.ok(at(resetS + 1).utilization < 10, `${name} starts a new window`);
    }
  });
  it('a demo source keeps its start across redeploys in one process', async () => {
    const { DemoSource } = lib('claude/client');
    let now = Date.parse('2026-11-22T10:00:00Z');
    const first = new DemoSource('work', () => now);
    now += 90_000;
    const again = new DemoSource('work', () => now);
    assert.deepEqual((await again.fetchUsage()).raw.five_hour, (await first.fetchUsage()).raw.five_hour);
  });
  it('differs between accounts', () => {
    const t = Date.parse('2026-11-22T10:03:00Z');
    assert.notDeepEqual(demoUsage('work', t), demoUsage('home', t));
  });
});

describe('claude/schedule', () => {
  const err = (code, retryAfterMs) => new UsageError(code, 'x', { retryAfterMs });
  it('enforces the 30 s minimum, the one-day maximum and the default', () => {
    assert.equal(intervalMs('10'), 30_000);
    assert.equal(intervalMs('3000000'), 86_400_000);
    assert.equal(intervalMs('120'), 120_000);
    assert.equal(intervalMs('nonsense'), 300_000);
  });
  it('backs off transient failures exponentially, capped at the interval', () => {
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((n) => nextPollDelay(300_000, n, err('NETWORK'))), [15_000, 30_000, 60_000, 120_000, 240_000, 300_000]);
  });
  it('comes back when Retry-After says and polls lasting failures at the interval', () => {
    assert.equal(nextPollDelay(300_000, 1, err('RATE_LIMITED', 600_000)), 600_000);
    assert.equal(nextPollDelay(300_000, 4, err('RATE_LIMITED', 1_000)), 1_000, "the server's word, not the backoff");
    assert.equal(nextPollDelay(300_000, 2, err('RATE_LIMITED', null)), 30_000);
    assert.equal(nextPollDelay(300_000, 1, err('RATE_LIMITED', 3_000_000_000)), 86_400_000, 'never past what setTimeout can wait');
    assert.equal(nextPollDelay(300_000, 1, err('SESSION_EXPIRED')), 300_000);
    assert.equal(nextPollDelay(300_000, 0, null), 300_000);
  });
});

describe('claude/account-alerts', () => {
  const now = new Date('2026-11-22T10:00:00Z');
  it('alerts once when the session expires and once when it recovers', () => {
    let s = initialAlertState();
    let r = onPollFailure(s, new UsageError('SESSION_EXPIRED', 'refused'), 'work', now);
    assert.deepEqual(r.alerts.map((a) => [a.kind, a.level, a.limit_type]), [['session-expired', 'critical', 'account']]);
    r = onPollFailure(r.state, new UsageError('SESSION_EXPIRED', 'refused'), 'work', now);
    assert.equal(r.alerts.length, 0);
    r = onPollFailure(r.state, new UsageError('NETWORK', 'down'), 'work', now);
    assert.equal(r.alerts.length, 0);
    r = onPollSuccess(r.state, 'work', null, 7, now);
    assert.deepEqual(r.alerts.map((a) => a.kind), ['recovered']);
    assert.match(r.alerts[0].message, /3 failed polls/);
    assert.equal(onPollSuccess(r.state, 'work', null, 7, now).alerts.length, 0);
  });
  it('alerts on a Cloudflare block; network errors alone make no alert', () => {
    assert.deepEqual(onPollFailure(initialAlertState(), new UsageError('BLOCKED', 'cf'), 'w', now).alerts.map((a) => a.kind), ['blocked']);
    const r = onPollFailure(initialAlertState(), new UsageError('NETWORK', 'x'), 'w', now);
    assert.equal(r.alerts.length, 0);
    assert.equal(onPollSuccess(r.state, 'w', null, 7, now).alerts.length, 0);
  });
  it('warns of cookie expiry at most once a day within warnDays', () => {
    const cookie = { expiresAt: '2026-11-27T10:00:00.000Z', daysLeft: 5 };
    let r = onPollSuccess(initialAlertState(), 'w', cookie, 7, now);
    assert.deepEqual(r.alerts.map((a) => [a.kind, a.title]), [['cookie-expiring', 'Claude session cookie expires in 5 days']]);
    r = onPollSuccess(r.state, 'w', cookie, 7, new Date(now.getTime() + 23 * 3600_000));
    assert.equal(r.alerts.length, 0);
    r = onPollSuccess(r.state, 'w', cookie, 7, new Date(now.getTime() + 24 * 3600_000));
    assert.equal(r.alerts.length, 1);
    assert.equal(onPollSuccess(initialAlertState(), 'w', { expiresAt: '2026-12-20T10:00:00.000Z', daysLeft: 28 }, 7, now).alerts.length, 0);
  });
});

describe('claude/payload', () => {
  it('keeps at most the configured number of samples and exposes {fetchedAt, pct}', () => {
    let s = [];
    for (let i = 0; i < 5; i++) s = keepSample(s, { fetchedAt: `t${i}`, pct: { session: i }, resetsAt: { session: null } }, 3);
    assert.deepEqual(historyOf(s), [{ fetchedAt: 't2', pct: { session: 2 } }, { fetchedAt: 't3', pct: { session: 3 } }, { fetchedAt: 't4', pct: { session: 4 } }]);
  });
});
