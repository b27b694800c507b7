'use strict';
// End to end: a real Node-RED process with this package installed, a flow deployed
// through the admin API that sends one alert to all six channel nodes, each wired to
// its fake service; the delivery reports and failures come out through the collector.
// The editor's Test endpoints are called through the admin API too.
const assert = require('node:assert/strict');
const { startNodeRed } = require('../support/red-process');
const { nodeRedDir } = require('../support/node-red');
const { startCollector, collectorNode } = require('../support/collector');
const { startDiscordFake } = require('../fakes/discord');
const { startWebhookFake } = require('../fakes/webhook');
const { startPushoverFake } = require('../fakes/pushover');
const { startMatrixFake } = require('../fakes/matrix');
const { startNtfyFake } = require('../fakes/ntfy');
const { startTelegramFake } = require('../fakes/telegram');

const ALERT = {
  title: 'Claude 5-hour usage at 91%',
  message: 'work: 5-hour window at 91.2% (threshold 90%) <&>',
  account: 'work',
  kind: 'threshold',
  limit_type: 'session',
  pct: 91.2,
  threshold: 90,
  resetsAt: null,
  level: 'critical',
  at: '2026-11-22T10:00:00.000Z',
};

describe('channel nodes end to end (real Node-RED)', function () {
  this.timeout(90_000);
  let red;
  let collector;
  const fakes = {};
  let secrets;

  function channelNodes() {
    const common = { z: 'tab', x: 300, wires: [['report']] };
    return [
      { id: 'discord', type: 'claude-discord', name: '', username: 'Claude usage', credentials: { url: fakes.discord.webhookUrl }, ...common, y: 40 },
      { id: 'webhook', type: 'claude-webhook', name: '', method: 'POST', headers: '', template: '{"text": "*{title}*\\n{message}"}', credentials: { url: fakes.webhook.slackUrl }, ...common, y: 80 },
      { id: 'pushover', type: 'claude-pushover', name: '', device: '', sound: '', priority: 'auto', apiUrl: fakes.pushover.url, credentials: { token: fakes.pushover.token, user: fakes.pushover.user }, ...common, y: 120 },
      { id: 'matrix', type: 'claude-matrix', name: '', homeserver: fakes.matrix.url, room: fakes.matrix.roomAlias, msgtype: 'm.text', credentials: { accessToken: fakes.matrix.accessToken }, ...common, y: 160 },
      { id: 'ntfy', type: 'claude-ntfy', name: '', server: fakes.ntfy.url, topic: 'private-alerts', tags: 'robot', credentials: { token: fakes.ntfy.token }, ...common, y: 200 },
      { id: 'telegram', type: 'claude-telegram', name: '', chatId: fakes.telegram.chatId, apiUrl: fakes.telegram.url, credentials: { botToken: fakes.telegram.botToken }, ...common, y: 240 },
    ];
  }

  function flows() {
    const channels = channelNodes();
    return [
      { id: 'tab', type: 'tab', label: 'channels e2e' },
      { id: 'go', type: 'inject', z: 'tab', name: 'alert', props: [{ p: 'payload' }], payload: '', payloadType: 'str', repeat: '', once: false, x: 100, y: 40, wires: [['make']] },
      { id: 'make', type: 'change', z: 'tab', name: 'alert', rules: [{ t: 'set', p: 'alert', pt: 'msg', to: JSON.stringify(ALERT), tot: 'json' }, { t: 'set', p: 'topic', pt: 'msg', to: ALERT.title, tot: 'str' }], x: 200, y: 40, wires: [channels.map((c) => c.id)] },
      ...channels,
      // A disabled channel node without credentials, as the examples ship them: must deploy quietly.
      { id: 'off', type: 'claude-telegram', z: 'tab', d: true, name: 'fill me in', chatId: '', apiUrl: 'https://api.telegram.org', x: 300, y: 300, wires: [[]] },
      { id: 'report', type: 'change', z: 'tab', name: 'delivery → payload', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'delivery', tot: 'msg' }], x: 500, y: 40, wires: [['to-collector']] },
      collectorNode('to-collector', 'tab', collector.url, 'delivered'),
      { id: 'catcher', type: 'catch', z: 'tab', name: '', scope: null, uncaught: false, x: 100, y: 400, wires: [['failure']] },
      { id: 'failure', type: 'change', z: 'tab', name: 'failure → payload', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"error": error, "delivery": delivery}', tot: 'jsonata' }], x: 300, y: 400, wires: [['to-failed']] },
      collectorNode('to-failed', 'tab', collector.url, 'failed'),
    ];
  }

  before(async () => {
    collector = await startCollector();
    [fakes.discord, fakes.webhook, fakes.pushover, fakes.matrix, fakes.ntfy, fakes.telegram] = await Promise.all([startDiscordFake(), startWebhookFake(), startPushoverFake(), startMatrixFake(), startNtfyFake(), startTelegramFake()]);
    secrets = [fakes.discord.token, fakes.webhook.slackSecret, fakes.pushover.token, fakes.pushover.user, fakes.matrix.accessToken, fakes.ntfy.token, fakes.telegram.botToken];
    red = await startNodeRed({ settings: { claudeUsage: { delivery: { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 5000 } } } });
    await red.deploy(flows());
  });

  after(async () => {
    if (red) {
      await red.stop();
      red.cleanup();
    }
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    if (collector) await collector.close();
  });

  function assertNoSecret(where, text) {
    for (const s of secrets) assert.ok(!String(text).includes(s), `${where} contains a secret`);
  }

  it('loads the six node types and deploys a disabled one without credentials quietly', async () => {
    const nodes = await red.request('GET', '/nodes', undefined, { accept: 'application/json' });
    const types = nodes.json.flatMap((set) => set.types ?? []);
    for (const t of ['claude-discord', 'claude-webhook', 'claude-pushover', 'claude-matrix', 'claude-ntfy', 'claude-telegram']) assert.ok(types.includes(t), t);
    assert.doesNotMatch(red.log, /\[error\]/);
  });

  it('delivers one alert to all six services and reports each delivery', async () => {
    const from = collector.messages.length;
    const res = await red.request('POST', '/inject/go');
    assert.equal(res.status, 200);
    const channels = ['discord', 'webhook', 'pushover', 'matrix', 'ntfy', 'telegram'];
    const reports = await Promise.all(channels.map((ch) => collector.waitFor((m) => m.path === '/delivered' && m.body.channel === ch, 20_000, from)));
    for (const r of reports) {
      assert.equal(r.body.ok, true, JSON.stringify(r.body));
      assert.equal(r.body.status, 200);
    }
    assert.equal(fakes.discord.messages.at(-1).embeds[0].title, ALERT.title);
    assert.equal(reports[0].body.id, fakes.discord.messages.at(-1).id);
    assert.equal(fakes.webhook.received.at(-1).body.text, `*${ALERT.title}*\n${ALERT.message}`);
    assert.equal(fakes.pushover.notifications.at(-1).form.priority, '1', 'critical → Pushover priority 1');
    assert.equal(reports[3].body.attempts, 1, 'Matrix: the alias lookup is no attempt');
    assert.equal(fakes.matrix.events.at(-1).content.formatted_body, '<strong>Claude 5-hour usage at 91%</strong><br>work: 5-hour window at 91.2% (threshold 90%) &lt;&amp;&gt;');
    assert.equal(fakes.ntfy.messages.at(-1).priority, 5);
    assert.equal(fakes.telegram.sent.at(-1).text, `${ALERT.title}\n${ALERT.message}`);
  });

  it('retries on the service hint and sends final failures to the Catch node, without secrets', async () => {
    fakes.discord.script(fakes.discord.rateLimited(0.02));
    fakes.telegram.script((req) => ({ status: 400, body: { ok: false, error_code: 400, description: `Bad Request: chat not found (${req.path})` } }));
    const from = collector.messages.length;
    await red.request('POST', '/inject/go');
    const discord = await collector.waitFor((m) => m.path === '/delivered' && m.body.channel === 'discord', 20_000, from);
    assert.equal(discord.body.attempts, 2);
    const failed = await collector.waitFor((m) => m.path === '/failed', 20_000, from);
    assert.equal(failed.body.delivery.ok, false);
    assert.equal(failed.body.delivery.channel, 'telegram');
    assert.equal(failed.body.error.code, 'REJECTED');
    assert.match(failed.body.error.message, /^Telegram answered 400: Bad Request: chat not found \(.*\[redacted\].*\)$/);
    assertNoSecret('the Catch message', JSON.stringify(failed.body));
    assertNoSecret('the Node-RED log', red.log); // caught errors are not logged; uncaught ones are checked in the node tests
  });

  it('never exports a secret with the flows', async () => {
    const res = await red.request('GET', '/flows');
    assert.equal(res.status, 200);
    assertNoSecret('GET /flows', res.text);
  });

  it('Test endpoints: typed values, stored values (__PWRD__) and service errors', async () => {
    for (const n of channelNodes()) {
      const { credentials, id, type, ...props } = n;
      const masked = Object.fromEntries(Object.keys(credentials).map((k) => [k, '__PWRD__']));
      const stored = await red.request('POST', `/${type}/test`, { id, ...props, ...masked });
      assert.equal(stored.status, 200, type);
      assert.equal(stored.json.ok, true, `${type}: ${stored.json.message}`);
      assert.equal(stored.json.status, 200);
      assertNoSecret(`${type} Test answer`, stored.text);
      const typed = await red.request('POST', `/${type}/test`, { id: 'not-deployed-yet', ...props, ...credentials });
      assert.equal(typed.json.ok, true, `${type}: ${typed.json.message}`);
    }
    const wrong = await red.request('POST', '/claude-telegram/test', { id: 'x', chatId: '-100999', apiUrl: fakes.telegram.url, botToken: fakes.telegram.botToken });
    assert.equal(wrong.status, 200);
    assert.deepEqual(wrong.json, { ok: false, status: 400, message: 'Telegram answered 400: Bad Request: chat not found' });
    const malformed = await red.request('POST', '/claude-discord/test', '[1]');
    assert.equal(malformed.status, 400);
  });

  it('serves the editor helper and the node help', async () => {
    const script = await red.request('GET', '/resources/@claude-usage/node-red-claude-usage/channel-editor.js');
    assert.equal(script.status, 200);
    assert.match(script.text, /setupTestButton/);
    const html = await red.request('GET', '/nodes', undefined, { accept: 'text/html' });
    for (const t of ['claude-discord', 'claude-webhook', 'claude-pushover', 'claude-matrix', 'claude-ntfy', 'claude-telegram']) {
      assert.match(html.text, new RegExp(`data-help-name="${t}"`));
      assert.match(html.text, new RegExp(`data-template-name="${t}"`));
    }
  });
});

