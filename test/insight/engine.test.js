'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { T0, MIN, HOUR, iso, SESSION_END, official, logs, telemetry, limitReached } = require('./messages');

const { step, parseSettings, emptyState, startState } = lib('insight/index');
const { median } = lib('insight/engine');

const NOW = T0 + 30 * 24 * HOUR;

function settings(props = {}) {
  const { settings: s, problems } = parseSettings(props);
  assert.deepEqual(problems, []);
  return s;
}

/** Feeds messages through the engine as the node does; returns the last step and every alert. */
function run(messages, s = settings(), { roundTrip = false, state = emptyState(s.account || null) } = {}) {
  let last = null;
  const alerts = [];
  const reports = [];
  for (const msg of messages) {
    last = step(state, msg, s, NOW);
    state = roundTrip ? startState(JSON.parse(JSON.stringify(last.state)), s).state : last.state;
    alerts.push(...last.alerts);
    if (last.report) reports.push(last.report);
  }
  return { last, state, alerts, reports, report: reports.at(-1) };
}

const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-6, `${msg ?? ''} ${a} ≠ ${b}`);
const hosts = (w) => Object.fromEntries(w.byHost.map((h) => [h.host, h.pct]));
const hostTokens = (w) => Object.fromEntries(w.byHost.map((h) => [h.host, h.tokens]));

/** The spec's invariant: hosts + elsewhere + unknown = pct while the window never fell. */
function assertAddsUp(w) {
  const parts = w.byHost.reduce((s, h) => s + h.pct, 0) + w.elsewherePct + w.unknownPct;
  assert.ok(Math.abs(parts - w.pct) < 0.01, `hosts ${JSON.stringify(w.byHost)} + elsewhere ${w.elsewherePct} + unknown ${w.unknownPct} ≠ ${w.pct}`);
}

