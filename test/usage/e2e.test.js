'use strict';
// A real Node-RED process, flows deployed through the admin API, against the fake claude.ai.
const assert = require('node:assert/strict');
const { startNodeRed } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { startFakeClaude } = require('../fakes/claude');

const KEY = 'sk-ant-sid01-test-session-key-0000000000000000000000';
// bcrypt of "e2e-password"
const PASSWORD_HASH = '$2b$08$xjwySXTwa4ubXYIk.PXuy.6EiNuTkZUOWFRAxgFcgch5hTM7Z3kLO';

function usageFlow(fake, collector) {
  return [
    { id: 'tab1', type: 'tab', label: 'usage e2e' },
    { id: 'acc1', type: 'claude-account', name: 'work', auth: 'cookie', organization: '', credentialsFile: '', cookieSetAt: '', warnDays: 7, baseUrl: fake.url, oauthBaseUrl: fake.url, proxy: '', transport: 'undici', credentials: { sessionKey: KEY } },
    { id: 'poll', type: 'inject', z: 'tab1', name: 'poll', props: [{ p: 'payload' }], repeat: '', once: false, topic: '', payload: '', payloadType: 'date', wires: [['use1']] },
    { id: 'use1', type: 'claude-usage', z: 'tab1', name: '', account: 'acc1', interval: 300, history: 50, wires: [['out-usage'], ['alert-to-payload']] },
    { id: 'alert-to-payload', type: 'change', z: 'tab1', name: '', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'alert', tot: 'msg' }], wires: [['out-alerts']] },
    collectorNode('out-usage', 'tab1', collector.url, 'usage'),
    collectorNode('out-alerts', 'tab1', collector.url, 'alerts'),
    { id: 'catch1', type: 'catch', z: 'tab1', name: '', scope: null, uncaught: false, wires: [['err-to-payload']] },
    { id: 'err-to-payload', type: 'change', z: 'tab1', name: '', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'error', tot: 'msg' }], wires: [['out-errors']] },
    collectorNode('out-errors', 'tab1', collector.url, 'errors'),
  ];
}

/** What claude-usage must send for the fake's default usage, but for times. */
function expectedPayload(fake, { currency = 'USD', resetsSession, resetsWeekly }) {
  const limit = (id, kind, label, pct, resetsAt) => ({ id, kind, label, pct, resetsAt, resetsInMinutes: 'number', severity: null, active: null, lockedReason: null });
  return {
    account: 'work',
    organization: { uuid: fake.org.uuid, name: fake.org.name },
    plan: 'max_20x',
    planTier: 'default_claude_max_20x',
    source: 'cookie',
    fetchedAt: 'iso',
    session: { pct: 62.4, resetsAt: resetsSession, resetsInMinutes: 'number' },
    weekly: { pct: 44.1, resetsAt: resetsWeekly, resetsInMinutes: 'number' },
    limits: [limit('session', 'session', '5-hour', 62.4, resetsSession), limit('weekly', 'weekly', 'Weekly', 44.1, resetsWeekly), limit('weekly:opus', 'weekly_scoped', 'Weekly · Opus', 12, resetsWeekly)],
    extraUsage: { enabled: true, usedCredits: 12.34, monthlyLimit: 50, currency, pct: 24.7, disabledReason: null, severity: null },
    breakdown: null,
    pools: [],
    pace: { session: null, weekly: null },
    cookie: { expiresAt: null, daysLeft: null },
  };
}

/** Replaces values that depend on the clock with their kind, so the rest compares exactly. */
function shape(payload) {
  const p = JSON.parse(JSON.stringify(payload));
  assert.ok(!Number.isNaN(Date.parse(p.fetchedAt)));
  p.fetchedAt = 'iso';
  for (const w of [p.session, p.weekly, ...p.limits]) if (w) w.resetsInMinutes = typeof w.resetsInMinutes;
  return p;
}

describe('end to end: claude-usage in a real Node-RED', function () {
  this.timeout(90_000);
  let fake;
  let collector;
  let red;

  before(async () => {
    fake = await startFakeClaude();
    collector = await startCollector();
    red = await startNodeRed({ settings: { claudeUsage: { requestTimeoutMs: 2000 } } });
  });
  after(async () => {
    await red?.stop();
    red?.cleanup();
    await collector?.close();
    await fake?.close();
  });

  it('deploys through the admin API and sends the spec payload for the legacy generation', async () => {
    await red.deploy(usageFlow(fake, collector));
    const msg = await collector.waitFor((m) => m.path === '/usage');
    assert.deepEqual(shape(msg.body), expectedPayload(fake, { resetsSession: '2026-11-22T14:05:00.123456+00:00', resetsWeekly: '2026-11-27T09:00:00.654321+00:00' }));
  });

  it('sends the same payload for the limits[] generation', async () => {
    fake.generation = 'limits';
    const from = collector.messages.length;
    const res = await red.request('POST', '/inject/poll');
    assert.equal(res.status, 200);
    const msg = await collector.waitFor((m) => m.path === '/usage', 15_000, from);
    assert.deepEqual(shape(msg.body), expectedPayload(fake, { currency: 'EUR', resetsSession: '2026-11-22T14:05:00Z', resetsWeekly: '2026-11-27T09:00:00Z' }));
    fake.generation = 'legacy';
  });

  const faults = [
    ['session-invalid', 'SESSION_EXPIRED'],
    ['cloudflare', 'BLOCKED'],
    ['rate-limit-zero', 'RATE_LIMITED'],
    ['server-error', 'HTTP_ERROR'],
    ['reset', 'NETWORK'],
    ['hang', 'NETWORK'],
    ['truncated', 'BAD_RESPONSE'],
  ];
  for (const [fault, code] of faults) {
    it(`survives ${fault}: a Catch node gets ${code} and Node-RED keeps running`, async () => {
      const from = collector.messages.length;
      fake.faults.push(fault);
      await red.request('POST', '/inject/poll');
      const msg = await collector.waitFor((m) => m.path === '/errors', 15_000, from);
      assert.equal(msg.body.code, code);
      assert.equal((await red.request('GET', '/settings')).status, 200);
    });
  }

  it('recovers after the faults and alerts that it did', async () => {
    const from = collector.messages.length;
    await red.request('POST', '/inject/poll');
    await collector.waitFor((m) => m.path === '/usage', 15_000, from);
    const recovered = await collector.waitFor((m) => m.path === '/alerts' && m.body.kind === 'recovered', 15_000, from);
    assert.equal(recovered.body.account, 'work');
    const kinds = collector.messages.filter((m) => m.path === '/alerts').map((m) => m.body.kind);
    assert.deepEqual(kinds, ['session-expired', 'blocked', 'recovered']);
  });

  it('keeps the session key out of the exported flow, the log and every message', async () => {
    const flows = await red.request('GET', '/flows');
    assert.equal(flows.status, 200);
    assert.ok(!flows.text.includes(KEY));
    assert.ok(!red.log.includes(KEY));
    assert.ok(!JSON.stringify(collector.messages).includes(KEY));
  });
});

