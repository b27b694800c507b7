'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');
const { createSource, defaultCredentialsFile } = lib('claude/client');
const { Account } = lib('claude/account');
const { accountSettings } = lib('claude/settings');
const { normalizeUsage } = lib('claude/normalize');

const KEY = 'sk-ant-sid01-test-session-key-0000000000000000000000';
const TOKEN = 'sk-ant-oat01-test-access-token-000000000000000000000';

describe('claude/client', function () {
  let fake;
  let tmp;
  beforeEach(async () => {
    fake = await startFakeClaude();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-client-'));
  });
  afterEach(async () => {
    await fake.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const cookieSource = (extra = {}, key = KEY, onRotate) => createSource(accountSettings({ name: 'work', auth: 'cookie', baseUrl: fake.url, ...extra }, 1500), key, onRotate);

  for (const transport of ['undici', 'curl']) {
    describe(`cookie mode over ${transport}`, () => {
      it('lists organizations, picks the chat org and reads its usage', async () => {
        const snap = await cookieSource({ transport }).fetchUsage();
        assert.deepEqual(snap.organization, { uuid: fake.org.uuid, name: fake.org.name });
        assert.equal(snap.plan, 'max_20x');
        assert.equal(snap.raw.five_hour.utilization, 62.4);
        const usageReq = fake.requests.find((r) => r.url.endsWith('/usage'));
        assert.equal(usageReq.url, `/api/organizations/${fake.org.uuid}/usage`);
        assert.equal(usageReq.headers.cookie, `sessionKey=${KEY}`);
        assert.equal(usageReq.headers.accept, 'application/json');
        assert.match(usageReq.headers['user-agent'], /Mozilla/);
      });
      it('reads the limits[] generation', async () => {
        fake.generation = 'limits';
        const snap = await cookieSource({ transport }).fetchUsage();
        assert.equal(normalizeUsage(snap.raw).session.pct, 62.4);
      });
    });
  }

  it('polls a configured organization directly and names it from the list', async () => {
    const api = fake.organizations[1];
    const snap = await cookieSource({ organization: api.uuid }).fetchUsage();
    assert.deepEqual(snap.organization, { uuid: api.uuid, name: api.name });
    assert.equal(snap.plan, null);
  });

  it('switches to a rotated session key and ignores empty ones', async () => {
    const rotated = [];
    const src = cookieSource({}, `sessionKey=${KEY}`, (k) => rotated.push(k));
    fake.rotateTo = 'sk-ant-sid01-rotated-key-111111111111111111111111111';
    await src.fetchUsage();
    assert.deepEqual(rotated, ['sk-ant-sid01-rotated-key-111111111111111111111111111']);
    fake.sessionKeys.delete(KEY);
    await src.fetchUsage();
    assert.equal(fake.requests.at(-1).headers.cookie, 'sessionKey=sk-ant-sid01-rotated-key-111111111111111111111111111');
  });

  it('has NO_CREDENTIALS without a usable key and makes no request', async () => {
    await assert.rejects(cookieSource({}, 'hello').fetchUsage(), { code: 'NO_CREDENTIALS' });
    assert.equal(fake.requests.length, 0);
  });

  const faults = [
    ['session-invalid', 'SESSION_EXPIRED', /HTTP 403 account_session_invalid/],
    ['unauthorized', 'SESSION_EXPIRED', /HTTP 401/],
    ['forbidden-organization', 'FORBIDDEN', /organization.*VPN/],
    ['forbidden-edge', 'FORBIDDEN', /VPN, proxy or country/],
    ['forbidden-scope', 'FORBIDDEN', /user:profile scope/],
    ['cloudflare', 'BLOCKED', /Cloudflare challenge/],
    ['cloudflare-html-only', 'BLOCKED', /web page/],
    ['rate-limit-seconds', 'RATE_LIMITED', /retry after 120 s/],
    ['rate-limit-date', 'RATE_LIMITED', /retry after (89|90) s/],
    ['rate-limit-zero', 'RATE_LIMITED', /HTTP 429\)/],
    ['server-error', 'HTTP_ERROR', /HTTP 500/],
    ['bad-gateway', 'HTTP_ERROR', /HTTP 502/],
    ['overloaded', 'HTTP_ERROR', /HTTP 529/],
    ['not-found', 'HTTP_ERROR', /HTTP 404/],
    ['reset', 'NETWORK', /cannot reach/],
    ['hang', 'NETWORK', /timed out/],
    ['truncated', 'BAD_RESPONSE', /not JSON/],
  ];
  for (const [fault, code, words] of faults) {
    it(`answers ${fault} with ${code}`, async () => {
      fake.faults.push(fault);
      const err = await cookieSource().fetchUsage().then(() => null, (e) => e);
      assert.ok(err, 'expected a failure');
      assert.equal(err.code, code);
      assert.match(err.message, words);
      assert.ok(!err.message.includes(KEY));
    });
  }

  it('answers a usage object of the wrong shape with BAD_RESPONSE naming the field', async () => {
    fake.rawUsage = { five_hour: { utilization: 'lots', resets_at: 7 } };
    await assert.rejects(cookieSource().fetchUsage(), (e) => e.code === 'BAD_RESPONSE' && /usage object: five_hour\.utilization/.test(e.message));
  });

  it('reports retryAfterMs from seconds and dates, none for 0', async () => {
    for (const [fault, expect] of [['rate-limit-seconds', 120_000], ['rate-limit-zero', null]]) {
      fake.faults.push(fault);
      const err = await cookieSource().fetchUsage().catch((e) => e);
      assert.equal(err.retryAfterMs, expect);
    }
    fake.faults.push('rate-limit-date');
    const err = await cookieSource().fetchUsage().catch((e) => e);
    assert.ok(err.retryAfterMs > 85_000 && err.retryAfterMs <= 90_000);
  });

  for (const transport of ['undici', 'curl']) {
    it(`goes through a configured proxy (${transport})`, async () => {
      const { startProxy } = require('../fakes/proxy');
      const proxy = await startProxy();
      try {
        const snap = await cookieSource({ transport, proxy: proxy.url }).fetchUsage();
        assert.equal(snap.raw.five_hour.utilization, 62.4);
        assert.ok(proxy.seen.length >= 1, 'the proxy carried the requests');
        assert.equal(fake.requests.at(-1).headers.cookie, `sessionKey=${KEY}`);
      } finally {
        await proxy.close();
      }
    });

    it(`never follows a redirect with the cookie (${transport})`, async () => {
      const elsewhere = await startFakeClaude();
      try {
        fake.redirectTo = `${elsewhere.url}/api/organizations`;
        fake.faults.push('redirect');
        await assert.rejects(cookieSource({ transport }).fetchUsage(), (e) => e.code === 'HTTP_ERROR' && /HTTP 302/.test(e.message));
        assert.equal(elsewhere.requests.length, 0, 'the other host saw nothing');
      } finally {
        await elsewhere.close();
      }
    });
  }

  it('is refused when the network is down', async () => {
    const src = createSource(accountSettings({ auth: 'cookie', baseUrl: 'http://127.0.0.1:1' }, 1000), KEY);
    await assert.rejects(src.fetchUsage(), (e) => e.code === 'NETWORK' && /connection refused/.test(e.message));
  });

  describe('account gate', () => {
    it('makes no request while a Retry-After runs, then asks again', async () => {
      let now = 1_000_000;
      const account = new Account(cookieSource(), () => now);
      fake.faults.push('rate-limit-seconds');
      await assert.rejects(account.fetchUsage(), { code: 'RATE_LIMITED' });
      const count = fake.requests.length;
      now += 119_000;
      const early = await account.fetchUsage().catch((e) => e);
      assert.equal(early.code, 'RATE_LIMITED');
      assert.equal(early.retryAfterMs, 1000);
      assert.equal(fake.requests.length, count, 'no request before Retry-After passed');
      now += 1000;
      await account.fetchUsage();
      assert.ok(fake.requests.length > count);
    });
    it('shares one request between simultaneous polls', async () => {
      const account = new Account(cookieSource());
      const [a, b] = await Promise.all([account.fetchUsage(), account.fetchUsage()]);
      assert.equal(a, b);
      assert.equal(fake.requests.filter((r) => r.url.endsWith('/usage')).length, 1);
    });
  });

  describe('claude-code mode', () => {
    const writeLogin = (file, token, expiresAt = Date.now() + 3600_000) =>
      fs.writeFileSync(file, JSON.stringify({ claudeAiOauth: { accessToken: token, refreshToken: 'sk-ant-ort01-never-used', expiresAt, scopes: ['user:inference', 'user:profile'], subscriptionType: 'max', rateLimitTier: 'default_claude_max_5x' } }));
    const codeSource = (file) => createSource(accountSettings({ auth: 'claude-code', credentialsFile: file, oauthBaseUrl: fake.url }, 1500));

    it('reads the token file and asks the OAuth usage endpoint', async () => {
      const file = path.join(tmp, '.credentials.json');
      writeLogin(file, TOKEN);
      const before = fs.readFileSync(file, 'utf8');
      const snap = await codeSource(file).fetchUsage();
      assert.equal(snap.plan, 'max_5x');
      assert.equal(snap.organization, null);
      const req = fake.requests.at(-1);
      assert.equal(req.url, '/api/oauth/usage');
      assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(req.headers['anthropic-beta'], 'oauth-2025-04-20');
      assert.equal(fs.readFileSync(file, 'utf8'), before, 'the login file is never written');
    });

    it('re-reads the file when the token is rejected and uses the refreshed one', async () => {
      const file = path.join(tmp, '.credentials.json');
      writeLogin(file, 'sk-ant-oat01-old-token-00000000000000000000000000');
      const src = codeSource(file);
      fake.tokens.add('sk-ant-oat01-old-token-00000000000000000000000000');
      await src.fetchUsage();
      fake.tokens.clear();
      fake.tokens.add(TOKEN);
      writeLogin(file, TOKEN);
      await src.fetchUsage();
      assert.equal(fake.requests.at(-1).headers.authorization, `Bearer ${TOKEN}`);
    });

    it('says TOKEN_EXPIRED for a stale file without asking the server', async () => {
      const file = path.join(tmp, '.credentials.json');
      writeLogin(file, TOKEN, Date.now() - 1000);
      await assert.rejects(codeSource(file).fetchUsage(), (e) => e.code === 'TOKEN_EXPIRED' && !e.message.includes(TOKEN));
      assert.equal(fake.requests.length, 0);
    });

    it('says TOKEN_EXPIRED when the server refuses an unexpired token that the file still holds', async () => {
      const file = path.join(tmp, '.credentials.json');
      writeLogin(file, 'sk-ant-oat01-revoked-0000000000000000000000000000');
      await assert.rejects(codeSource(file).fetchUsage(), { code: 'TOKEN_EXPIRED' });
    });

    it('says NO_CREDENTIALS for a missing or malformed file', async () => {
      await assert.rejects(codeSource(path.join(tmp, 'missing.json')).fetchUsage(), (e) => e.code === 'NO_CREDENTIALS' && /not found/.test(e.message));
      const bad = path.join(tmp, 'bad.json');
      fs.writeFileSync(bad, '{"claudeAiOauth": {');
      await assert.rejects(codeSource(bad).fetchUsage(), (e) => e.code === 'NO_CREDENTIALS' && /not valid JSON/.test(e.message));
      fs.writeFileSync(bad, '{"somethingElse": {}}');
      await assert.rejects(codeSource(bad).fetchUsage(), (e) => e.code === 'NO_CREDENTIALS' && /claudeAiOauth/.test(e.message));
    });

    it('finds the file under CLAUDE_CONFIG_DIR, else ~/.claude', () => {
      assert.equal(defaultCredentialsFile({ CLAUDE_CONFIG_DIR: '/a,/b' }, '/home/u'), '/a/.credentials.json');
      assert.equal(defaultCredentialsFile({}, '/home/u'), '/home/u/.claude/.credentials.json');
    });
  });

  it('demo mode makes no request', async () => {
    const snap = await createSource(accountSettings({ name: 'demo', auth: 'demo' })).fetchUsage();
    assert.equal(snap.plan, 'max_5x');
    assert.ok(snap.raw.five_hour.utilization >= 0);
    assert.equal(fake.requests.length, 0);
  });
});