describe('insight engine: attribution', () => {
  it('splits a rise over several hosts by the tokens each counted since the previous rise', () => {
    const { report } = run([
      logs('laptop', 10_000),
      logs('desktop', 50_000),
      official(0, 10),
      logs('laptop', 13_000),
      logs('desktop', 51_000),
      official(5, 14),
      logs('build', 0),
      logs('build', 4_000),
      logs('laptop', 14_000),
      official(10, 19),
    ]);
    const w = report.windows.session;
    assert.equal(w.unknownPct, 10);
    assert.equal(w.elsewherePct, 0);
    // 14: laptop 3k, desktop 1k → 3 and 1; 19: build 4k, laptop 1k → 4 and 1.
    assert.deepEqual(hosts(w), { laptop: 4, build: 4, desktop: 1 });
    assert.deepEqual(w.byHost.map((h) => h.host), ['build', 'laptop', 'desktop'], 'largest pct first (ties: more tokens, then by name)');
    assert.deepEqual(hostTokens(w), { laptop: 4_000, build: 4_000, desktop: 1_000 });
    assert.equal(w.tokens, 9_000);
    close(w.costUSD, 0.09);
    assertAddsUp(w);
  });

  it('keeps tokens counted while the window stands still for its next rise', () => {
    const { reports } = run([logs('laptop', 0), official(0, 20), logs('laptop', 2_000), official(5, 20), logs('laptop', 3_000), official(10, 20), official(15, 22)]);
    const still = reports[2].windows.session;
    assert.deepEqual(hosts(still), { laptop: 0 }, 'no rise yet: nothing attributed');
    assert.equal(still.tokens, 3_000, 'waiting tokens count in the window');
    const risen = reports[3].windows.session;
    assert.deepEqual(hosts(risen), { laptop: 2 });
    assert.equal(risen.tokens, 3_000);
    assertAddsUp(risen);
  });

  it('counts a rise with no tokens as elsewhere, and one since a sample taken before any count as unknown', () => {
    const { reports } = run([official(0, 5), official(5, 8), logs('laptop', 100), official(10, 10), official(15, 13), logs('laptop', 1_100), official(20, 15)]);
    const at = (i) => reports[i].windows.session;
    assert.deepEqual([at(0).unknownPct, at(0).elsewherePct], [5, 0], 'the first sample is unknown');
    assert.deepEqual([at(1).unknownPct, at(1).elsewherePct], [8, 0], 'no source had counted');
    assert.deepEqual([at(2).unknownPct, at(2).elsewherePct], [10, 0], 'since a sample taken before the first count');
    assert.deepEqual([at(3).unknownPct, at(3).elsewherePct], [10, 3], 'counted, but no tokens: elsewhere');
    assert.deepEqual(hosts(at(4)), { laptop: 2 });
    for (let i = 0; i < 5; i++) assertAddsUp(at(i));
  });

  it('takes a counter that falls as a new baseline', () => {
    const { report } = run([logs('laptop', 5_000), official(0, 10), logs('laptop', 6_000), logs('laptop', 200), logs('laptop', 700), official(5, 13)]);
    const w = report.windows.session;
    assert.equal(w.tokens, 1_500);
    assert.deepEqual(hosts(w), { laptop: 3 });
    assert.equal(report.windows.session.tokensPerPct, null, 'below minCalibrationPct');
  });

  it('counts the larger rise when two sources report the same host, never the sum', () => {
    const { reports } = run([
      logs('laptop', 1_000),
      telemetry([['laptop', 10], ['desktop', 0]]),
      official(0, 10),
      logs('laptop', 3_000),
      telemetry([['laptop', 2_010], ['desktop', 2_000]]),
      official(5, 14),
      // The log reader is down: the telemetry's rise counts.
      telemetry([['laptop', 3_010], ['desktop', 2_000]]),
      official(10, 15),
      // Telemetry missed part of it: the logs' larger rise counts.
      logs('laptop', 6_000),
      telemetry([['laptop', 4_010], ['desktop', 2_000]]),
      official(15, 18),
    ]);
    assert.deepEqual(hosts(reports[1].windows.session), { laptop: 2, desktop: 2 });
    assert.deepEqual(hosts(reports[2].windows.session), { laptop: 3, desktop: 2 });
    assert.deepEqual(hostTokens(reports[3].windows.session), { laptop: 6_000, desktop: 2_000 });
    assert.deepEqual(hosts(reports[3].windows.session), { laptop: 6, desktop: 2 });
    assertAddsUp(reports[3].windows.session);
  });

  it('reads every window on its own: session and weekly rise at different times', () => {
    const { reports } = run([logs('laptop', 0), official(0, 10, 30), logs('laptop', 1_000), official(5, 12, 30), logs('laptop', 3_000), official(10, 12, 31)]);
    const last = reports.at(-1).windows;
    assert.deepEqual(hosts(last.session), { laptop: 2 });
    assert.deepEqual(hostTokens(last.session), { laptop: 3_000 }, '2k still waiting for a session rise');
    assert.deepEqual(hosts(last.weekly), { laptop: 1 });
    assert.deepEqual(hostTokens(last.weekly), { laptop: 3_000 }, 'the weekly rise took all 3k');
    assert.equal(last.weekly.windowStart, iso(Date.parse(last.weekly.resetsAt) - 7 * 24 * HOUR));
    assert.equal(last.session.windowStart, iso(SESSION_END - 5 * HOUR));
  });

  it('treats a fall as no rise', () => {
    const { report } = run([logs('laptop', 0), official(0, 10), logs('laptop', 1_000), official(5, 8), official(10, 9)]);
    const w = report.windows.session;
    assert.deepEqual(hosts(w), { laptop: 1 }, 'the 1k waited through the fall to the rise 8 → 9');
    assert.equal(w.pct, 9);
  });
});

