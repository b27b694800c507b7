'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { MIN, HOUR, usagePayload, randomTimeline, randomSettings } = require('./timeline');
const { referenceAlerts } = require('./reference');

const { judge, emptyState, clearAccount, restoreState, parseSettings, sampleTime, describeAccount } = lib('threshold/index');
const { isWindowReset } = lib('threshold/engine');

const T0 = Date.parse('2026-11-22T10:00:00Z');
const FAR_FUTURE = Date.parse('2100-01-01T00:00:00Z');

function settings(props = {}) {
  const { settings: s, problems } = parseSettings({ timezone: 'UTC', ...props });
  assert.deepEqual(problems, []);
  return s;
}

/** Runs payloads through the engine as the node does; returns every alert. */
function run(payloads, s, { roundTrip = false } = {}) {
  let state = emptyState();
  const alerts = [];
  for (const p of payloads) {
    const r = judge(state, p, s, FAR_FUTURE);
    state = roundTrip ? restoreState(JSON.parse(JSON.stringify(r.state))) : r.state;
    alerts.push(...r.alerts);
  }
  return { alerts, state };
}

const brief = (a) => ({ kind: a.kind, account: a.account, limit_type: a.limit_type, threshold: a.threshold, pct: a.pct, level: a.level, at: a.at });
const iso = (ms) => new Date(ms).toISOString();

/** One account's 5-hour window at the given minutes after T0: [[minute, pct], …]. */
function sessionSeries(points, resetsAt = T0 + 5 * HOUR, account = 'work') {
  return points.map(([minute, pct, r]) => usagePayload(account, T0 + minute * MIN, { session: { pct, resetsAt: iso(r ?? resetsAt) } }));
}

