'use strict';
// Every capture in ../shared/fixtures/real/claude-api through the real parse / normalize /
// classify path, checked against what the spec says of it.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { requireReal, readJson, realPath } = require('./support');
const { lib } = require('../support/node-red');
const { normalizeUsage } = lib('claude/normalize');
const { classifyResponse } = lib('claude/classify');
const { planFromOrganization, pickOrganization } = lib('claude/plan');
const { usageResponseSchema, organizationListSchema, limitEntrySchema, parseUsagePayload } = lib('schemas/index');
const { buildPayload } = lib('claude/payload');

const now = new Date('2025-12-01T00:00:00Z');
const usage = (name) => normalizeUsage(usageResponseSchema.parse(readJson('claude-api', name)), now);
const byId = (u) => Object.fromEntries(u.limits.map((l) => [l.id, l]));
const refused = (name, status, api) => {
  const res = { status, headers: { 'content-type': 'application/json' }, body: fs.readFileSync(realPath('claude-api', name), 'utf8') };
  try {
    classifyResponse(res, { service: api === 'oauth' ? 'api.anthropic.com' : 'claude.ai', api, loginHint: 'paste a fresh sessionKey cookie' });
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
};

describe('real claude.ai / api.anthropic.com captures', function () {
  requireReal(this);

  it('covers every capture of the folder', () => {
    const known = new Set([
      'error-oauth-403-scope-user-profile.json', 'error-web-403-account-session-invalid.json', 'error-web-403-invalid-authorization-for-organization.json',
      'oauth-limits-entry-2026-09-fable-severity-warning.json', 'oauth-profile-2026-03-max5x.json', 'oauth-usage-2026-03-sonnet-zero-extra-disabled.json',
      'oauth-usage-2026-09-14-codenames-locked-reason-spend-full.json', 'oauth-usage-2026-10-full-newest-shape-spend-breakdown.json',
      'statusline-stdin-2026-09-cc-2.1.281-epoch-resets.json', 'statusline-stdin-rate-limits-2026-03.json',
      'web-organizations-2026-04-max5x-plus-api-org.json', 'web-overage-spend-limit-2025-12.json', 'web-usage-2025-12-five-hour-only.json', 'web-usage-2026-07-limits-array-fable.json',
    ]);
    for (const f of fs.readdirSync(realPath('claude-api')).filter((f) => f.endsWith('.json'))) assert.ok(known.has(f), `${f} has no test here`);
  });

  it('web 2025-12: only the 5-hour window, no extra usage', () => {
    const u = usage('web-usage-2025-12-five-hour-only.json');
    assert.deepEqual(u.limits.map((l) => [l.id, l.label, l.pct, l.active, l.severity]), [['session', '5-hour', 58, null, null]]);
    assert.deepEqual([u.weekly, u.extraUsage, u.breakdown, u.pools], [null, null, null, []]);
  });

  it('web 2026-07: limits[] with the Fable weekly window; the session binds', () => {
    const u = usage('web-usage-2026-07-limits-array-fable.json');
    assert.deepEqual(u.limits.map((l) => [l.id, l.label, l.pct, l.active]), [['session', '5-hour', 16, true], ['weekly', 'Weekly', 10, false], ['weekly:fable', 'Weekly · Fable', 5, false]]);
  });

  it('OAuth 2026-03: Sonnet at 0 % with no reset, null windows ignored, extra usage disabled', () => {
    const u = usage('oauth-usage-2026-03-sonnet-zero-extra-disabled.json');
    assert.deepEqual(u.limits.map((l) => [l.id, l.pct]), [['session', 10], ['weekly', 2], ['weekly:sonnet', 0]]);
    assert.equal(u.extraUsage.enabled, false);
    assert.equal(u.extraUsage.monthlyLimit, null);
  });

  it('OAuth 2026-09-14: codenames, a placeholder, locked_reason, spend disabled, breakdown null', () => {
    const u = usage('oauth-usage-2026-09-14-codenames-locked-reason-spend-full.json');
    assert.deepEqual(u.limits.map((l) => [l.id, l.label, l.severity, l.active, l.lockedReason]), [
      ['session', '5-hour', 'normal', true, null],
      ['weekly', 'Weekly', 'normal', false, null],
      ['weekly:fable', 'Weekly · Fable', 'normal', false, null],
    ]);
    assert.ok(!u.limits.some((l) => l.id === 'nimbus_quill'), 'nimbus_quill is a placeholder');
    assert.deepEqual(u.pools, []);
    assert.deepEqual(u.extraUsage, { enabled: false, usedCredits: 0, monthlyLimit: null, currency: 'USD', pct: 0, disabledReason: null, severity: 'normal' });
    assert.equal(u.breakdown, null);
  });

  it('OAuth 2026-10: the Fable limit binds, breakdown by surface, spend', () => {
    const u = usage('oauth-usage-2026-10-full-newest-shape-spend-breakdown.json');
    const l = byId(u);
    assert.deepEqual([l.session.pct, l.weekly.pct, l['weekly:fable'].pct], [25, 54, 64]);
    assert.deepEqual(u.limits.filter((x) => x.active).map((x) => x.id), ['weekly:fable']);
    assert.ok(u.limits.every((x) => x.severity === 'normal'));
    assert.deepEqual(u.breakdown, {
      asOf: '2026-10-01T19:59:41.660782+00:00',
      windowStartedAt: null,
      rows: [{ key: 'claude_code', label: 'Claude Code', pct: 100 }, { key: 'chat', label: 'Chats', pct: 0 }, { key: 'cowork', label: 'Cowork', pct: 0 }, { key: 'other', label: 'Other', pct: 0 }],
    });
    assert.deepEqual([u.extraUsage.enabled, u.extraUsage.usedCredits, u.extraUsage.currency], [false, 0, 'USD']);
    const p = buildPayload({ account: 'a', snapshot: { organization: null, plan: 'max_5x', planTier: 'default_claude_max_5x', source: 'claude-code', raw: usageResponseSchema.parse(readJson('claude-api', 'oauth-usage-2026-10-full-newest-shape-spend-breakdown.json')) }, fetchedAt: now, samples: [], cookie: null });
    const read = parseUsagePayload(JSON.parse(JSON.stringify(p)));
    assert.equal(read.ok, true);
    assert.equal(read.dropped.length, 0);
  });

  it('a limits[] entry with severity warning, as one answer', () => {
    const entry = limitEntrySchema.parse(readJson('claude-api', 'oauth-limits-entry-2026-09-fable-severity-warning.json'));
    const u = normalizeUsage(usageResponseSchema.parse({ limits: [entry] }), now);
    assert.deepEqual(u.limits.map((l) => [l.id, l.label, l.pct, l.severity, l.active]), [['weekly:fable', 'Weekly · Fable', 82, 'warning', true]]);
  });

  it('organizations: the chat org is picked, Max 5x, with its raw tier', () => {
    const orgs = organizationListSchema.parse(readJson('claude-api', 'web-organizations-2026-04-max5x-plus-api-org.json'));
    const org = pickOrganization(orgs, '');
    assert.equal(org.uuid, '631972a6-f5c1-452a-838f-e7713f861d09');
    assert.equal(planFromOrganization(org), 'max_5x');
    assert.equal(org.rate_limit_tier, 'default_claude_max_5x');
  });

  it('the OAuth profile and the overage settings parse as the objects they are (not usage)', () => {
    const profile = readJson('claude-api', 'oauth-profile-2026-03-max5x.json');
    assert.equal(planFromOrganization({ uuid: 'x', capabilities: [], rate_limit_tier: profile.organization.rate_limit_tier }), 'max_5x');
    const overage = readJson('claude-api', 'web-overage-spend-limit-2025-12.json');
    const u = normalizeUsage(usageResponseSchema.parse({ extra_usage: { is_enabled: overage.is_enabled, monthly_limit: overage.monthly_credit_limit, used_credits: overage.used_credits, currency: overage.currency } }), now);
    assert.deepEqual([u.extraUsage.monthlyLimit, u.extraUsage.usedCredits, u.extraUsage.currency], [20, 0, 'USD']);
  });

  it('status-line captures are not usage answers of this API and do not parse as windows', () => {
    for (const f of ['statusline-stdin-2026-09-cc-2.1.281-epoch-resets.json', 'statusline-stdin-rate-limits-2026-03.json']) {
      const u = normalizeUsage(usageResponseSchema.parse(readJson('claude-api', f)), now);
      assert.deepEqual(u.limits, [], f);
    }
  });

  it('account_session_invalid is SESSION_EXPIRED', () => {
    const e = refused('error-web-403-account-session-invalid.json', 403, 'cookie');
    assert.equal(e.code, 'SESSION_EXPIRED');
    assert.match(e.message, /account_session_invalid/);
  });

  it('Invalid authorization for organization is FORBIDDEN: organization, VPN or region', () => {
    const e = refused('error-web-403-invalid-authorization-for-organization.json', 403, 'cookie');
    assert.equal(e.code, 'FORBIDDEN');
    assert.equal(e.reason, 'organization');
    assert.match(e.message, /organization/);
    assert.match(e.message, /VPN/);
    assert.doesNotMatch(e.message, /paste a fresh/);
  });

  it('an OAuth token without user:profile is FORBIDDEN: scope, log in again', () => {
    const e = refused('error-oauth-403-scope-user-profile.json', 403, 'oauth');
    assert.equal(e.code, 'FORBIDDEN');
    assert.equal(e.reason, 'scope');
    assert.match(e.message, /user:profile/);
    assert.match(e.message, /setup-token/);
  });
});
