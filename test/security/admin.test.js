'use strict';
// The editor's admin endpoints against an attacker: JSON only, and no stored or local secret
// ever goes to a destination the request names. An "attacker" HTTP server and a raw TCP
// listener on loopback record everything that reaches them: nothing may.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { testHelper, node } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');
const { startTelegramFake } = require('../fakes/telegram');
const { startPushoverFake } = require('../fakes/pushover');
const { startMatrixFake } = require('../fakes/matrix');
const { startNtfyFake } = require('../fakes/ntfy');
const { startWebhookFake } = require('../fakes/webhook');
const { startAttacker, startTcp } = require('../fakes/attacker');

const helper = testHelper();
const KEY = 'sk-ant-sid01-stored-session-key-000000000000000000000000';
const OAUTH = 'sk-ant-oat01-host-claude-code-token-0000000000000000000000';

function onTab(nodes) {
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...nodes.map((n) => (n.type === 'claude-account' ? n : { z: 'tab', ...n }))];
}

describe('admin endpoints against an attacker', function () {
  let attacker;
  let tcp;
  let tmp;
  beforeEach(async () => {
    attacker = await startAttacker();
    tcp = await startTcp();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cu-sec-'));
    helper.settings({ claudeUsage: { requestTimeoutMs: 1500 } });
    await new Promise((r) => helper.startServer(r));
  });
  afterEach(async () => {
    await helper.unload();
    await new Promise((r) => helper.stopServer(r));
    await attacker.close();
    await tcp.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const nothingArrived = () => {
    assert.deepEqual(attacker.seen, [], 'a request reached the attacker');
    assert.deepEqual(tcp.seen, [], 'a connection reached the TCP listener');
  };

  describe('claude-account/verify', () => {
    let fake;
    let credFile;
    beforeEach(async () => {
      fake = await startFakeClaude({ sessionKeys: [KEY], tokens: [OAUTH] });
      credFile = path.join(tmp, '.credentials.json');
      fs.writeFileSync(credFile, JSON.stringify({ claudeAiOauth: { accessToken: OAUTH, expiresAt: Date.now() + 3600e3, subscriptionType: 'max' } }));
    });
    afterEach(() => fake.close());
    const account = (extra = {}) => ({ id: 'acc', type: 'claude-account', name: 'work', auth: 'cookie', baseUrl: fake.url, ...extra });

    it('refuses a form-encoded post (what a cross-site form sends) with 415, doing nothing', async () => {
      await helper.load([node('claude-account')], onTab([account()]), { acc: { sessionKey: KEY } });
      const res = await helper.request().post('/claude-account/verify').type('form').send({ id: 'acc', auth: 'cookie', baseUrl: attacker.url, sessionKey: '__PWRD__' }).expect(415);
      assert.equal(res.body.ok, false);
      await helper.request().post('/claude-account/verify').set('content-type', 'text/plain').send('{"auth":"demo"}').expect(415);
      nothingArrived();
      assert.equal(fake.requests.length, 0);
    });

    it('never sends the stored session key to a baseUrl, proxy or transport from the request', async () => {
      await helper.load([node('claude-account')], onTab([account()]), { acc: { sessionKey: KEY } });
      for (const change of [{ baseUrl: attacker.url }, { proxy: attacker.url }, { baseUrl: `http://127.0.0.1:${tcp.port}` }]) {
        const res = await helper.request().post('/claude-account/verify').send({ id: 'acc', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__', ...change }).expect(400);
        assert.equal(res.body.ok, false);
        assert.match(res.body.message, /deployed node's own/);
        assert.ok(!JSON.stringify(res.body).includes(KEY));
      }
      nothingArrived();
      // the deployed destination still works
      const ok = await helper.request().post('/claude-account/verify').send({ id: 'acc', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__' }).expect(200);
      assert.equal(ok.body.ok, true);
    });

    it('reads no Claude Code login file for an undeployed id, and says to deploy first', async () => {
      await helper.load([node('claude-account')], onTab([account()]), { acc: { sessionKey: KEY } });
      const res = await helper.request().post('/claude-account/verify').send({ id: 'nope', auth: 'claude-code', credentialsFile: credFile, oauthBaseUrl: attacker.url }).expect(200);
      assert.equal(res.body.ok, false);
      assert.match(res.body.message, /[Dd]eploy/);
      const noId = await helper.request().post('/claude-account/verify').send({ auth: 'claude-code', oauthBaseUrl: attacker.url }).expect(200);
      assert.equal(noId.body.ok, false);
      nothingArrived();
    });

    it('sends the host’s Claude Code token only to the deployed node’s own oauthBaseUrl from its own file', async () => {
      const deployed = account({ auth: 'claude-code', credentialsFile: credFile, oauthBaseUrl: fake.url });
      await helper.load([node('claude-account')], onTab([deployed]), {});
      const other = path.join(tmp, 'other.json');
      fs.writeFileSync(other, fs.readFileSync(credFile));
      for (const change of [{ oauthBaseUrl: attacker.url }, { credentialsFile: other }, { transport: 'curl' }, { oauthBaseUrl: `gopher://127.0.0.1:${tcp.port}/` }]) {
        const res = await helper.request().post('/claude-account/verify').send({ id: 'acc', auth: 'claude-code', credentialsFile: credFile, oauthBaseUrl: fake.url, ...change }).expect(400);
        assert.match(res.body.message, /deployed node's own/);
      }
      nothingArrived();
      const ok = await helper.request().post('/claude-account/verify').send({ id: 'acc', auth: 'claude-code', credentialsFile: credFile, oauthBaseUrl: fake.url }).expect(200);
      assert.equal(ok.body.ok, true, ok.body.message);
      assert.equal(fake.requests.at(-1).headers.authorization, `Bearer ${OAUTH}`);
    });

    it('answers a far-future or unparsable cookieSetAt with a JSON 400, not a stack trace', async () => {
      await helper.load([node('claude-account')], onTab([account()]), { acc: { sessionKey: KEY } });
      for (const cookieSetAt of ['+275000-01-01T00:00:00.000Z', '2999-01-01T00:00:00Z', 'yesterday', 12]) {
        const res = await helper.request().post('/claude-account/verify').send({ auth: 'cookie', baseUrl: fake.url, sessionKey: KEY, cookieSetAt }).expect(400);
        assert.equal(res.body.ok, false);
        assert.match(res.body.message, /date the key was pasted/);
        assert.ok(!/node_modules|\/dist\//.test(JSON.stringify(res.body)));
      }
    });
  });

  describe('channel Test endpoints', () => {
    const cases = [
      { type: 'claude-telegram', start: startTelegramFake, props: (f) => ({ chatId: f.chatId, apiUrl: f.url }), creds: (f) => ({ botToken: f.botToken }), redirect: (a) => ({ apiUrl: a }), masked: { botToken: '__PWRD__' } },
      { type: 'claude-pushover', start: startPushoverFake, props: (f) => ({ priority: 'auto', apiUrl: f.url, device: '', sound: '' }), creds: (f) => ({ token: f.token, user: f.user }), redirect: (a) => ({ apiUrl: a }), masked: { token: '__PWRD__', user: '' } },
      { type: 'claude-matrix', start: startMatrixFake, props: (f) => ({ homeserver: f.url, room: f.roomId, msgtype: 'm.text' }), creds: (f) => ({ accessToken: f.accessToken }), redirect: (a) => ({ homeserver: a }), masked: { accessToken: '__PWRD__' } },
      { type: 'claude-ntfy', start: startNtfyFake, props: (f) => ({ server: f.url, topic: 'alerts', tags: '' }), creds: (f) => ({ token: f.token }), redirect: (a) => ({ server: a }), masked: { token: '' } },
      {
        type: 'claude-webhook',
        start: startWebhookFake,
        props: () => ({ method: 'POST', headers: '', template: '{"text": "{message}"}' }),
        creds: (f) => ({ url: f.slackUrl, secretHeaders: '{"X-Api-Key":"stored-secret-header-value-123"}' }),
        redirect: (a) => ({ url: `${a}/hook` }),
        masked: { secretHeaders: '__PWRD__' },
      },
    ];
    for (const c of cases) {
      describe(c.type, () => {
        let fake;
        beforeEach(async () => (fake = await c.start()));
        afterEach(() => fake.close());
        const flow = () => [{ id: 'tab', type: 'tab' }, { id: 'ch', z: 'tab', type: c.type, name: '', ...c.props(fake), wires: [[]] }];

        it('refuses form posts with 415 and stored secrets sent to a destination from the request with 400', async () => {
          await helper.load([node(c.type)], flow(), { ch: c.creds(fake) });
          await helper.request().post(`/${c.type}/test`).type('form').send({ id: 'ch', ...c.props(fake), ...c.masked }).expect(415);
          for (const target of [attacker.url, `http://127.0.0.1:${tcp.port}`]) {
            const res = await helper.request().post(`/${c.type}/test`).send({ id: 'ch', ...c.props(fake), ...c.masked, ...c.redirect(target) }).expect(400);
            assert.equal(res.body.ok, false);
            assert.match(res.body.message, /deployed node's own destination/);
          }
          nothingArrived();
          const ok = await helper.request().post(`/${c.type}/test`).send({ id: 'ch', ...c.props(fake), ...c.masked }).expect(200);
          assert.equal(ok.body.ok, true, ok.body.message);
        });

        it('still sends typed secrets anywhere the user types', async () => {
          await helper.load([node(c.type)], flow(), { ch: c.creds(fake) });
          const res = await helper.request().post(`/${c.type}/test`).send({ id: 'new', ...c.props(fake), ...c.creds(fake) }).expect(200);
          assert.equal(res.body.ok, true, res.body.message);
        });
      });
    }
  });
});
