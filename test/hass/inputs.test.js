'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { usagePayload, codePayload, telemetryPayload, insightPayload } = require('./fixtures');
const { classifyMessage, MAX_TELEMETRY_HOSTS } = lib('hass/inputs');

describe('lib/hass/inputs', () => {
  it('recognises claude-usage and claude-code-usage payloads', () => {
    assert.equal(classifyMessage({ payload: usagePayload() }, 'homeassistant').kind, 'usage');
    assert.equal(classifyMessage({ payload: codePayload() }, 'homeassistant').kind, 'code');
  });

  it('tells a claude-code-telemetry timeline (host null, source telemetry) and a claude-insight report apart by shape', () => {
    const telemetry = classifyMessage({ payload: telemetryPayload() }, 'homeassistant');
    assert.equal(telemetry.kind, 'telemetry');
    assert.deepEqual(telemetry.payload.hosts.map((h) => h.host), ['laptop', 'build box']);
    const insight = classifyMessage({ payload: insightPayload() }, 'homeassistant');
    assert.equal(insight.kind, 'insight');
    assert.equal(insight.payload.windows.weekly.tokensPerPct, 150000.5);
    assert.equal(classifyMessage({ payload: codePayload() }, 'homeassistant').kind, 'code', 'a named host stays a claude-code-usage scan');
  });

  it('says what is wrong with a telemetry or insight payload, and passes over an insight report that names no account yet', () => {
    const noHosts = classifyMessage({ payload: telemetryPayload({ hosts: [{ host: 'laptop', costUSD: 'x' }] }) }, 'homeassistant');
    assert.equal(noHosts.kind, 'ignored');
    assert.match(noHosts.reason, /claude-code-telemetry payload \(hosts\.0\.costUSD/);
    const badWindow = insightPayload();
    badWindow.windows.session.elsewherePct = '4';
    const r = classifyMessage({ payload: badWindow }, 'homeassistant');
    assert.equal(r.kind, 'ignored');
    assert.match(r.reason, /claude-insight payload \(windows\.session\.elsewherePct/);
    const early = classifyMessage({ payload: insightPayload({ account: null, ledger: [] }) }, 'homeassistant');
    assert.equal(early.kind, 'ignored');
    assert.equal(early.quiet, true);
  });

  it('keeps the sensor set bounded: at most MAX_TELEMETRY_HOSTS machines are read', () => {
    const hosts = Array.from({ length: MAX_TELEMETRY_HOSTS + 10 }, (_, i) => ({ host: `h${i}`, costUSD: 1, totalTokens: 1, today: { costUSD: 0, totalTokens: 0 } }));
    assert.equal(classifyMessage({ payload: telemetryPayload({ hosts }) }, 'homeassistant').payload.hosts.length, MAX_TELEMETRY_HOSTS);
  });

  it('says what is wrong with a payload that is almost a usage payload', () => {
    const bad = usagePayload();
    bad.limits[0].pct = '62';
    const r = classifyMessage({ payload: bad }, 'homeassistant');
    assert.equal(r.kind, 'ignored');
    assert.match(r.reason, /limits\.0\.pct/);
    assert.equal(classifyMessage({ payload: 'hello' }, 'homeassistant').kind, 'ignored');
  });

  it('keeps working when optional parts are odd: unknown plan, broken extra usage', () => {
    const r = classifyMessage({ payload: usagePayload({ plan: 'galactic', extraUsage: { enabled: 'yes' } }) }, 'homeassistant');
    assert.equal(r.kind, 'usage');
    assert.equal(r.payload.plan, null);
    assert.equal(r.payload.extraUsage, null);
  });

  it("takes Home Assistant's birth message on the configured prefix only, as text or Buffer", () => {
    assert.equal(classifyMessage({ topic: 'homeassistant/status', payload: 'online' }, 'homeassistant').kind, 'birth');
    assert.equal(classifyMessage({ topic: 'ha/status', payload: Buffer.from('online') }, 'ha').kind, 'birth');
    assert.equal(classifyMessage({ topic: 'homeassistant/status', payload: 'online' }, 'ha').kind, 'ignored');
    const offline = classifyMessage({ topic: 'homeassistant/status', payload: 'offline' }, 'homeassistant');
    assert.equal(offline.kind, 'ignored');
    assert.equal(offline.quiet, true);
  });

  it('turns account alerts and Catch-node errors into an account status', () => {
    assert.deepEqual(classifyMessage({ alert: { account: 'work', kind: 'session-expired' } }, 'homeassistant'), { kind: 'status', account: 'work', status: 'session_expired' });
    assert.deepEqual(classifyMessage({ alert: { account: 'work', kind: 'recovered' } }, 'homeassistant'), { kind: 'status', account: 'work', status: 'ok' });
    assert.equal(classifyMessage({ alert: { account: 'work', kind: 'cookie-expiring' } }, 'homeassistant').kind, 'ignored');
    assert.deepEqual(classifyMessage({ topic: 'work', error: { message: 'x', code: 'RATE_LIMITED' } }, 'homeassistant'), { kind: 'status', account: 'work', status: 'rate_limited' });
    assert.equal(classifyMessage({ topic: 'work', error: { message: 'x', code: 'ENOENT' } }, 'homeassistant').kind, 'ignored');
  });

  it('reads removal requests by payload or by name', () => {
    const byPayload = classifyMessage({ remove: true, payload: usagePayload() }, 'homeassistant');
    assert.equal(byPayload.kind, 'remove');
    assert.equal(byPayload.payload.kind, 'usage');
    assert.equal(byPayload.payload.payload.account, 'work');
    assert.deepEqual(classifyMessage({ remove: true, topic: 'laptop', payload: '' }, 'homeassistant'), { kind: 'remove', label: 'laptop', payload: null });
    assert.deepEqual(classifyMessage({ remove: true }, 'homeassistant'), { kind: 'remove', label: null, payload: null });
    assert.equal(classifyMessage({ remove: true, payload: telemetryPayload() }, 'homeassistant').payload.kind, 'telemetry');
  });
});