describe('threshold engine: rules', () => {
  it('follows the example timeline of the help and README', () => {
    const s = settings({ notifyReset: true });
    const payloads = sessionSeries([
      [0, 62],
      [30, 78],
      [60, 96],
      [90, 68],
      [120, 80],
      [299, 81],
      [300, 81],
      [330, 0.4, T0 + 10 * HOUR],
    ]);
    const got = run(payloads, s).alerts.map((a) => [a.at.slice(11, 16), a.kind, a.threshold]);
    assert.deepEqual(got, [
      ['10:30', 'threshold', 75],
      ['11:00', 'threshold', 95],
      ['15:00', 'threshold', 75],
      ['15:30', 'reset', null],
    ]);
  });

  it('sends one alert for the highest of several thresholds crossed at once; the lower ones count as fired', () => {
    const s = settings({ cooldownHours: 0 });
    const { alerts, state } = run(sessionSeries([[0, 93], [5, 94]]), s);
    assert.deepEqual(alerts.map((a) => a.threshold), [90]);
    const t = state.accounts.work.session.thresholds;
    assert.deepEqual([t['75'].armed, t['90'].armed, t['95'].armed], [false, false, true]);
    assert.equal(t['75'].lastFiredAt, T0);
  });

  it('re-arms only strictly below threshold − rearmPct', () => {
    const s = settings({ session: '80', cooldownHours: 0, rearmPct: 5 });
    const { alerts } = run(sessionSeries([[0, 80], [5, 75], [10, 80], [15, 74.9], [20, 80]]), s);
    assert.deepEqual(alerts.map((a) => a.at), [iso(T0), iso(T0 + 20 * MIN)]);
  });

  it('holds a re-armed, crossed threshold until its cooldown has passed, then fires on the first sample', () => {
    const s = settings({ session: '80', cooldownHours: 1.5 });
    const { alerts } = run(sessionSeries([[0, 85], [10, 50], [20, 85], [89, 85], [90, 85], [95, 85]]), s);
    assert.deepEqual(alerts.map((a) => a.at), [iso(T0), iso(T0 + 90 * MIN)]);
  });

  it('treats a window reset as re-arm plus cleared cooldowns', () => {
    const s = settings({ session: '50', cooldownHours: 24 });
    const next = T0 + 10 * HOUR;
    const { alerts } = run(sessionSeries([[0, 60], [301, 0.5, next], [305, 55, next]]), s);
    assert.deepEqual(alerts.map((a) => a.at), [iso(T0), iso(T0 + 305 * MIN)]);
  });

  it('detects resets exactly as the spec says', () => {
    const at = (ms) => iso(T0 + ms);
    assert.equal(isWindowReset({ pct: 50, resetsAt: at(0) }, { pct: 50, resetsAt: at(60_000) }), false, '60 s is jitter');
    assert.equal(isWindowReset({ pct: 50, resetsAt: at(0) }, { pct: 50, resetsAt: at(60_001) }), true);
    assert.equal(isWindowReset({ pct: 50, resetsAt: at(0) }, { pct: 50, resetsAt: at(-HOUR) }), false, 'earlier is not a reset');
    assert.equal(isWindowReset({ pct: 50, resetsAt: at(0) }, { pct: 1, resetsAt: at(0) }), true);
    assert.equal(isWindowReset({ pct: 50, resetsAt: at(0) }, { pct: 1.01, resetsAt: at(0) }), false);
    assert.equal(isWindowReset({ pct: 0.5, resetsAt: at(0) }, { pct: 0.5, resetsAt: at(0) }), false, 'not after a higher sample');
    assert.equal(isWindowReset({ pct: 0, resetsAt: at(0) }, { pct: 0, resetsAt: null }), true, 'idle window');
    assert.equal(isWindowReset({ pct: 0, resetsAt: null }, { pct: 0, resetsAt: null }), false);
    assert.equal(isWindowReset({ pct: 30, resetsAt: null }, { pct: 30, resetsAt: at(0) }), false);
  });

  it('sends a reset alert only for a window that fired since its previous reset', () => {
    const s = settings({ session: '80', notifyReset: true });
    const w2 = T0 + 10 * HOUR;
    const w3 = T0 + 15 * HOUR;
    const { alerts } = run(sessionSeries([[0, 50], [300, 0, w2], [310, 85, w2], [600, 0.2, w3], [900, 0, w3 + 5 * HOUR]]), s);
    assert.deepEqual(alerts.map((a) => [a.kind, a.level]), [['threshold', 'critical'], ['reset', 'info']]);
    assert.equal(alerts[1].at, iso(T0 + 600 * MIN));
  });

  it('sends a pace alert once per window when exhaustsAt falls before resetsAt', () => {
    const s = settings({ session: '', weekly: '', pace: true });
    const r1 = T0 + 5 * HOUR;
    const r2 = T0 + 10 * HOUR;
    const p = (minute, pct, resetsAt, exhaustsAt) => usagePayload('work', T0 + minute * MIN, { session: { pct, resetsAt: iso(resetsAt) } }, { sessionExhaustsAt: exhaustsAt === null ? null : iso(exhaustsAt) });
    const { alerts } = run([p(0, 10, r1, r1 + HOUR), p(5, 20, r1, r1), p(10, 30, r1, r1 - HOUR), p(15, 40, r1, r1 - 2 * HOUR), p(300, 0, r2, null), p(310, 50, r2, r2 - MIN)], s);
    assert.deepEqual(alerts.map((a) => [a.kind, a.at]), [['pace', iso(T0 + 10 * MIN)], ['pace', iso(T0 + 310 * MIN)]]);
    assert.equal(alerts[0].level, 'warning');
  });

  it('gives session and weekly crossing in one message one alert each', () => {
    const s = settings();
    const p = usagePayload('work', T0, { session: { pct: 91, resetsAt: iso(T0 + HOUR) }, weekly: { pct: 76, resetsAt: iso(T0 + 48 * HOUR) } });
    const { alerts } = run([p], s);
    assert.deepEqual(alerts.map((a) => [a.limit_type, a.threshold, a.level]), [['session', 90, 'warning'], ['weekly', 75, 'warning']]);
  });

  it('tracks every per-model weekly window on its own with the scoped list, and extra usage with the extra list', () => {
    const s = settings({ session: '', weekly: '', scoped: '50, 80', extra: '90' });
    const p = usagePayload('work', T0, { weekly: { pct: 99 }, scoped: { opus: { pct: 81 }, sonnet: { pct: 55 } } }, { extraPct: 95 });
    const { alerts } = run([p], s);
    assert.deepEqual(alerts.map((a) => [a.limit_type, a.threshold, a.level]), [['weekly:opus', 80, 'critical'], ['weekly:sonnet', 50, 'warning'], ['extra', 90, 'critical']]);
    assert.equal(alerts[2].message, 'work: extra usage at 95% of the monthly limit (threshold 90%)');
  });

  it('turns a kind off with an empty list and accepts spaces and any order', () => {
    const s = settings({ session: ' 95 ,75,  90', weekly: '' });
    assert.deepEqual(s.thresholds.session, [75, 90, 95]);
    const p = usagePayload('work', T0, { session: { pct: 80 }, weekly: { pct: 99 } });
    assert.deepEqual(run([p], s).alerts.map((a) => a.limit_type), ['session']);
  });

  it('keeps several accounts apart and clears one or all on reset', () => {
    const s = settings({ session: '80' });
    const payloads = ['work', 'home'].map((a) => usagePayload(a, T0, { session: { pct: 85, resetsAt: iso(T0 + HOUR) } }));
    let { alerts, state } = run(payloads, s);
    assert.deepEqual(alerts.map((a) => a.account), ['work', 'home']);
    state = clearAccount(state, 'work');
    assert.deepEqual(Object.keys(state.accounts), ['home']);
    const again = judge(state, payloads[0], s, FAR_FUTURE);
    assert.equal(again.alerts.length, 1, 'work fires again after its state was cleared');
    assert.equal(judge(again.state, payloads[1], s, FAR_FUTURE).alerts.length, 0, 'home kept its state');
    assert.deepEqual(clearAccount(again.state, ''), emptyState());
  });

  it('takes account names and limit ids that look like object internals as plain names', () => {
    const s = settings({ session: '80', scoped: '80' });
    const payloads = ['constructor', '__proto__', 'toString'].map((name) => {
      const p = usagePayload(name, T0, { session: { pct: 85 } });
      p.limits.push({ id: 'constructor', kind: 'weekly_scoped', label: 'odd', pct: 90, resetsAt: null });
      p.limits.push({ id: '__proto__', kind: 'weekly_scoped', label: 'odder', pct: 90, resetsAt: null });
      return p;
    });
    const { alerts, state } = run(payloads, s, { roundTrip: true });
    assert.equal(alerts.length, 9);
    assert.equal(run([...payloads, ...payloads], s).alerts.length, 9, 'every window, __proto__ included, keeps its state');
    assert.equal(run([...payloads, ...payloads], s, { roundTrip: true }).alerts.length, 9, 'also through a stored round trip');
    assert.ok(state);
  });

  it('rejects bad pct values with a warning and no change of state', () => {
    const s = settings({ session: '80' });
    const good = run(sessionSeries([[0, 50]]), s).state;
    for (const bad of ['85', Number.NaN, -1, 1000.01, null, undefined, Infinity, {}, true]) {
      const p = usagePayload('work', T0 + MIN, { session: { pct: bad, resetsAt: iso(T0 + HOUR) } });
      const r = judge(good, p, s, FAR_FUTURE);
      assert.equal(r.alerts.length, 0, String(bad));
      assert.equal(r.problems.length, 1, String(bad));
      assert.deepEqual({ ...r.problems[0], vars: { ...r.problems[0].vars, value: 'v' } }, { key: 'warn.input.pct', vars: { account: 'work', window: '5-hour', value: 'v', max: 1000 } }, String(bad));
      assert.deepEqual(r.state, good, String(bad));
    }
    const edge = judge(good, usagePayload('work', T0 + MIN, { session: { pct: 1000, resetsAt: iso(T0 + HOUR) } }), s, FAR_FUTURE);
    assert.equal(edge.alerts[0].level, 'critical', '1000 % is valid (far over the limit)');
  });

  it('ignores payloads that are not usage, with a warning', () => {
    const s = settings();
    for (const bad of [null, 'text', 42, {}, { account: 'x' }, { account: '', limits: [] }, { account: 'x', limits: 'no' }]) {
      const r = judge(emptyState(), bad, s, T0);
      assert.equal(r.account, null);
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0].key, 'warn.input.notUsage');
      assert.deepEqual(r.state, emptyState());
    }
  });

  it('uses fetchedAt as its clock unless it is missing or in the future', () => {
    assert.equal(sampleTime(T0, T0 + HOUR), T0);
    assert.equal(sampleTime(null, T0), T0);
    assert.equal(sampleTime(T0 + HOUR, T0), T0);
    assert.equal(sampleTime(T0 + 30_000, T0), T0 + 30_000);
  });

  it('restores only state of its own shape', () => {
    const s = settings();
    const { state } = run(sessionSeries([[0, 80]]), s);
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(state))), state);
    assert.equal(restoreState({ version: 2, accounts: {} }), null);
    assert.equal(restoreState({ version: 1, accounts: { a: { session: { pct: 'x' } } } }), null);
    assert.equal(restoreState(undefined), null);
  });

  it('describes an account for the node status, as values the node words', () => {
    const s = settings({ cooldownHours: 4 });
    const series = sessionSeries([[0, 62]]);
    let { state } = run(series, s);
    const session = (pct) => ({ window: 'session', name: 'session', pct });
    assert.deepEqual(describeAccount(state.accounts.work, s, T0), { fill: 'green', shape: 'dot', mode: { key: 'armed' }, levels: [session('62')] });
    ({ state } = run(sessionSeries([[0, 91], [10, 60], [60, 80]]), s));
    assert.deepEqual(describeAccount(state.accounts.work, s, T0 + 60 * MIN), { fill: 'yellow', shape: 'dot', mode: { key: 'cooldown', wait: '3h' }, levels: [session('80')] });
    ({ state } = run(sessionSeries([[0, 101.25]]), s));
    assert.deepEqual(describeAccount(state.accounts.work, s, T0), { fill: 'red', shape: 'dot', mode: { key: 'fired', pct: '95' }, levels: [session('101.3')] });
    const scoped = { 'weekly:opus': { pct: 12, resetsAt: null, thresholds: {} }, extra: { pct: 3, resetsAt: null, thresholds: {} } };
    assert.deepEqual(describeAccount(scoped, s, T0).levels, [{ window: null, name: 'opus', pct: '12' }, { window: 'extra', name: 'extra', pct: '3' }]);
  });
});