describe('insight engine: window resets', () => {
  it('closes a window when resetsAt moves on; tokens between its last sample and the reset belong to neither', () => {
    const s = settings({ minCalibrationPct: 5 });
    const { reports } = run(
      [
        logs('laptop', 0),
        official(0, 30),
        logs('laptop', 10_000),
        official(10, 40),
        logs('laptop', 12_000), // waits for a rise that never comes: counts in the old window
        official(15, 40),
        logs('laptop', 20_000), // after the old window's last sample: in neither window
        official(20, { pct: 3, resetsAt: SESSION_END + 5 * HOUR }),
        logs('laptop', 21_000),
        official(25, { pct: 4, resetsAt: SESSION_END + 5 * HOUR }),
      ],
      s,
    );
    const closed = reports[3].calibration.session;
    assert.equal(closed.length, 1);
    assert.deepEqual(closed[0], { windowStart: iso(SESSION_END - 5 * HOUR), windowEnd: iso(SESSION_END), pct: 40, tokens: 12_000, tokensPerPct: 1000, costPerPct: 0.01 });
    const fresh = reports[3].windows.session;
    assert.equal(fresh.unknownPct, 3, "the new window's first sample is unknown");
    assert.deepEqual(fresh.byHost, []);
    assert.equal(fresh.tokens, 0);
    const next = reports[4].windows.session;
    assert.deepEqual(hosts(next), { laptop: 1 });
    assert.equal(next.tokens, 1_000);
    assertAddsUp(next);
  });

  it('sees a reset as claude-threshold does: pct <= 1 after a higher sample, and 0 % with no reset time', () => {
    const { reports } = run([official(0, 50), official(5, { pct: 0.8 }), official(10, 20), official(15, { pct: 0, resetsAt: null }), official(20, { pct: 0, resetsAt: null })]);
    assert.deepEqual(reports.map((r) => r.calibration.session.length), [0, 1, 1, 2, 2]);
    assert.equal(reports[3].windows.session.windowStart, null, 'no reset time, no window start');
    // A small shift of resetsAt (jitter) is no reset.
    const jitter = run([official(0, 50), official(5, { pct: 51, resetsAt: SESSION_END + 30_000 })]);
    assert.equal(jitter.report.calibration.session.length, 0);
  });
});

describe('insight engine: calibration', () => {
  it('gives tokens and cost per 1 % only once the attributed rise reaches minCalibrationPct', () => {
    const s = settings({ minCalibrationPct: 10 });
    const { reports } = run([logs('laptop', 0), official(0, 5), logs('laptop', 8_000, 0.4), official(5, 9), official(6, 12), logs('laptop', 16_000, 0.8), official(10, 18)], s);
    const w = (i) => reports[i].windows.session;
    assert.equal(w(1).tokensPerPct, null, '4 attributed points');
    assert.equal(w(2).tokensPerPct, null, '3 points elsewhere do not count toward it');
    assert.equal(w(2).elsewherePct, 3);
    assert.equal(w(3).tokensPerPct, 1_600, '16k tokens over 4 + 6 attributed points');
    close(w(3).costPerPct, 0.08);
    const low = run([logs('laptop', 0), official(0, 5), logs('laptop', 8_000), official(5, 13)], settings({ minCalibrationPct: 8 }));
    assert.equal(low.report.windows.session.tokensPerPct, 1_000, 'exactly at the minimum');
  });

  /** `windows` closed windows of `perPct` tokens per 1 % (20 points each), then a current window at `now` per 1 %. */
  function history(perPcts, current, s) {
    const msgs = [logs('laptop', 0)];
    let tokens = 0;
    let minute = 0;
    let end = SESSION_END;
    for (const perPct of [...perPcts, current]) {
      msgs.push(official((minute += 1), { pct: 2, resetsAt: end }));
      tokens += perPct * 20;
      msgs.push(logs('laptop', tokens));
      msgs.push(official((minute += 1), { pct: 22, resetsAt: end }));
      end += 5 * HOUR;
    }
    return run(msgs, s);
  }

  it('sends cap-changed once when 1 % buys fewer tokens than the median of the kept windows', () => {
    const { alerts, report } = history([1_000, 1_100, 900, 1_050], 600, settings());
    assert.deepEqual(report.calibration.session.map((c) => c.tokensPerPct), [1_000, 1_100, 900, 1_050]);
    const cap = alerts.filter((a) => a.kind === 'cap-changed');
    assert.equal(cap.length, 1);
    assert.equal(cap[0].level, 'warning');
    assert.equal(cap[0].limit_type, 'session');
    assert.equal(cap[0].pct, 22);
    assert.equal(cap[0].threshold, null);
    // The median of 900, 1000, 1050, 1100 is 1025; 600 is 41.5 % below.
    assert.match(cap[0].title, /cap looks smaller/);
    assert.match(cap[0].message, /^work: 1% of the 5-hour window now buys 600 tokens, 41\.5% fewer than the median of the last 4 windows \(1,025\)$/);
  });

  it('sends cap-changed when 1 % buys more, and nothing within capChangePct or with fewer than 3 kept windows', () => {
    const more = history([1_000, 1_000, 1_000], 1_300, settings());
    const up = more.alerts.filter((a) => a.kind === 'cap-changed');
    assert.equal(up.length, 1);
    assert.match(up[0].title, /cap looks larger/);
    assert.match(up[0].message, /1,300 tokens, 30% more than the median of the last 3 windows \(1,000\)/);
    assert.equal(history([1_000, 1_000, 1_000], 1_250, settings()).alerts.filter((a) => a.kind === 'cap-changed').length, 0, 'exactly 25 % is not more than 25 %');
    assert.equal(history([1_000, 1_000, 1_000], 750, settings()).alerts.filter((a) => a.kind === 'cap-changed').length, 0);
    assert.equal(history([1_000, 1_000], 100, settings()).alerts.filter((a) => a.kind === 'cap-changed').length, 0, 'two kept windows say nothing');
    assert.equal(history([1_000, 1_000, 1_000], 1_300, settings({ capChangePct: 40 })).alerts.filter((a) => a.kind === 'cap-changed').length, 0);
  });

  it('keeps the last windowsKept closed windows of each kind', () => {
    const msgs = [];
    for (let i = 0; i < 15; i++) {
      msgs.push(official(2 * i, { pct: 10 + i, resetsAt: SESSION_END + i * 5 * HOUR }, { pct: 40 + i }));
      msgs.push(official(2 * i + 1, { pct: 30 + i, resetsAt: SESSION_END + i * 5 * HOUR }, { pct: 40 + i }));
    }
    const { report } = run(msgs, settings({ windowsKept: 12 }));
    assert.equal(report.calibration.session.length, 12);
    assert.deepEqual(report.calibration.session.map((c) => c.pct), Array.from({ length: 12 }, (_, i) => 32 + i), 'oldest dropped first');
    assert.equal(report.calibration.weekly.length, 0);
    assert.equal(run(msgs, settings({ windowsKept: 0 })).report.calibration.session.length, 0);
  });

  it('takes the median of an odd and an even count', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([]), null);
  });
});

