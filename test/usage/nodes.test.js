'use strict';
const assert = require('node:assert/strict');
const { testHelper, node } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');

const helper = testHelper();
const accountNode = node('claude-account');
const usageNode = node('claude-usage');
const KEY = 'sk-ant-sid01-test-session-key-0000000000000000000000';

function flow(fake, extra = {}) {
  return onTab([
    { id: 'acc', type: 'claude-account', name: 'work', auth: 'cookie', baseUrl: fake.url, cookieSetAt: new Date(Date.now() - 24.5 * 864e5).toISOString(), warnDays: 7, ...extra.account },
    { id: 'use', type: 'claude-usage', account: 'acc', interval: 300, history: 100, wires: [['out1'], ['out2']], ...extra.usage },
    { id: 'out1', type: 'helper' },
    { id: 'out2', type: 'helper' },
    { id: 'catcher', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', type: 'helper' },
  ]);
}

/** Puts every flow node (not config nodes) on one tab, as the editor does. */
function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((n) => (n.type === 'claude-account' ? n : { z: 'tab', ...n }))];
}

/** Collects what a helper node receives. */
function collect(n) {
  const got = [];
  const waiters = [];
  n.on('input', (msg) => {
    got.push(msg);
    waiters.splice(0).forEach((w) => w());
  });
  got.next = (count, ms = 5000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`expected ${count} messages, got ${got.length}`)), ms);
      const check = () => (got.length >= count ? (clearTimeout(timer), resolve(got[count - 1])) : waiters.push(check));
      check();
    });
  return got;
}

