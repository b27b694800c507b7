'use strict';
// The services as they answer now: new limit fields, breakdown, spend, codename windows, credit
// pools, FORBIDDEN causes, and answers built to hurt (huge fields, inherited keys, many windows).
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { normalizeUsage } = lib('claude/normalize');
const { classifyResponse, forbiddenCause } = lib('claude/classify');
const { planFromOrganization, planFromClaudeCode, rawTier } = lib('claude/plan');
const { usageResponseSchema, parseUsagePayload, usageSamplesSchema, MAX_WINDOWS } = lib('schemas/index');
const { buildPayload } = lib('claude/payload');
const { newestUsage } = require('../fakes/claude');

const now = new Date('2026-11-22T10:00:00Z');
const parse = (raw) => normalizeUsage(usageResponseSchema.parse(raw), now);
const answer = (status, body, headers = {}) => ({ status, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const classify = (res, api = 'cookie') => {
  try {
    classifyResponse(res, { service: 'claude.ai', api, loginHint: 'paste a fresh key' });
  } catch (err) {
    return err;
  }
  return null;
};

describe('claude-usage payload, newest service shapes', () => {
  it('gives every limit severity, active and lockedReason; limits[] wins over stale legacy fields', () => {
    const u = parse(newestUsage({ session: 40, weekly: 55 }));
    const byId = Object.fromEntries(u.limits.map((l) => [l.id, l]));
    assert.equal(u.session.pct, 40, 'the legacy five_hour (1 %) is stale');
    assert.deepEqual([byId.session.severity, byId.session.active], ['normal', false]);
    assert.deepEqual([byId['weekly:fable'].severity, byId['weekly:fable'].active, byId['weekly:fable'].label], ['warning', true, 'Weekly · Fable']);
    assert.equal(byId['weekly:design'].lockedReason, 'design_paused');
    assert.equal(byId['weekly:design'].active, null, 'a legacy-only window does not say whether it binds');
    assert.equal(u.limits.filter((l) => l.active === true).length, 1);
  });

  it('names codename windows by product and ignores null keys and placeholders', () => {
    const w = (utilization, resets_at = '2026-11-27T09:00:00Z') => ({ utilization, resets_at });
    const u = parse({ seven_day_omelette: w(3), seven_day_cowork: w(4), seven_day_routines: w(5), seven_day_claude_routines: w(6), tangelo: null, amber_gauge: null, nimbus_quill: w(0, null), fresh_codename: w(9) });
    assert.deepEqual(u.limits.map((l) => [l.id, l.label]), [
      ['weekly:design', 'Weekly · Design'],
      ['seven_day_cowork', 'Weekly · Cowork'],
      ['seven_day_routines', 'Weekly · Routines'],
      ['seven_day_claude_routines', 'Weekly · Routines'],
      ['fresh_codename', 'Fresh Codename'],
    ]);
    assert.deepEqual(parse({ seven_day_design: w(8) }).limits.map((l) => l.id), ['weekly:design']);
    assert.deepEqual(parse({ seven_day_sonnet: w(0, null) }).limits.map((l) => [l.id, l.pct]), [['weekly:sonnet', 0]], 'a named window at 0 % stays');
  });

  it('reads weekly-only plans', () => {
    const u = parse({ five_hour: null, seven_day: { utilization: 30, resets_at: null } });
    assert.equal(u.session, null);
    assert.equal(u.weekly.pct, 30);
  });

  it('puts credit pools in pools, never in limits', () => {
    const u = parse({ iguana_necktie: { utilization: 25, resets_at: '2026-12-31T00:00:00Z', limit_dollars: 40, used_dollars: 10, remaining_dollars: null }, amber_ladder: { utilization: null, resets_at: null, limit_dollars: '5', used_dollars: null } });
    assert.deepEqual(u.limits, []);
    assert.deepEqual(u.pools, [
      { id: 'iguana_necktie', label: 'Cloud sessions credit', usedUSD: 10, limitUSD: 40, remainingUSD: 30, pct: 25, expiresAt: '2026-12-31T00:00:00Z' },
      { id: 'amber_ladder', label: 'Amber Ladder', usedUSD: null, limitUSD: 5, remainingUSD: null, pct: null, expiresAt: null },
    ]);
  });

  it('reads seven_day_breakdown, keeping unknown keys and null figures', () => {
    const u = parse({ seven_day_breakdown: { as_of: '2026-11-22T09:00:00Z', window_started_at: '2026-11-20T00:00:00Z', rows: [{ key: 'claude_code', percent: 60 }, { key: 'chat', display_name: 'Chats', percent: '30' }, { key: 'haiku_5', display_name: 'Haiku 5', percent: null }] } });
    assert.deepEqual(u.breakdown, {
      asOf: '2026-11-22T09:00:00Z',
      windowStartedAt: '2026-11-20T00:00:00Z',
      rows: [{ key: 'claude_code', label: 'Claude Code', pct: 60 }, { key: 'chat', label: 'Chats', pct: 30 }, { key: 'haiku_5', label: 'Haiku 5', pct: null }],
    });
    assert.equal(parse({ seven_day_breakdown: null }).breakdown, null);
    assert.equal(parse({ seven_day_breakdown: { rows: 'odd' } }).breakdown, null, 'a malformed breakdown reads as absent');
  });

  it('reads extra usage from spend (minor units, exponent, currency); a valid spend wins', () => {
    const u = parse({ extra_usage: { is_enabled: true, monthly_limit: 9999, used_credits: 1 }, spend: { used: { amount_minor: 1234, currency: 'JPY', exponent: 0 }, limit: { amount_minor: 5000, currency: 'JPY', exponent: 0 }, severity: 'warning', enabled: true } });
    assert.deepEqual(u.extraUsage, { enabled: true, usedCredits: 1234, monthlyLimit: 5000, currency: 'JPY', pct: 24.7, disabledReason: null, severity: 'warning' });
    const off = parse({ spend: { used: { amount_minor: 0, currency: 'USD', exponent: 2 }, enabled: false, disabled_reason: 'out_of_credits' } });
    assert.deepEqual([off.extraUsage.enabled, off.extraUsage.disabledReason, off.extraUsage.monthlyLimit], [false, 'out_of_credits', null]);
    const bad = parse({ extra_usage: { is_enabled: true, monthly_limit: 2000, used_credits: 500 }, spend: { used: { amount_minor: 'x' } } });
    assert.deepEqual([bad.extraUsage.usedCredits, bad.extraUsage.monthlyLimit], [5, 20], 'an invalid spend falls back to extra_usage');
  });

  it('counts extra_usage with a monthly limit but no is_enabled as enabled, with decimal_places', () => {
    const u = parse({ extra_usage: { monthly_limit: 200000, used_credits: 12345, decimal_places: 3, currency: 'EUR', disabled_reason: null } });
    assert.deepEqual(u.extraUsage, { enabled: true, usedCredits: 12.345, monthlyLimit: 200, currency: 'EUR', pct: 6.2, disabledReason: null, severity: null });
  });

  it('carries planTier and source into the payload', () => {
    const raw = usageResponseSchema.parse({ five_hour: { utilization: 5, resets_at: null } });
    const p = buildPayload({ account: 'a', snapshot: { organization: null, plan: null, planTier: 'default_claude_ultra_99x', source: 'claude-code', raw }, fetchedAt: now, samples: [], cookie: null });
    assert.equal(p.planTier, 'default_claude_ultra_99x');
    assert.equal(p.plan, null);
    assert.equal(p.source, 'claude-code');
    assert.equal(planFromClaudeCode('max', 'default_claude_max_20x'), 'max_20x');
  });
});

describe('claude-usage payload, hostile answers', () => {
  it('matches a 4 MiB rate_limit_tier in well under a second', () => {
    const tier = 'max'.repeat((4 * 1024 * 1024) / 3);
    const t0 = process.hrtime.bigint();
    assert.equal(planFromOrganization({ uuid: 'u', capabilities: ['chat'], rate_limit_tier: tier }), 'free');
    assert.equal(planFromClaudeCode(null, tier), null);
    assert.ok(rawTier(tier).length <= 128);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    assert.ok(ms < 1000, `took ${ms} ms`);
  });

  it('classifies a 403 with a 4 MiB message in well under a second', () => {
    const t0 = process.hrtime.bigint();
    const err = classify(answer(403, { error: { type: 'permission_error', message: 'a'.repeat(4 * 1024 * 1024) } }));
    assert.equal(err.code, 'FORBIDDEN');
    assert.ok(Number(process.hrtime.bigint() - t0) / 1e6 < 1000);
  });

  it('keeps limits whose kind is constructor, __proto__ or toString, and the other windows', () => {
    const u = parse({ limits: [{ kind: 'session', percent: 5 }, { kind: 'constructor', percent: 1 }, { kind: '__proto__', percent: 2 }, { kind: 'toString', percent: 3 }], constructor: { utilization: 4, resets_at: null } });
    assert.deepEqual(u.limits.map((l) => l.id).sort(), ['__proto__', 'constructor', 'session', 'tostring']);
    const p = buildPayload({ account: 'a', snapshot: { organization: null, plan: null, planTier: null, source: 'cookie', raw: usageResponseSchema.parse({ limits: [{ kind: '__proto__', percent: 2 }] }) }, fetchedAt: now, samples: [], cookie: null });
    const read = parseUsagePayload(JSON.parse(JSON.stringify(p)));
    assert.equal(read.ok, true);
    assert.deepEqual(read.payload.limits.map((l) => l.id), ['__proto__']);
  });

  it('reads at most 64 windows of one answer', () => {
    const limits = Array.from({ length: 100_000 }, (_, i) => ({ kind: `k${i}`, percent: 1 }));
    const keys = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`code_${i}`, { utilization: 1, resets_at: null }]));
    const u = parse({ ...keys, limits });
    assert.ok(u.limits.length <= 2 * MAX_WINDOWS, `${u.limits.length} windows`);
    assert.equal(MAX_WINDOWS, 64);
  });
});