describe('threshold engine: a simulated week', () => {
  // 2016 samples, 5 minutes apart. Each 5-hour window climbs steadily to its own peak;
  // the weekly window climbs all week to 97 % and resets on day 7.
  const peaks = [40, 60, 76, 80, 91, 96, 110, 74.9, 89.9, 95];
  const start = Date.parse('2026-11-16T00:00:00Z');
  const weekEnd = start + 7 * 24 * HOUR - 30 * MIN;
  const payloads = [];
  for (let i = 0; i < 2016; i++) {
    const now = start + i * 5 * MIN;
    const windowNo = Math.floor(i / 60);
    const inWindow = (i % 60) / 59;
    const session = { pct: Math.round(peaks[windowNo % peaks.length] * inWindow * 100) / 100, resetsAt: iso(start + (windowNo + 1) * 5 * HOUR) };
    const weekly = now < weekEnd ? { pct: Math.round(((97 * (now - start)) / (weekEnd - start)) * 10) / 10, resetsAt: iso(weekEnd) } : { pct: 0.3, resetsAt: iso(weekEnd + 7 * 24 * HOUR) };
    payloads.push(usagePayload('work', now, { session, weekly }));
  }

  it('alerts each threshold once per window, in ascending order, and resets when the window does', () => {
    const s = settings({ notifyReset: true });
    const { alerts } = run(payloads, s);
    const expected = [];
    for (let windowNo = 0; windowNo * 60 < 2016; windowNo++) {
      const peak = peaks[windowNo % peaks.length];
      const fired = [75, 90, 95].filter((t) => peak * ((Math.min(59, 2015 - windowNo * 60)) / 59) >= t);
      if (windowNo > 0 && [75, 90, 95].some((t) => peaks[(windowNo - 1) % peaks.length] >= t)) expected.push(['session', 'reset', null]);
      for (const t of fired) expected.push(['session', 'threshold', t]);
    }
    const session = alerts.filter((a) => a.limit_type === 'session').map((a) => [a.limit_type, a.kind, a.threshold]);
    assert.deepEqual(session, expected);
    const weekly = alerts.filter((a) => a.limit_type === 'weekly').map((a) => [a.kind, a.threshold]);
    assert.deepEqual(weekly, [['threshold', 75], ['threshold', 90], ['threshold', 95], ['reset', null]]);
  });

  it('sends what the reference implementation sends, and the same again through a JSON round trip of the state', () => {
    for (const props of [{}, { notifyReset: true, cooldownHours: 0.25, rearmPct: 0 }, { session: '50,100', cooldownHours: 0 }]) {
      const s = settings(props);
      const ours = run(payloads, s).alerts.map(brief);
      assert.deepEqual(ours, referenceAlerts(payloads, s, FAR_FUTURE));
      assert.deepEqual(run(payloads, s, { roundTrip: true }).alerts.map(brief), ours);
    }
  });
});