describe('channel Test endpoints behind admin auth (real Node-RED)', function () {
  this.timeout(90_000);
  const PASSWORD = 'test-password';
  const TYPES = ['claude-discord', 'claude-webhook', 'claude-pushover', 'claude-matrix', 'claude-ntfy', 'claude-telegram'];
  let red;

  before(async () => {
    // bcryptjs comes with the Node-RED under test: it checks the hash it makes.
    const bcrypt = require(require.resolve('bcryptjs', { paths: [nodeRedDir()] }));
    const HASH = bcrypt.hashSync(PASSWORD, 4);
    red = await startNodeRed({
      settings: {
        adminAuth: {
          type: 'credentials',
          users: [
            { username: 'admin', password: HASH, permissions: '*' },
            { username: 'viewer', password: HASH, permissions: 'read' },
          ],
        },
      },
    });
  });
  after(async () => {
    if (red) {
      await red.stop();
      red.cleanup();
    }
  });

  async function tokenFor(username, scope) {
    const res = await red.request('POST', '/auth/token', { client_id: 'node-red-admin', grant_type: 'password', scope, username, password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    return { authorization: `Bearer ${res.json.access_token}` };
  }

  it('asks for <type>.write: refused without a login and for read-only users, 200 for an editor', async () => {
    const viewer = await tokenFor('viewer', 'read');
    const admin = await tokenFor('admin', '*');
    for (const type of TYPES) {
      assert.equal((await red.request('POST', `/${type}/test`, { id: 'x' })).status, 401, type);
      assert.equal((await red.request('POST', `/${type}/test`, { id: 'x' }, viewer)).status, 401, `${type}: Node-RED answers 401 for a missing permission`);
      const ok = await red.request('POST', `/${type}/test`, { id: 'x' }, admin);
      assert.equal(ok.status, 200, type);
      assert.equal(ok.json.ok, false, 'nothing configured: a plain-words refusal, no request');
      assert.equal(ok.json.status, null);
    }
  });
});