describe('insight engine: alerts and ledger', () => {
  it('sends usage-elsewhere once per window when elsewhere reaches elsewherePct points; 0 turns it off', () => {
    const msgs = [logs('laptop', 0), official(0, 10), official(5, 12), official(10, 13), official(15, 20), official(20, { pct: 2, resetsAt: SESSION_END + 5 * HOUR }), official(25, { pct: 6, resetsAt: SESSION_END + 5 * HOUR })];
    const { alerts } = run(msgs, settings({ elsewherePct: 3 }));
    const elsewhere = alerts.filter((a) => a.kind === 'usage-elsewhere');
    assert.deepEqual(elsewhere.map((a) => [a.pct, a.limit_type, a.level]), [[13, 'session', 'warning'], [6, 'session', 'warning']]);
    assert.match(elsewhere[0].message, /^work: 3 points of the 5-hour window \(now 13%\) rose while no machine wired in counted tokens \(claude\.ai, the apps, Cowork, another machine, or a source that is down\)$/);
    assert.equal(run(msgs, settings({ elsewherePct: 0 })).alerts.length, 0);
  });

  it('enters the first sample at or above 100 % of a window in the ledger and sends one limit-hit', () => {
    const { alerts, report } = run([official(0, 90, 50), official(5, 100, 60), official(10, 104, 61), official(15, { pct: 2, resetsAt: SESSION_END + 5 * HOUR }, 62), official(20, { pct: 100, resetsAt: SESSION_END + 5 * HOUR }, 100)]);
    assert.deepEqual(report.ledger, [
      { at: iso(T0 + 5 * MIN), limit: 'session', resetsAt: iso(SESSION_END), source: 'official' },
      { at: iso(T0 + 20 * MIN), limit: 'session', resetsAt: iso(SESSION_END + 5 * HOUR), source: 'official' },
      { at: iso(T0 + 20 * MIN), limit: 'weekly', resetsAt: report.windows.weekly.resetsAt, source: 'official' },
    ]);
    const hits = alerts.filter((a) => a.kind === 'limit-hit');
    assert.deepEqual(hits.map((a) => [a.limit_type, a.level, a.pct, a.at]), [['session', 'critical', 100, iso(T0 + 5 * MIN)], ['session', 'critical', 100, iso(T0 + 20 * MIN)], ['weekly', 'critical', 100, iso(T0 + 20 * MIN)]]);
    assert.equal(hits[0].title, 'Claude 5-hour limit reached');
    assert.match(hits[0].message, /^work: 5-hour window at 100%, resets /);
  });

  it('enters every limit-reached alert passed in, keeps the last 50, and answers each with output 1', () => {
    const msgs = [];
    for (let i = 0; i < 60; i++) msgs.push(limitReached(iso(T0 + i * MIN), { host: i % 2 ? 'laptop' : undefined, limit: i % 3 ? 'weekly' : null }));
    const { reports, report } = run(msgs);
    assert.equal(reports.length, 60);
    assert.equal(report.ledger.length, 50);
    assert.deepEqual(report.ledger[0], { at: iso(T0 + 10 * MIN), limit: 'weekly', resetsAt: null, source: 'laptop' });
    assert.deepEqual(report.ledger.at(-1), { at: iso(T0 + 59 * MIN), limit: 'weekly', resetsAt: null, source: 'laptop' });
    assert.equal(report.ledger[2].limit, null);
    assert.equal(report.ledger[2].source, 'laptop');
  });

  it('takes the ledger source from alert.host and null when there is none', () => {
    const msg = limitReached(iso(T0), { resetsAt: iso(SESSION_END) });
    delete msg.alert.host;
    assert.deepEqual(run([msg]).report.ledger, [{ at: iso(T0), limit: 'session', resetsAt: iso(SESSION_END), source: null }]);
  });
});

