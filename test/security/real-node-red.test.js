'use strict';
// The admin endpoints of a real Node-RED, attacked the way a web page in the user's browser
// could: with and without adminAuth, a cross-site form is refused, a stored secret never goes
// to a destination the request names, and no exported flow carries a credential.
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNodeRed } = require('../support/red-process');
const { nodeRedDir } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');
const { startNtfyFake } = require('../fakes/ntfy');
const { startAttacker, startTcp } = require('../fakes/attacker');

const KEY = 'sk-ant-sid01-real-node-red-stored-key-0000000000000000000';
const PROXY_PASSWORD = 'real-nr-proxy-password-123';
const ADMIN = { username: 'admin', password: 'correct horse battery staple' };

/** bcrypt as Node-RED's own adminAuth checks it. */
function bcryptHash(text) {
  const bcrypt = require(require.resolve('bcryptjs', { paths: [nodeRedDir(), path.join(nodeRedDir(), 'node_modules', '@node-red', 'editor-api')] }));
  return bcrypt.hashSync(text, 8);
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const form = (fields) => new URLSearchParams(fields).toString();

for (const withAuth of [false, true]) {
  describe(`admin endpoints of a real Node-RED ${withAuth ? 'with' : 'without'} adminAuth`, function () {
    this.timeout(90_000);
    let red;
    let fake;
    let ntfy;
    let attacker;
    let tcp;
    let auth = {};

    before(async () => {
      fake = await startFakeClaude({ sessionKeys: [KEY] });
      ntfy = await startNtfyFake();
      attacker = await startAttacker();
      tcp = await startTcp();
      const settings = withAuth ? { adminAuth: { type: 'credentials', users: [{ username: ADMIN.username, password: bcryptHash(ADMIN.password), permissions: '*' }] } } : {};
      red = await startNodeRed({ settings });
      if (withAuth) {
        const res = await red.request('POST', '/auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope: '*', ...ADMIN });
        assert.equal(res.status, 200, res.text);
        auth = { authorization: `Bearer ${res.json.access_token}` };
      }
      const flow = [
        { id: 'tab', type: 'tab', label: 'security' },
        { id: 'acc', type: 'claude-account', name: 'work', auth: 'cookie', baseUrl: fake.url, oauthBaseUrl: fake.url, proxy: '', transport: 'undici', credentials: { sessionKey: KEY, proxyUser: 'someone', proxyPassword: PROXY_PASSWORD } },
        { id: 'ch', z: 'tab', type: 'claude-ntfy', name: 'phone', server: ntfy.url, topic: 'alerts', tags: '', credentials: { token: ntfy.token }, wires: [[]] },
      ];
      const mark = red.log.length; // Node-RED's start-up logs "Started flows" too: wait for the deploy's
      const res = await red.request('POST', '/flows', flow, { 'Node-RED-Deployment-Type': 'full', ...auth });
      assert.ok(res.status === 204 || res.status === 200, res.text);
      await red.waitForLog(/Started flows/, 20_000, mark);
    });

    after(async () => {
      await red?.stop();
      red?.cleanup();
      await Promise.all([fake?.close(), ntfy?.close(), attacker?.close(), tcp?.close()]);
    });

    const nothingArrived = () => {
      assert.deepEqual(attacker.seen, [], 'a request reached the attacker');
      assert.deepEqual(tcp.seen, [], 'a connection reached the TCP listener');
    };

    if (withAuth) {
      it('answers 401 to a request without the admin token, doing nothing', async () => {
        const res = await red.request('POST', '/claude-account/verify', { id: 'acc', auth: 'cookie', baseUrl: attacker.url, sessionKey: '__PWRD__' });
        assert.equal(res.status, 401);
        const test = await red.request('POST', '/claude-ntfy/test', { id: 'ch', server: attacker.url, topic: 'alerts' });
        assert.equal(test.status, 401);
        nothingArrived();
      });
    }

    it('refuses a cross-site form post to Verify and Test with 415', async () => {
      const verify = await red.request('POST', '/claude-account/verify', form({ id: 'acc', auth: 'cookie', baseUrl: attacker.url, sessionKey: '__PWRD__' }), { ...FORM, ...auth });
      assert.equal(verify.status, 415);
      const test = await red.request('POST', '/claude-ntfy/test', form({ id: 'ch', server: attacker.url, topic: 'alerts' }), { ...FORM, ...auth });
      assert.equal(test.status, 415);
      nothingArrived();
    });

    it('never sends a stored secret to a destination the request names', async () => {
      for (const change of [{ baseUrl: attacker.url }, { proxy: attacker.url }, { baseUrl: `http://127.0.0.1:${tcp.port}` }]) {
        const res = await red.request('POST', '/claude-account/verify', { id: 'acc', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__', ...change }, auth);
        assert.equal(res.status, 400, res.text);
        assert.ok(!res.text.includes(KEY));
      }
      const proxied = await red.request('POST', '/claude-account/verify', { id: 'acc', auth: 'cookie', baseUrl: fake.url, proxy: attacker.url, proxyUser: 'someone', proxyPassword: '__PWRD__' }, auth);
      assert.equal(proxied.status, 400, proxied.text);
      const test = await red.request('POST', '/claude-ntfy/test', { id: 'ch', server: attacker.url, topic: 'alerts' }, auth);
      assert.equal(test.status, 400, test.text);
      nothingArrived();
      const ok = await red.request('POST', '/claude-account/verify', { id: 'acc', auth: 'cookie', baseUrl: fake.url, sessionKey: '__PWRD__' }, auth);
      assert.equal(ok.status, 200);
      assert.equal(ok.json.ok, true, ok.text);
    });

    it('exports no credential with the flows', async () => {
      const res = await red.request('GET', '/flows', undefined, { accept: 'application/json', ...auth });
      assert.equal(res.status, 200);
      for (const secret of [KEY, PROXY_PASSWORD, ntfy.token]) assert.ok(!res.text.includes(secret), 'a credential is in GET /flows');
      assert.ok(!red.log.includes(KEY) && !red.log.includes(PROXY_PASSWORD), 'a credential is in the log');
    });
  });
}
