'use strict';
// The status-line body rules and the kept state / payload (plain modules, no Node-RED).
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');

const { parseStatuslineBody, readStatusline, senderHost, STATUSLINE_MAX_BYTES } = lib('schemas/statusline');
const { mergeReport, dropExpired, nextExpiry, windowsKey, hasNoWindows, statuslinePayload, restoreKept, restoreSamples } = lib('claude/statusline');

const NOW = new Date('2026-12-07T10:00:00Z');
const at = (minutes) => new Date(NOW.getTime() + minutes * 60_000);
const epoch = (date) => Math.floor(date.getTime() / 1000);

function body({ five, seven, extra = {} } = {}) {
  const rate_limits = {};
  if (five !== undefined) rate_limits.five_hour = five;
  if (seven !== undefined) rate_limits.seven_day = seven;
  return {
    session_id: 'abc-123',
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    version: '2.1.281',
    cost: { total_cost_usd: 1.5 },
    context_window: { used_percentage: 33 },
    rate_limits,
    ...extra,
  };
}

function read(value) {
  const r = readStatusline(value);
  assert.equal(r.ok, true, r.error);
  return r;
}

describe('claude-statusline body (schemas/statusline)', function () {
  it('refuses what is not a JSON object, without quoting it', function () {
    for (const text of ['', 'nope /home/me/x', '[1]', 'null', '42', '"/home/me/x"']) {
      const r = parseStatuslineBody(text);
      assert.equal(r.ok, false, text);
      assert.match(r.error, /not valid JSON|must be a JSON object/);
      assert.doesNotMatch(r.error, /home/);
    }
    assert.equal(STATUSLINE_MAX_BYTES, 65536);
  });

  it('reads both windows and what claudeCode reports', function () {
    const r = read(body({ five: { used_percentage: 42.5, resets_at: epoch(at(90)) }, seven: { used_percentage: '18', resets_at: '2026-12-10T08:00:00+01:00' } }));
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(r.report, {
      sessionId: 'abc-123',
      model: 'claude-opus-5-5',
      version: '2.1.281',
      sessionCostUSD: 1.5,
      contextPct: 33,
      windows: {
        session: { pct: 42.5, resetsAt: at(90).toISOString() },
        weekly: { pct: 18, resetsAt: '2026-12-10T07:00:00.000Z' },
      },
    });
  });

  it('reads resets_at as epoch seconds, a numeric string, epoch milliseconds or ISO text', function () {
    const want = '2026-12-07T12:00:00.000Z';
    const s = Date.parse(want) / 1000;
    for (const v of [s, String(s), ` ${s} `, s * 1000, want]) {
      assert.equal(read(body({ five: { used_percentage: 1, resets_at: v } })).report.windows.session.resetsAt, want, String(v));
    }
  });

  it('treats null and missing as absent, never as a bad request', function () {
    const r = read({ rate_limits: { five_hour: { used_percentage: null, resets_at: 1 }, seven_day: null } });
    assert.deepEqual(r.report.windows, {});
    assert.deepEqual(r.warnings, []);
    assert.deepEqual(read({}).report, { sessionId: null, model: null, version: null, sessionCostUSD: null, contextPct: null, windows: {} });
    const nulls = read(body({ five: { used_percentage: 5, resets_at: null }, extra: { session_id: null, model: null, version: null, cost: null, context_window: { used_percentage: null } } }));
    assert.deepEqual(nulls.report, { sessionId: null, model: null, version: null, sessionCostUSD: null, contextPct: null, windows: { session: { pct: 5, resetsAt: null } } });
    assert.equal(read(body({ extra: { model: { display_name: 'Opus 5.5' } } })).report.model, 'Opus 5.5', 'display_name when there is no id');
  });

  it('leaves out a window that is not a number in 0–1000 or has no usable time, with a warning naming the field only', function () {
    const r = read(body({
      five: { used_percentage: 1000.5, resets_at: null },
      seven: { used_percentage: 10, resets_at: '/home/me/secret' },
    }));
    assert.deepEqual(r.report.windows, {});
    assert.equal(r.warnings.length, 2);
    assert.match(r.warnings[0], /^rate_limits\.five_hour\.used_percentage is 1000\.5, not a number from 0 to 1000/);
    assert.match(r.warnings[1], /^rate_limits\.seven_day\.resets_at is text, not a time/);
    assert.doesNotMatch(r.warnings.join(' '), /secret/);
    for (const [five, words] of [
      [{ used_percentage: -1 }, /is -1/],
      [{ used_percentage: 'x' }, /is text/],
      [{ used_percentage: [] }, /is a list/],
      [{ used_percentage: 5, resets_at: 1 }, /resets_at is 1, not a time/],
      ['50%', /five_hour is text, not an object/],
    ]) {
      const w = read(body({ five, seven: { used_percentage: 3 } }));
      assert.deepEqual(Object.keys(w.report.windows), ['weekly'], 'the other window still counts');
      assert.match(w.warnings[0], words);
    }
    assert.match(read({ rate_limits: [1] }).warnings[0], /rate_limits is a list/);
    assert.equal(read(body({ five: { used_percentage: 1000 } })).report.windows.session.pct, 1000);
  });

  it('reads only the named fields: paths, prompts and other fields never reach the report', function () {
    const MARK = 'SECRET-PATH-MARK';
    const r = read(body({
      five: { used_percentage: 7, note: MARK },
      extra: {
        cwd: `/Users/me/${MARK}`,
        transcript_path: `/Users/me/${MARK}.jsonl`,
        workspace: { current_dir: MARK },
        session_id: `../${MARK}`,
        model: { id: `/etc/${MARK}`, display_name: `C:\\${MARK}` },
        version: `/${MARK}`,
        cost: { total_cost_usd: 2, note: MARK },
      },
    }));
    assert.doesNotMatch(JSON.stringify(r), new RegExp(MARK));
    assert.deepEqual([r.report.sessionId, r.report.model, r.report.version, r.report.sessionCostUSD], [null, null, null, 2]);
  });

  it('uses own properties only and takes a huge hostile field', function () {
    const proto = JSON.parse('{"rate_limits":{"__proto__":{"used_percentage":5},"constructor":{"used_percentage":6}}}');
    assert.deepEqual(read(proto).report.windows, {});
    const huge = 'a'.repeat(4 * 1024 * 1024);
    const r = read({ session_id: huge, model: { id: huge }, version: huge, rate_limits: { five_hour: { used_percentage: huge, resets_at: huge } } });
    assert.deepEqual([r.report.sessionId, r.report.model, r.report.version, r.report.windows], [null, null, null, {}]);
  });

  it('names the sender from X-Claude-Host, else "unknown"', function () {
    assert.equal(senderHost(' mbp-work '), 'mbp-work');
    assert.equal(senderHost("Anna's MacBook (2)"), "Anna's MacBook (2)");
    for (const h of [undefined, '', '   ', '/home/me', 'C:\\Users', 'a'.repeat(65), 'x\ny']) assert.equal(senderHost(h), 'unknown', String(h));
  });
});