describe('insight engine: inputs', () => {
  it('ignores other alerts without a word and warns about anything else without changing state', () => {
    const s = settings();
    const state = run([official(0, 10)], s).state;
    const other = step(state, { alert: { kind: 'block-ending', at: iso(T0) } }, s, NOW);
    assert.deepEqual([other.problems, other.report, other.changed], [[], null, false]);
    for (const payload of ['text', null, 42, [], { account: 'work' }, { period: {}, blocks: [] }, { period: { totalTokens: 5 }, blocks: [] }, { period: { totalTokens: -5 }, blocks: [], host: 'x' }]) {
      const r = step(state, { payload }, s, NOW);
      assert.equal(r.problems.length, 1, JSON.stringify(payload));
      assert.equal(r.state, state);
      assert.equal(r.changed, false);
      assert.equal(r.report, null);
    }
  });

  it('answers msg.insight = true with output 1, also before any sample', () => {
    const s = settings({ account: 'work' });
    const r = step(emptyState('work'), { insight: true }, s, NOW);
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.report, { account: 'work', at: iso(NOW), windows: { session: null, weekly: null }, calibration: { session: [], weekly: [] }, ledger: [] });
  });

  it('follows the configured account, or the first one seen, and ignores the others', () => {
    const first = run([official(0, 10, 5, 'home'), official(1, 20, 5, 'work'), official(2, 12, 5, 'home')]);
    assert.equal(first.report.account, 'home');
    assert.equal(first.report.windows.session.pct, 12);
    assert.equal(first.last.otherAccount, null);
    const s = settings({ account: 'work' });
    const r = step(emptyState('work'), official(0, 10, 5, 'home'), s, NOW);
    assert.deepEqual([r.otherAccount, r.report, r.changed], ['home', null, false]);
  });

  it('leaves out a host row or window that is bad and counts the rest', () => {
    const s = settings();
    let { state } = run([telemetry([['laptop', 0], ['desktop', 0]]), official(0, 10)], s);
    const bad = telemetry([['laptop', 1_000], ['desktop', 1_000]]);
    bad.payload.hosts[1].totalTokens = 'lots';
    const r = step(state, bad, s, NOW);
    assert.equal(r.problems.length, 1);
    assert.deepEqual(r.problems[0], { key: 'warn.input.hostLeftOut', vars: { index: 1, where: 'totalTokens' } });
    state = step(r.state, official(5, 11), s, NOW).state;
    const w = step(state, { insight: true }, s, NOW).report.windows.session;
    assert.deepEqual(hosts(w), { laptop: 1 });
    const sample = official(6, 12, 40);
    sample.payload.limits[0].pct = 'high';
    const b = step(state, sample, s, NOW);
    assert.equal(b.problems.length, 1);
    assert.equal(b.report.windows.session.pct, 11, 'the bad window is left out');
    assert.equal(b.report.windows.weekly.pct, 40);
  });

  it('uses the sample time for alerts and the ledger, the wall clock for a sample from the future', () => {
    const s = settings();
    const future = official(0, 100);
    future.payload.fetchedAt = iso(NOW + 24 * HOUR);
    const r = step(emptyState(), future, s, NOW);
    assert.equal(r.alerts[0].at, iso(NOW));
    assert.equal(r.report.ledger[0].at, iso(NOW));
  });
});