describe('end to end: Verify needs claude-account.write', function () {
  this.timeout(60_000);
  let fake;
  let red;
  before(async () => {
    fake = await startFakeClaude();
    red = await startNodeRed({
      settings: {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: PASSWORD_HASH, permissions: '*' },
            { username: 'viewer', password: PASSWORD_HASH, permissions: 'read' },
          ],
        },
      },
    });
  });
  after(async () => {
    await red?.stop();
    red?.cleanup();
    await fake?.close();
  });

  async function token(username, scope) {
    const res = await red.request('POST', '/auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope, username, password: 'e2e-password' });
    assert.equal(res.status, 200, res.text);
    return res.json.access_token;
  }
  const body = () => ({ auth: 'cookie', baseUrl: fake.url, sessionKey: KEY });

  it('refuses anonymous and read-only users', async () => {
    assert.equal((await red.request('POST', '/claude-account/verify', body())).status, 401);
    const viewer = await token('viewer', 'read');
    assert.equal((await red.request('POST', '/claude-account/verify', body(), { Authorization: `Bearer ${viewer}` })).status, 401);
    assert.equal(fake.requests.length, 0);
  });

  it('answers an admin', async () => {
    const admin = await token('admin', '*');
    const res = await red.request('POST', '/claude-account/verify', body(), { Authorization: `Bearer ${admin}` });
    assert.equal(res.status, 200);
    assert.equal(res.json.ok, true);
    assert.equal(res.json.usage.session.pct, 62.4);
  });
});

describe('end to end: the editor gets our icons, help and labels', function () {
  this.timeout(60_000);
  let red;
  before(async () => {
    red = await startNodeRed();
  });
  after(async () => {
    await red?.stop();
    red?.cleanup();
  });

  it('serves the node definitions with help text and the icons', async () => {
    const html = await red.request('GET', '/nodes', undefined, { Accept: 'text/html' });
    for (const type of ['claude-account', 'claude-usage']) {
      assert.ok(html.text.includes(`data-help-name="${type}"`), `help for ${type}`);
      assert.ok(html.text.includes(`data-template-name="${type}"`), `edit dialog for ${type}`);
    }
    const icons = await red.request('GET', '/icons', undefined, { Accept: 'application/json' });
    assert.ok(icons.json['@claude-usage/node-red-claude-usage'].includes('claude-usage.svg'));
    const icon = await red.request('GET', '/icons/@claude-usage/node-red-claude-usage/claude-usage.svg');
    assert.equal(icon.status, 200);
    assert.match(icon.text, /<svg/);
    const messages = await red.request('GET', '/nodes/messages?lng=en-US', undefined, { Accept: 'application/json' });
    assert.equal(messages.status, 200);
    const catalog = await red.request('GET', '/locales/@claude-usage/node-red-claude-usage/claude-usage?lng=en-US');
    assert.equal(catalog.json['claude-usage'].outputs.alerts, 'account alerts');
  });
});

describe('end to end: the first poll after a deploy reaches nodes listed after the poller', function () {
  this.timeout(60_000);
  let red;
  let collector;
  before(async () => {
    collector = await startCollector();
    red = await startNodeRed();
  });
  after(async () => {
    await red?.stop();
    red?.cleanup();
    await collector?.close();
  });

  it('delivers the deploy-time poll of a demo account (answered at once) to a node created later', async () => {
    // claude-usage first in the file, its targets after: Node-RED creates nodes in file order.
    const flows = [
      { id: 'tab2', type: 'tab', label: 'order' },
      { id: 'demo-acc', type: 'claude-account', name: 'demo', auth: 'demo' },
      { id: 'demo-use', type: 'claude-usage', z: 'tab2', account: 'demo-acc', interval: 3600, history: 10, wires: [['f1'], []] },
      ...Array.from({ length: 30 }, (_, i) => ({ id: `pad${i}`, type: 'comment', z: 'tab2', name: `${i}`, wires: [] })),
      { id: 'f1', type: 'change', z: 'tab2', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'payload.account', tot: 'msg' }], wires: [['c1']] },
      collectorNode('c1', 'tab2', collector.url, 'first'),
    ];
    await red.deploy(flows);
    const msg = await collector.waitFor((m) => m.path === '/first', 10_000);
    assert.equal(msg.body, 'demo');
  });
});