describe('FORBIDDEN and SESSION_EXPIRED', () => {
  it('tells the three 403 causes apart, each with what to do', () => {
    const org = classify(answer(403, { type: 'error', error: { type: 'permission_error', message: 'Invalid authorization for organization', details: { error_visibility: 'user_facing' } } }));
    assert.equal(org.code, 'FORBIDDEN');
    assert.equal(org.reason, 'organization');
    assert.match(org.message, /organization/);
    assert.match(org.message, /VPN/);
    const edge = classify(answer(403, { error: { type: 'forbidden', message: 'Request not allowed' } }));
    assert.deepEqual([edge.code, edge.reason], ['FORBIDDEN', 'region']);
    assert.match(edge.message, /VPN, proxy or country/);
    const scope = classify(answer(403, { type: 'error', error: { type: 'permission_error', message: 'OAuth token does not meet scope requirement user:profile' } }), 'oauth');
    assert.deepEqual([scope.code, scope.reason], ['FORBIDDEN', 'scope']);
    assert.match(scope.message, /claude setup-token/);
    assert.match(scope.message, /log in with `claude`/i);
    for (const e of [org, edge, scope]) assert.doesNotMatch(e.message, /paste a fresh/);
  });

  it('keeps SESSION_EXPIRED for account_session_invalid and a cookie-API 401 only', () => {
    assert.equal(classify(answer(403, { error: { type: 'permission_error', message: 'Invalid authorization', details: { error_code: 'account_session_invalid' } } })).code, 'SESSION_EXPIRED');
    assert.equal(classify(answer(401, { error: { type: 'authentication_error', message: 'x' } })).code, 'SESSION_EXPIRED');
    assert.equal(classify(answer(403, { error: { type: 'permission_error', message: 'Invalid authorization' } })).code, 'FORBIDDEN');
    assert.equal(classify(answer(401, { error: { type: 'authentication_error', message: 'OAuth token has expired.' } }), 'oauth').code, 'TOKEN_EXPIRED');
    assert.equal(classify(answer(403, '<html><body>blocked</body></html>', { 'content-type': 'text/html' })).code, 'BLOCKED');
    assert.equal(forbiddenCause(403, undefined, 'cookie'), 'other');
  });
});