describe('insight engine: kept state', () => {
  it('gives the same answers with the state read back from JSON after every message', () => {
    const msgs = [logs('laptop', 0), telemetry([['desktop', 0]]), official(0, 10, 20), logs('laptop', 5_000), official(5, 15, 21), telemetry([['desktop', 9_000]]), official(10, 18, 22), official(15, { pct: 1, resetsAt: SESSION_END + 5 * HOUR }, 23), limitReached(iso(T0))];
    const direct = run(msgs);
    const kept = run(msgs, settings(), { roundTrip: true });
    assert.deepEqual(kept.reports, direct.reports);
  });

  it('drops a damaged kept value (with the reason) and trims a kept one to the current bounds', () => {
    const s = settings({ windowsKept: 2 });
    for (const damaged of ['text', { version: 2 }, { ...emptyState(), counters: 'x' }, { ...emptyState(), ledger: [{ at: 5 }] }]) {
      const r = startState(damaged, s);
      assert.deepEqual(r.state, emptyState());
      assert.deepEqual(r.problem, { key: 'warn.stateDamaged' });
    }
    assert.deepEqual(startState(undefined, s), { state: emptyState(), problem: null, note: null });
    const msgs = [];
    for (let i = 0; i < 6; i++) msgs.push(official(i, { pct: 20, resetsAt: SESSION_END + i * 5 * HOUR }));
    const many = run(msgs, settings({ windowsKept: 10 })).state;
    assert.equal(many.calibration.session.length, 5);
    assert.equal(startState(JSON.parse(JSON.stringify(many)), s).state.calibration.session.length, 2);
    const other = startState(JSON.parse(JSON.stringify(many)), settings({ account: 'home' }));
    assert.equal(other.state.account, 'home');
    assert.equal(other.state.windows.session, null);
    assert.deepEqual(other.note, { key: 'log.otherAccountState', vars: { kept: 'work', account: 'home' } });
  });

  it('keeps a host named __proto__ or constructor as an ordinary host', () => {
    const { report } = run([logs('__proto__', 0), logs('constructor', 0), official(0, 10), logs('__proto__', 1_000), logs('constructor', 3_000), official(5, 14)], settings(), { roundTrip: true });
    assert.deepEqual(hosts(report.windows.session), { constructor: 3, ['__proto__']: 1 });
  });
});

describe('insight engine: the parts add up', () => {
  /** Deterministic PRNG (mulberry32). */
  function prng(seed) {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  for (const seed of [1, 2, 3, 4, 5]) {
    it(`hosts + elsewhere + unknown = pct at every sample of a random timeline (seed ${seed})`, () => {
      const rnd = prng(seed);
      const s = settings({ minCalibrationPct: 5 });
      let state = emptyState();
      const counters = { laptop: 0, desktop: 0, build: 0 };
      let session = 0;
      let weekly = 0;
      let end = SESSION_END;
      let checked = 0;
      for (let i = 0; i < 400; i++) {
        const r = rnd();
        let msg;
        if (r < 0.45) {
          const host = ['laptop', 'desktop', 'build'][Math.floor(rnd() * 3)];
          counters[host] += Math.floor(rnd() * 5_000);
          if (rnd() < 0.02) counters[host] = 0; // a new billing period
          msg = rnd() < 0.5 ? logs(host, counters[host]) : telemetry(Object.entries(counters));
        } else {
          if (rnd() < 0.05) {
            session = rnd() * 3;
            end += 5 * HOUR;
          } else if (rnd() < 0.6) session += rnd() * 4;
          weekly += rnd() < 0.3 ? rnd() : 0;
          msg = official(i, { pct: Math.round(session * 10) / 10, resetsAt: end }, Math.round(weekly * 10) / 10);
        }
        const out = step(state, msg, s, NOW);
        assert.deepEqual(out.problems, []);
        state = out.state;
        if (out.report) {
          assertAddsUp(out.report.windows.session);
          assertAddsUp(out.report.windows.weekly);
          checked++;
        }
      }
      assert.ok(checked > 100);
      const w = step(state, { insight: true }, s, NOW).report.windows.session;
      assert.ok(w.byHost.length > 0);
    });
  }
});