describe('claude-usage and claude-account nodes', function () {
  let fake;
  beforeEach(async () => {
    fake = await startFakeClaude();
    helper.settings({ claudeUsage: { requestTimeoutMs: 1500 } });
    await new Promise((r) => helper.startServer(r));
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise((r) => helper.stopServer(r));
    await fake.close();
  });

  const load = (f, creds = { acc: { sessionKey: KEY } }) => helper.load([accountNode, usageNode], f, creds);

  it('polls on deploy and sends the spec payload on output 1', async () => {
    await load(flow(fake));
    const out1 = collect(helper.getNode('out1'));
    const msg = await out1.next(1);
    assert.equal(msg.topic, 'work');
    const p = msg.payload;
    assert.deepEqual(Object.keys(p), ['account', 'organization', 'plan', 'planTier', 'source', 'fetchedAt', 'session', 'weekly', 'limits', 'extraUsage', 'breakdown', 'pools', 'pace', 'cookie']);
    assert.equal(p.account, 'work');
    assert.deepEqual(p.organization, { uuid: fake.org.uuid, name: fake.org.name });
    assert.equal(p.plan, 'max_20x');
    assert.equal(p.session.pct, 62.4);
    assert.equal(p.weekly.pct, 44.1);
    assert.deepEqual(p.limits.map((l) => l.id), ['session', 'weekly', 'weekly:opus']);
    assert.deepEqual(p.extraUsage, { enabled: true, usedCredits: 12.34, monthlyLimit: 50, currency: 'USD', pct: 24.7, disabledReason: null, severity: null });
    assert.deepEqual(p.pace, { session: null, weekly: null });
    assert.equal(p.cookie.daysLeft, 3);
    assert.ok(!Number.isNaN(Date.parse(p.fetchedAt)));
  });

  it('polls at once on input, keeping the input message', async () => {
    await load(flow(fake));
    const out1 = collect(helper.getNode('out1'));
    await out1.next(1);
    fake.usage.session = 70;
    helper.getNode('use').receive({ payload: 'go', tag: 'mine' });
    const msg = await out1.next(2);
    assert.equal(msg.tag, 'mine');
    assert.equal(msg.payload.session.pct, 70);
    assert.equal(msg.payload.pace.session, null, 'two samples seconds apart give no pace');
  });

  it('answers a burst of inputs from one or two requests, each input with its own message', async () => {
    await load(flow(fake));
    const out1 = collect(helper.getNode('out1'));
    await out1.next(1);
    const before = fake.requests.filter((r) => r.url.endsWith('/usage')).length;
    for (let i = 0; i < 8; i++) helper.getNode('use').receive({ n: i });
    const last = await out1.next(9);
    const made = fake.requests.filter((r) => r.url.endsWith('/usage')).length - before;
    assert.ok(made >= 1 && made <= 2, `${made} requests for 8 inputs`);
    assert.deepEqual(out1.slice(1).map((m) => m.n).sort(), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.notEqual(out1[1].payload, out1[2].payload, 'each message has its own payload object');
    assert.equal(last.payload.session.pct, 62.4);
  });

  it('never polls faster than its interval, even one too long for a timer', async () => {
    await load(flow(fake, { account: { auth: 'demo', name: 'demo' }, usage: { interval: '3000000' } }), {});
    const out1 = collect(helper.getNode('out1'));
    await out1.next(1);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(out1.length, 1);
  });

  it('sends a cookie-expiring alert on output 2 when within warnDays', async () => {
    await load(flow(fake));
    const out2 = collect(helper.getNode('out2'));
    const msg = await out2.next(1);
    assert.equal(msg.alert.kind, 'cookie-expiring');
    assert.equal(msg.alert.account, 'work');
    assert.equal(msg.topic, 'Claude session cookie expires in 3 days');
  });

  it('reports failures to Catch with a code, alerts, and recovers', async () => {
    fake.faults.push('session-invalid');
    await load(flow(fake, { account: { cookieSetAt: '' } }));
    const caught = collect(helper.getNode('caught'));
    const out2 = collect(helper.getNode('out2'));
    const out1 = collect(helper.getNode('out1'));
    const err = await caught.next(1);
    assert.equal(err.error.code, 'SESSION_EXPIRED');
    assert.equal(err.topic, 'work');
    assert.equal((await out2.next(1)).alert.kind, 'session-expired');
    assert.equal(out1.length, 0, 'nothing on output 1 for a failed poll');
    helper.getNode('use').receive({});
    await out1.next(1);
    assert.equal((await out2.next(2)).alert.kind, 'recovered');
  });

  it('sends a forbidden account alert once for a refused 403, then recovered', async () => {
    fake.faults.push('forbidden-organization', 'forbidden-organization');
    await load(flow(fake, { account: { cookieSetAt: '' } }));
    const caught = collect(helper.getNode('caught'));
    const out2 = collect(helper.getNode('out2'));
    const out1 = collect(helper.getNode('out1'));
    const err = await caught.next(1);
    assert.equal(err.error.code, 'FORBIDDEN');
    assert.match(err.error.message, /VPN/);
    helper.getNode('use').receive({});
    await caught.next(2);
    assert.deepEqual(out2.map((m) => m.alert.kind), ['forbidden'], 'one alert for two refused polls');
    helper.getNode('use').receive({});
    await out1.next(1);
    assert.equal((await out2.next(2)).alert.kind, 'recovered');
  });

  it('drops a damaged kept history with one warning and still answers msg.history', async () => {
    const f = flow(fake, { account: { cookieSetAt: '' } });
    await load(f);
    const use = helper.getNode('use');
    await collect(helper.getNode('out1')).next(1);
    use.context().set('history', [null]);
    use.context().set('last', { account: 'work', limits: 'broken' });
    use.context().set('alerts', { health: 'constructor' });
    await helper.setFlows(f, 'full');
    const again = helper.getNode('use');
    const warnings = [];
    again.warn = (m) => warnings.push(String(m));
    const out1 = collect(helper.getNode('out1'));
    again.receive({ history: true });
    const msg = await out1.next(1);
    assert.ok(Array.isArray(msg.history));
    assert.ok(msg.history.every((s) => s && typeof s.fetchedAt === 'string'));
    assert.equal(warnings.filter((w) => /damaged/.test(w)).length <= 3, true);
  });

  for (const [fault, code] of [
    ['cloudflare', 'BLOCKED'],
    ['rate-limit-seconds', 'RATE_LIMITED'],
    ['server-error', 'HTTP_ERROR'],
    ['reset', 'NETWORK'],
    ['hang', 'NETWORK'],
    ['truncated', 'BAD_RESPONSE'],
  ]) {
    it(`gives ${code} to Catch nodes for an input poll that meets ${fault}`, async () => {
      await load(flow(fake));
      const out1 = collect(helper.getNode('out1'));
      await out1.next(1);
      const caught = collect(helper.getNode('caught'));
      fake.faults.push(fault);
      helper.getNode('use').receive({ payload: 'now' });
      const err = await caught.next(1);
      assert.equal(err.error.code, code);
      assert.equal(err.payload, 'now', 'the failing input message reaches Catch');
    });
  }

  it('answers msg.history with the last payload and the kept samples', async () => {
    await load(flow(fake));
    const out1 = collect(helper.getNode('out1'));
    await out1.next(1);
    helper.getNode('use').receive({});
    await out1.next(2);
    const before = fake.requests.length;
    helper.getNode('use').receive({ history: true });
    const msg = await out1.next(3);
    assert.equal(fake.requests.length, before, 'no poll for a history request');
    assert.equal(msg.history.length, 2);
    assert.deepEqual(Object.keys(msg.history[0]), ['fetchedAt', 'pct']);
    assert.equal(msg.history[1].pct.session, 62.4);
    assert.equal(msg.payload.session.pct, 62.4);
  });

  it('works with a demo account and no network', async () => {
    await load(flow(fake, { account: { auth: 'demo', name: 'demo' } }), {});
    const msg = await collect(helper.getNode('out1')).next(1);
    assert.equal(msg.payload.plan, 'max_5x');
    assert.equal(msg.payload.cookie, null);
    assert.ok(msg.payload.limits.length >= 3);
    assert.equal(fake.requests.length, 0);
  });

  it('errors clearly without an account', async () => {
    await helper.load([accountNode, usageNode], onTab([{ id: 'use', type: 'claude-usage', account: '', wires: [[], []] }, { id: 'catcher', type: 'catch', scope: null, wires: [['caught']] }, { id: 'caught', type: 'helper' }]));
    const caught = collect(helper.getNode('caught'));
    helper.getNode('use').receive({});
    assert.match((await caught.next(1)).error.message, /no claude-account/);
  });

  it('never lets the session key reach a log, status, error or message', async () => {
    const rotated = 'sk-ant-sid01-rotated-secret-999999999999999999999999';
    fake.rotateTo = rotated;
    await load(flow(fake));
    const use = helper.getNode('use');
    const seen = [];
    for (const id of ['out1', 'out2', 'caught']) helper.getNode(id).on('input', (m) => seen.push(m));
    const statuses = [];
    const origStatus = use.status.bind(use);
    use.status = (s) => (statuses.push(s), origStatus(s));
    await collect(helper.getNode('out1')).next(1);
    const caught = collect(helper.getNode('caught'));
    const faults = ['session-invalid', 'cloudflare', 'rate-limit-zero', 'server-error', 'truncated', 'reset', 'hang'];
    for (const [i, f] of faults.entries()) {
      fake.faults.push(f);
      use.receive({});
      await caught.next(i + 1);
    }
    const logText = JSON.stringify(helper.log().args);
    const all = JSON.stringify(seen) + JSON.stringify(statuses) + logText;
    assert.ok(seen.length >= 5, 'the sweep saw messages');
    for (const secret of [KEY, rotated]) assert.ok(!all.includes(secret), 'a secret leaked');
  });

  describe('POST /claude-account/verify', () => {
    it('checks undeployed values and answers with orgs, plan and usage', async () => {
      await load(flow(fake));
      const res = await helper.request().post('/claude-account/verify').send({ name: 'new', auth: 'cookie', baseUrl: fake.url, sessionKey: KEY }).expect(200);
      assert.equal(res.body.ok, true);
      assert.deepEqual(res.body.organizations.map((o) => o.uuid), fake.organizations.map((o) => o.uuid));
      assert.equal(res.body.plan, 'max_20x');
      assert.equal(res.body.usage.account, 'new');
      assert.equal(res.body.usage.session.pct, 62.4);
    });
    it('falls back to the stored key for __PWRD__', async () => {
      await load(flow(fake));
      const res = await helper.request().post('/claude-account/verify').send({ id: 'acc', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__' }).expect(200);
      assert.equal(res.body.ok, true);
      assert.equal(fake.requests.at(-1).headers.cookie, `sessionKey=${KEY}`);
    });
    it("never uses another node type's stored secret", async () => {
      const otherNode = (RED) => {
        RED.nodes.registerType('other-secret', function (c) { RED.nodes.createNode(this, c); }, { credentials: { sessionKey: { type: 'password' } } });
      };
      await helper.load([accountNode, usageNode, otherNode], onTab([{ id: 'other', type: 'other-secret' }]), { other: { sessionKey: KEY } });
      const res = await helper.request().post('/claude-account/verify').send({ id: 'other', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__' }).expect(200);
      assert.equal(res.body.code, 'NO_CREDENTIALS');
      assert.equal(fake.requests.length, 0);
    });
    it('answers failures in plain words with the code, without the key', async () => {
      await load(flow(fake));
      const bad = 'sk-ant-sid01-wrong-key-00000000000000000000000000000';
      const res = await helper.request().post('/claude-account/verify').send({ auth: 'cookie', baseUrl: fake.url, sessionKey: bad }).expect(200);
      assert.equal(res.body.ok, false);
      assert.equal(res.body.code, 'SESSION_EXPIRED');
      assert.match(res.body.message, /paste a fresh sessionKey/);
      assert.ok(!JSON.stringify(res.body).includes(bad));
    });
    it('answers 400 only for a malformed request', async () => {
      await load(flow(fake));
      await helper.request().post('/claude-account/verify').set('content-type', 'application/json').send('[1,2]').expect(400);
      await helper.request().post('/claude-account/verify').send({ auth: 'password' }).expect(400);
    });
  });
});