describe('threshold engine: random sequences against the reference', () => {
  it('gives exactly the reference alerts for 200 seeded random timelines', () => {
    let total = 0;
    const kinds = new Set();
    for (let seed = 1; seed <= 200; seed++) {
      const payloads = randomTimeline(seed, 300);
      const s = randomSettings(seed);
      const expected = referenceAlerts(payloads, s, FAR_FUTURE);
      const ours = run(payloads, s, { roundTrip: seed % 10 === 0 }).alerts.map(brief);
      assert.deepEqual(ours, expected, `seed ${seed} (settings ${JSON.stringify(s)})`);
      total += ours.length;
      for (const a of ours) kinds.add(a.kind);
    }
    // The sequences must exercise the rules, else the comparison proves nothing.
    assert.ok(total > 3000, `only ${total} alerts`);
    assert.deepEqual([...kinds].sort(), ['pace', 'reset', 'threshold']);
  });

  it('sends nothing more when a sample arrives twice (a msg.history answer, a retried message)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const payloads = randomTimeline(seed, 300);
      const s = randomSettings(seed);
      const twice = payloads.flatMap((p) => [p, p]);
      assert.deepEqual(run(twice, s).alerts.map(brief), referenceAlerts(payloads, s, FAR_FUTURE), `seed ${seed}`);
    }
  });
});