describe('payload schema', () => {
  it('reads older payloads (no new fields) with nulls, and says what is wrong with bad ones', () => {
    const r = parseUsagePayload({ account: 'a', fetchedAt: '2026-11-22T10:00:00Z', limits: [{ id: 'session', kind: 'session', label: '5-hour', pct: 5, resetsAt: null }] });
    assert.equal(r.ok, true);
    assert.deepEqual([r.payload.planTier, r.payload.source, r.payload.breakdown, r.payload.pools], [null, null, null, []]);
    assert.deepEqual([r.payload.limits[0].severity, r.payload.limits[0].active, r.payload.limits[0].lockedReason], [null, null, null]);
    const bad = parseUsagePayload({ account: 'a', limits: [{ id: 'x', kind: 'session', pct: 'lots' }, { id: 'y', kind: 'weekly', pct: 3 }] });
    assert.equal(bad.ok, true);
    assert.deepEqual(bad.payload.limits.map((l) => l.id), ['y']);
    assert.equal(bad.dropped[0].field, 'pct');
    assert.equal(parseUsagePayload({ limits: [] }).ok, false);
  });

  it('refuses damaged kept history', () => {
    assert.equal(usageSamplesSchema.safeParse([null]).success, false);
    assert.equal(usageSamplesSchema.safeParse([{ fetchedAt: 'x', pct: {} }]).success, false);
    assert.equal(usageSamplesSchema.safeParse([{ fetchedAt: '2026-11-22T10:00:00Z', pct: { session: 4 } }]).success, true);
  });
});
