'use strict';
// A proxy's user and password are credentials: kept apart from the proxy URL, joined only for
// the request, never in a message, status, warning or error — and the stored password is
// sent only to the deployed node's own proxy.
const assert = require('node:assert/strict');
const { testHelper, node, lib } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');
const { startProxy } = require('../fakes/proxy');
const { splitProxyUrl, proxyUrl, proxyLogin } = lib('proxy');
const { createSource } = lib('claude/client');
const { accountSettings } = lib('claude/settings');

const helper = testHelper();
const KEY = 'sk-ant-sid01-proxied-session-key-00000000000000000000000';
const LOGIN = { user: 'proxy user', password: 'pr0xy-p@ss:word/42' };

describe('proxy login', function () {
  describe('lib/proxy', () => {
    it('splits the user info off a proxy URL, decoding it', () => {
      assert.deepEqual(splitProxyUrl('http://proxy%20user:pr0xy-p%40ss%3Aword%2F42@10.0.0.1:3128'), { url: 'http://10.0.0.1:3128', login: LOGIN });
      assert.deepEqual(splitProxyUrl('http://alice@proxy:8080/'), { url: 'http://proxy:8080/', login: { user: 'alice', password: '' } });
      assert.deepEqual(splitProxyUrl('http://proxy:8080'), { url: 'http://proxy:8080', login: null });
      assert.deepEqual(splitProxyUrl(''), { url: '', login: null });
      // a raw @ in the password: the last @ of the authority ends the user info
      assert.deepEqual(splitProxyUrl('http://u:p@ss@proxy:3128'), { url: 'http://proxy:3128', login: { user: 'u', password: 'p@ss' } });
      // an @ after the authority is not user info
      assert.deepEqual(splitProxyUrl('http://proxy:8080/a@b'), { url: 'http://proxy:8080/a@b', login: null });
    });

    it('puts a login into the URL percent-encoded, and back out the same', () => {
      const joined = proxyUrl('http://10.0.0.1:3128', LOGIN);
      assert.equal(joined, 'http://proxy%20user:pr0xy-p%40ss%3Aword%2F42@10.0.0.1:3128');
      assert.deepEqual(splitProxyUrl(joined), { url: 'http://10.0.0.1:3128', login: LOGIN });
      assert.equal(proxyUrl('http://10.0.0.1:3128', null), 'http://10.0.0.1:3128');
      assert.equal(proxyUrl('', LOGIN), '');
      assert.equal(proxyLogin('', ''), null);
      assert.deepEqual(proxyLogin('u', undefined), { user: 'u', password: '' });
    });

    it('takes the credential login over one left in the URL, and the URL’s when there is none', () => {
      const legacy = accountSettings({ proxy: 'http://old:secret1@proxy:3128' });
      assert.equal(legacy.proxy, 'http://proxy:3128');
      assert.deepEqual(legacy.proxyLogin, { user: 'old', password: 'secret1' });
      const both = accountSettings({ proxy: 'http://old:secret1@proxy:3128' }, 1000, LOGIN);
      assert.deepEqual(both.proxyLogin, LOGIN);
    });
  });

  describe('through a proxy that wants a login', () => {
    let fake;
    let proxy;
    beforeEach(async () => {
      fake = await startFakeClaude({ sessionKeys: [KEY] });
      proxy = await startProxy({ login: LOGIN });
    });
    afterEach(async () => {
      await proxy.close();
      await fake.close();
    });

    for (const transport of ['undici', 'curl']) {
      it(`sends the login to the proxy and reads the usage (${transport})`, async () => {
        const settings = accountSettings({ name: 'work', auth: 'cookie', baseUrl: fake.url, proxy: proxy.url, transport }, 3000, LOGIN);
        const snap = await createSource(settings, KEY).fetchUsage();
        assert.equal(snap.raw.five_hour.utilization, 62.4);
        const expected = `Basic ${Buffer.from(`${LOGIN.user}:${LOGIN.password}`).toString('base64')}`;
        assert.ok(proxy.seen.length > 0 && proxy.seen.every((r) => r.auth === expected), JSON.stringify(proxy.seen));
      });

      it(`a refused login fails with an error that does not quote the password (${transport})`, async () => {
        const wrong = { user: LOGIN.user, password: 'wr0ng-secret-password' };
        const source = createSource(accountSettings({ name: 'work', auth: 'cookie', baseUrl: fake.url, proxy: proxy.url, transport }, 3000, wrong), KEY);
        const err = await source.fetchUsage().then(() => null, (e) => e);
        assert.ok(err, 'the request failed');
        const text = `${err.message}\n${err.stack}`;
        for (const secret of [wrong.password, encodeURIComponent(wrong.password), KEY]) assert.ok(!text.includes(secret), text);
        assert.equal(fake.requests.length, 0, 'nothing reached claude.ai');
      });
    }
  });

  describe('claude-account node and Verify', () => {
    let fake;
    let proxy;
    let other;
    beforeEach(async () => {
      fake = await startFakeClaude({ sessionKeys: [KEY] });
      proxy = await startProxy({ login: LOGIN });
      other = await startProxy();
      helper.settings({ claudeUsage: { requestTimeoutMs: 3000 } });
      await new Promise((r) => helper.startServer(r));
    });
    afterEach(async () => {
      await helper.unload();
      await new Promise((r) => helper.stopServer(r));
      await proxy.close();
      await other.close();
      await fake.close();
    });
    const account = (extra = {}) => ({ id: 'acc', type: 'claude-account', name: 'work', auth: 'cookie', baseUrl: fake.url, proxy: proxy.url, transport: 'undici', ...extra });
    const flow = (acc) => [{ id: 'tab', type: 'tab', label: 't' }, acc, { id: 'u', z: 'tab', type: 'claude-usage', account: 'acc', interval: 300, keep: 10, wires: [['out'], []] }, { id: 'out', z: 'tab', type: 'helper' }];

    it('polls through the proxy with the login from its credentials', async () => {
      await helper.load([node('claude-account'), node('claude-usage')], flow(account()), { acc: { sessionKey: KEY, proxyUser: LOGIN.user, proxyPassword: LOGIN.password } });
      const msg = await new Promise((resolve) => helper.getNode('out').on('input', resolve));
      assert.equal(msg.payload.session.pct, 62.4);
      assert.ok(proxy.seen.length > 0);
      assert.ok(!JSON.stringify(msg).includes(LOGIN.password));
    });

    it('still uses a login written in an older flow’s proxy URL, warning without quoting it', async () => {
      const legacyUrl = proxyUrl(proxy.url, LOGIN);
      await helper.load([node('claude-account'), node('claude-usage')], flow(account({ proxy: legacyUrl })), { acc: { sessionKey: KEY } });
      const msg = await new Promise((resolve) => helper.getNode('out').on('input', resolve));
      assert.equal(msg.payload.session.pct, 62.4);
      const acc = helper.getNode('acc');
      const warnings = acc.warn.args.map((a) => String(a[0]));
      assert.ok(warnings.some((w) => /Proxy login/.test(w)), warnings.join('\n'));
      for (const w of warnings) assert.ok(!w.includes(LOGIN.password) && !w.includes(encodeURIComponent(LOGIN.password)), w);
    });

    it('Verify sends the stored proxy password only to the deployed node’s own proxy', async () => {
      await helper.load([node('claude-account'), node('claude-usage')], flow(account()), { acc: { sessionKey: KEY, proxyUser: LOGIN.user, proxyPassword: LOGIN.password } });
      const body = { id: 'acc', auth: 'cookie', baseUrl: fake.url, proxy: proxy.url, transport: 'undici', sessionKey: '__PWRD__', proxyUser: LOGIN.user, proxyPassword: '__PWRD__' };
      const moved = await helper.request().post('/claude-account/verify').send({ ...body, proxy: other.url }).expect(400);
      assert.match(moved.body.message, /stored/);
      assert.ok(!JSON.stringify(moved.body).includes(LOGIN.password));
      assert.equal(other.seen.length, 0, 'nothing reached the other proxy');
      const undeployed = await helper.request().post('/claude-account/verify').send({ ...body, id: 'nope' }).expect(400);
      assert.match(undeployed.body.message, /deploy/);
      const ok = await helper.request().post('/claude-account/verify').send(body).expect(200);
      assert.equal(ok.body.ok, true, JSON.stringify(ok.body));
    });
  });
});
