'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { usagePayload, HOUR, MIN } = require('./timeline');

const { parseSettings, parseThresholdList } = lib('threshold/settings');
const { judge, emptyState } = lib('threshold/index');

const NOW = Date.parse('2026-11-22T12:53:00Z');
const iso = (ms) => new Date(ms).toISOString();

function alertsFor(payload, props = {}) {
  const { settings } = parseSettings({ timezone: 'UTC', ...props });
  return judge(emptyState(), payload, settings, NOW + HOUR).alerts;
}

describe('threshold settings', () => {
  it('parses threshold lists with spaces, any order and duplicates', () => {
    assert.deepEqual(parseThresholdList(' 95, 75 ,90,,75 '), { values: [75, 90, 95], invalid: [] });
    assert.deepEqual(parseThresholdList(''), { values: [], invalid: [] });
    assert.deepEqual(parseThresholdList('0, 1000, 99.5'), { values: [0, 99.5, 1000], invalid: [] });
    assert.deepEqual(parseThresholdList('80, abc, -5, 1001'), { values: [80], invalid: ['abc', '-5', '1001'] });
  });

  it('takes the editor strings and defaults', () => {
    const { settings, problems } = parseSettings({ session: '80,90', weekly: undefined, cooldownHours: '1.5', rearmPct: '2.5', notifyReset: true, pace: 'true', timezone: 'Europe/Berlin' });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      thresholds: { session: [80, 90], weekly: [75, 90, 95], scoped: [], extra: [] },
      cooldownMs: 1.5 * HOUR,
      rearmPct: 2.5,
      notifyReset: true,
      pace: true,
      timeZone: 'Europe/Berlin',
    });
    assert.equal(parseSettings({}).settings.cooldownMs, 4 * HOUR);
    assert.equal(parseSettings({ cooldownHours: '0' }).settings.cooldownMs, 0);
  });

  it('names every property it had to fall back on', () => {
    const { settings, problems } = parseSettings({ session: '80,x', cooldownHours: 'soon', rearmPct: -1, timezone: 'Mars/Olympus' });
    assert.deepEqual(settings.thresholds.session, [80]);
    assert.equal(settings.cooldownMs, 4 * HOUR);
    assert.equal(settings.rearmPct, 5);
    assert.deepEqual(problems, [
      { key: 'warn.thresholds', vars: { kind: 'session', values: '"x"', max: 1000 } },
      { key: 'warn.cooldownHours', vars: { value: 'soon', fallback: 4 } },
      { key: 'warn.rearmPct', vars: { value: '-1', fallback: 5 } },
      { key: 'warn.timezone', vars: { value: 'Mars/Olympus' } },
    ]);
  });
});

describe('threshold alert text', () => {
  it('words a threshold alert as the spec shows it', () => {
    const p = usagePayload('work', NOW, { session: { pct: 91.2, resetsAt: '2026-11-22T14:05:00Z' } });
    const [a] = alertsFor(p);
    assert.deepEqual(a, {
      title: 'Claude 5-hour usage at 91%',
      message: 'work: 5-hour window at 91.2% (threshold 90%), resets 14:05 (in 1h 12m)',
      account: 'work',
      kind: 'threshold',
      limit_type: 'session',
      pct: 91.2,
      threshold: 90,
      resetsAt: '2026-11-22T14:05:00Z',
      level: 'warning',
      at: iso(NOW),
    });
  });

  it('shows reset times in the configured zone, with the weekday when more than a day away', () => {
    const p = usagePayload('work', NOW, { weekly: { pct: 96.04, resetsAt: '2026-11-25T09:00:00Z' } });
    const [a] = alertsFor(p, { timezone: 'America/New_York' });
    assert.equal(a.title, 'Claude Weekly usage at 96%');
    assert.equal(a.message, 'work: Weekly window at 96% (threshold 95%), resets Wed 04:00 (in 2d 20h)');
    assert.equal(a.level, 'critical');
  });

  it('words per-model, reset and pace alerts', () => {
    const scoped = alertsFor(usagePayload('home', NOW, { scoped: { opus: { pct: 80.06, resetsAt: null } } }), { scoped: '80' });
    assert.equal(scoped[0].title, 'Claude Weekly · Opus usage at 80%');
    assert.equal(scoped[0].message, 'home: Weekly · Opus window at 80.1% (threshold 80%)');
    assert.equal(scoped[0].limit_type, 'weekly:opus');

    const { settings } = parseSettings({ timezone: 'UTC', notifyReset: true, pace: true });
    const first = usagePayload('work', NOW - 10 * MIN, { session: { pct: 96, resetsAt: '2026-11-22T13:00:00Z' } });
    const next = usagePayload('work', NOW, { session: { pct: 0.5, resetsAt: '2026-11-22T18:00:00Z' } }, { sessionExhaustsAt: '2026-11-22T14:30:00Z' });
    const s1 = judge(emptyState(), first, settings, NOW);
    const [reset, pace] = judge(s1.state, next, settings, NOW).alerts;
    assert.deepEqual([reset.kind, reset.level, reset.title, reset.message], ['reset', 'info', 'Claude 5-hour window reset', 'work: 5-hour window has reset (now 0.5%), resets 18:00 (in 5h 7m)']);
    assert.deepEqual([pace.kind, pace.level, pace.title], ['pace', 'warning', 'Claude 5-hour usage on pace to run out']);
    assert.equal(pace.message, 'work: 5-hour window at 0.5% runs out at 14:30 (in 1h 37m) at the current pace, before it resets 18:00 (in 5h 7m)');
  });

  it('says "now" when the pace has already run the window out', () => {
    const p = usagePayload('work', NOW, { session: { pct: 100, resetsAt: '2026-11-22T14:00:00Z' } }, { sessionExhaustsAt: '2026-11-22T12:00:00Z' });
    const pace = alertsFor(p, { session: '', pace: true }).find((a) => a.kind === 'pace');
    assert.match(pace.message, /runs out now at the current pace/);
  });
});
