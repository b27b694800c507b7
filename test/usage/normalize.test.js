'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { normalizeUsage } = lib('claude/normalize');
const { usageResponseSchema } = lib('schemas/index');
const { legacyUsage, limitsUsage } = require('../fakes/claude');

const now = new Date('2026-11-22T10:00:00Z');
const parse = (raw) => normalizeUsage(usageResponseSchema.parse(raw), now);

describe('claude/normalize', () => {
  it('reads the legacy generation', () => {
    const u = parse(legacyUsage({ session: 62.4, weekly: 44.1, opus: 12, extra: 1234, sessionResetsAt: '2026-11-22T12:03:00+00:00' }));
    assert.deepEqual(u.session, { pct: 62.4, resetsAt: '2026-11-22T12:03:00+00:00', resetsInMinutes: 123 });
    assert.equal(u.weekly.pct, 44.1);
    assert.deepEqual(u.limits.map((l) => [l.id, l.kind, l.label]), [
      ['session', 'session', '5-hour'],
      ['weekly', 'weekly', 'Weekly'],
      ['weekly:opus', 'weekly_scoped', 'Weekly · Opus'],
    ]);
    assert.deepEqual(u.extraUsage, { enabled: true, usedCredits: 12.34, monthlyLimit: 50, currency: 'USD', pct: 24.7, disabledReason: null, severity: null });
  });

  it('reads the limits[] generation to the same shape', () => {
    const legacy = parse(legacyUsage({ session: 62.4, weekly: 44.1, opus: 12, sessionResetsAt: '2026-11-22T14:05:00Z', weeklyResetsAt: '2026-11-27T09:00:00Z' }));
    const modern = parse(limitsUsage({ session: 62.4, weekly: 44.1, opus: 12, sessionResetsAt: '2026-11-22T14:05:00Z', weeklyResetsAt: '2026-11-27T09:00:00Z' }));
    assert.deepEqual(modern.limits, legacy.limits);
    assert.deepEqual(modern.session, legacy.session);
  });

  it('keeps one entry per id when both generations describe a window; limits[] wins', () => {
    const raw = { ...legacyUsage({ session: 10, weekly: 20 }), ...limitsUsage({ session: 11, weekly: 21 }) };
    const u = parse(raw);
    assert.deepEqual(u.limits.map((l) => [l.id, l.pct]), [['session', 11], ['weekly', 21]]);
    assert.equal(u.session.pct, 11);
  });

  it('keeps unknown windows under their own key', () => {
    const u = parse({ five_hour: { utilization: 5, resets_at: null }, seven_day_cowork: { utilization: 7, resets_at: null }, iguana_necktie: { utilization: 1.5, resets_at: '2026-11-23T00:00:00Z' } });
    assert.deepEqual(u.limits.map((l) => [l.id, l.kind]), [['session', 'session'], ['seven_day_cowork', 'other'], ['iguana_necktie', 'other']]);
    assert.equal(u.limits[2].label, 'Iguana Necktie');
  });

  it('names per-model windows in lower case and keeps other limits[] ids', () => {
    const u = parse({ limits: [{ kind: 'weekly', percent: 3, resets_at: null, scope: { model: { display_name: 'Fable' } } }, { id: 'seven_day_cowork', kind: 'weekly', group: 'cowork', percent: 9, resets_at: null }, { kind: 'monthly_thing', percent: 1 }] });
    assert.deepEqual(u.limits.map((l) => l.id), ['weekly:fable', 'seven_day_cowork', 'monthly_thing']);
  });

  it('treats {} and all-null as valid (free plan)', () => {
    const empty = { session: null, weekly: null, limits: [], extraUsage: null, breakdown: null, pools: [] };
    assert.deepEqual(parse({}), empty);
    assert.deepEqual(parse({ five_hour: null, seven_day: null, seven_day_opus: null, extra_usage: null, limits: null }), empty);
  });

  it('skips a window whose utilization is null', () => {
    const u = parse({ five_hour: { utilization: 5, resets_at: null }, seven_day_opus: { utilization: null, resets_at: null } });
    assert.deepEqual(u.limits.map((l) => l.id), ['session']);
  });

  it('accepts pct above 100 and ignores unknown fields', () => {
    const u = parse({ five_hour: { utilization: 104.2, resets_at: null, some_new_field: { x: 1 } }, brand_new: 'string value', another: 3 });
    assert.equal(u.session.pct, 104.2);
    assert.equal(u.session.resetsInMinutes, null);
  });

  it('rejects a usage object with wrong types through the schema', () => {
    assert.equal(usageResponseSchema.safeParse({ limits: 'nope' }).success, false);
    assert.equal(usageResponseSchema.safeParse([]).success, false);
  });
});