describe('claude-statusline state (claude/statusline)', function () {
  const reportOf = (b) => read(b).report;

  it('merges reports: the newest wins, a window a report lacks keeps its value while it holds', function () {
    let kept = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(30)) }, seven: { used_percentage: 20, resets_at: epoch(at(3000)) } })), 'desk', NOW);
    assert.equal(kept.receivedAt, NOW.toISOString());
    assert.deepEqual(kept.claudeCode, { host: 'desk', sessionId: 'abc-123', model: 'claude-opus-5-5', version: '2.1.281', sessionCostUSD: 1.5, contextPct: 33 });
    kept = mergeReport(kept, reportOf(body({ seven: { used_percentage: 22, resets_at: epoch(at(3000)) }, extra: { session_id: 'other' } })), 'laptop', at(10));
    assert.equal(kept.windows.session.pct, 40, 'kept');
    assert.equal(kept.windows.session.reportedAt, NOW.toISOString());
    assert.equal(kept.windows.weekly.pct, 22);
    assert.deepEqual([kept.claudeCode.host, kept.claudeCode.sessionId], ['laptop', 'other']);
    kept = mergeReport(kept, reportOf(body({ seven: { used_percentage: 23, resets_at: epoch(at(3000)) } })), 'laptop', at(31));
    assert.equal(kept.windows.session, undefined, 'its reset passed');
    assert.equal(hasNoWindows(kept), false);
    assert.equal(hasNoWindows(mergeReport(null, reportOf({}), 'x', NOW)), true);
    assert.equal(hasNoWindows(null), true);
  });

  it('drops a window at its resetsAt; one with no reset time after one window length', function () {
    const kept = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: null }, seven: { used_percentage: 20, resets_at: epoch(at(60)) } })), 'desk', NOW);
    assert.equal(nextExpiry(kept), at(60).getTime());
    assert.deepEqual(Object.keys(dropExpired(kept, at(59)).windows), ['session', 'weekly']);
    const later = dropExpired(kept, at(60));
    assert.deepEqual(Object.keys(later.windows), ['session']);
    assert.equal(nextExpiry(later), at(300).getTime());
    assert.deepEqual(dropExpired(later, at(300)).windows, {});
    assert.equal(nextExpiry(dropExpired(later, at(300))), null);
    assert.equal(nextExpiry(null), null);
  });

  it('keys a message on each window’s pct and resetsAt only', function () {
    const a = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(60)) } })), 'desk', NOW);
    const sameFigures = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(60)) }, extra: { session_id: 'x', cost: { total_cost_usd: 9 } } })), 'laptop', at(1));
    const newReset = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(61)) } })), 'desk', NOW);
    assert.equal(windowsKey(a), windowsKey(sameFigures));
    assert.notEqual(windowsKey(a), windowsKey(newReset));
    assert.equal(windowsKey(null), '');
  });

  it('builds the claude-usage-shaped payload, pace from the samples', function () {
    const first = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(120)) } })), 'desk', NOW);
    const p1 = statuslinePayload({ account: 'laptops', kept: first, samples: [], now: NOW });
    assert.deepEqual(p1, {
      account: 'laptops',
      organization: null,
      plan: null,
      planTier: null,
      source: 'statusline',
      fetchedAt: NOW.toISOString(),
      session: { pct: 40, resetsAt: at(120).toISOString(), resetsInMinutes: 120 },
      weekly: null,
      limits: [{ id: 'session', kind: 'session', label: '5-hour', pct: 40, resetsAt: at(120).toISOString(), resetsInMinutes: 120, severity: null, active: null, lockedReason: null }],
      extraUsage: null,
      breakdown: null,
      pools: [],
      pace: { session: null, weekly: null },
      cookie: null,
      claudeCode: { host: 'desk', sessionId: 'abc-123', model: 'claude-opus-5-5', version: '2.1.281', sessionCostUSD: 1.5, contextPct: 33 },
    });
    const samples = [{ fetchedAt: NOW.toISOString(), pct: { session: 40 }, resetsAt: { session: at(120).toISOString() } }];
    const second = mergeReport(first, reportOf(body({ five: { used_percentage: 45, resets_at: epoch(at(120)) } })), 'desk', at(30));
    const p2 = statuslinePayload({ account: 'laptops', kept: second, samples, now: at(30) });
    assert.deepEqual(p2.pace.session, { pctPerHour: 10, projectedPctAtReset: 60, exhaustsAt: at(30 + 330).toISOString() });
    assert.equal(p2.session.resetsInMinutes, 90);
    // the same report again replaces its own sample rather than adding a second one
    const p3 = statuslinePayload({ account: 'laptops', kept: second, samples: [...samples, { fetchedAt: at(30).toISOString(), pct: { session: 99 } }], now: at(30) });
    assert.deepEqual(p3.pace.session, p2.pace.session);
  });

  it('reads kept state back, and refuses damaged state', function () {
    const kept = mergeReport(null, reportOf(body({ five: { used_percentage: 40, resets_at: epoch(at(120)) } })), 'desk', NOW);
    assert.deepEqual(restoreKept(JSON.parse(JSON.stringify(kept))), kept);
    for (const bad of [
      null,
      'x',
      { ...kept, receivedAt: 'yesterday' },
      { ...kept, windows: { session: { pct: 'x', resetsAt: null, reportedAt: NOW.toISOString() } } },
      { ...kept, windows: { constructor: kept.windows.session } },
      { ...kept, cwd: '/home/me' },
      { ...kept, claudeCode: { ...kept.claudeCode, host: '' } },
    ]) {
      assert.equal(restoreKept(bad), null, JSON.stringify(bad));
    }
    const samples = [1, 2, 3].map((i) => ({ fetchedAt: at(i).toISOString(), pct: { session: i } }));
    assert.deepEqual(restoreSamples(samples, 2), samples.slice(1));
    assert.equal(restoreSamples([{ fetchedAt: 12, pct: null }], 10), null);
    assert.equal(restoreSamples({ length: 1 }, 10), null);
  });
});
