'use strict';
// The channel nodes in Node-RED (node-red-node-test-helper) against their fakes:
// delivery and msg.delivery, status, final failures to a Catch node, missing
// credentials, ordering, the Test admin endpoint, and no secret anywhere.
const assert = require('node:assert/strict');
const { testHelper, node, channelTable } = require('../support/node-red');
const { startDiscordFake } = require('../fakes/discord');
const { startWebhookFake } = require('../fakes/webhook');
const { startPushoverFake } = require('../fakes/pushover');
const { startMatrixFake } = require('../fakes/matrix');
const { startNtfyFake } = require('../fakes/ntfy');
const { startTelegramFake } = require('../fakes/telegram');

const helper = testHelper();

/** Per service: how to start its fake, configure a node for it, and read what it received. */
const CHANNELS = [
  {
    type: 'claude-discord',
    channel: 'discord',
    start: startDiscordFake,
    props: () => ({ username: 'Claude usage' }),
    creds: (f) => ({ url: f.webhookUrl }),
    secrets: (f) => [f.token],
    delivered: (f) => f.messages.map((m) => ({ id: m.id, text: m.embeds[0].description })),
    reject: (f) => f.unknownWebhook(),
    echo: (f) => (req) => ({ status: 400, body: { code: 50035, message: `Invalid Form Body at ${f.url}${req.url}` } }),
  },
  {
    type: 'claude-webhook',
    channel: 'webhook',
    start: startWebhookFake,
    props: () => ({ method: 'POST', headers: '', template: '{"text": "{message}"}' }),
    creds: (f) => ({ url: f.slackUrl }),
    secrets: (f) => [f.slackSecret],
    delivered: (f) => f.received.map((r) => ({ id: null, text: r.body.text })),
    reject: () => ({ status: 400, body: 'invalid_payload' }),
    echo: () => (req) => ({ status: 403, body: `action_prohibited for ${req.url}` }),
  },
  {
    type: 'claude-pushover',
    channel: 'pushover',
    start: startPushoverFake,
    props: (f) => ({ device: '', sound: '', priority: 'auto', apiUrl: f.url }),
    creds: (f) => ({ token: f.token, user: f.user }),
    secrets: (f) => [f.token, f.user],
    delivered: (f) => f.notifications.map((n) => ({ id: n.request, text: n.form.message })),
    reject: (f) => f.invalidUser(),
    echo: () => (req) => ({ status: 400, body: { status: 0, errors: [`cannot parse ${req.body}`] } }),
  },
  {
    type: 'claude-matrix',
    channel: 'matrix',
    start: startMatrixFake,
    props: (f) => ({ homeserver: f.url, room: f.roomId, msgtype: 'm.text' }),
    creds: (f) => ({ accessToken: f.accessToken }),
    secrets: (f) => [f.accessToken],
    delivered: (f) => f.events.map((e) => ({ id: e.event_id, text: e.content.body.split('\n').slice(1).join('\n') })),
    reject: (f) => f.forbidden(),
    echo: () => (req) => ({ status: 401, body: { errcode: 'M_UNKNOWN_TOKEN', error: `Unknown token ${req.headers.authorization}` } }),
  },
  {
    type: 'claude-ntfy',
    channel: 'ntfy',
    start: startNtfyFake,
    props: (f) => ({ server: f.url, topic: 'private-alerts', tags: 'robot' }),
    creds: (f) => ({ token: f.token }),
    credentialsOptional: true,
    secrets: (f) => [f.token],
    delivered: (f) => f.messages.map((m) => ({ id: m.id, text: m.message })),
    reject: (f) => f.forbidden(),
    echo: () => (req) => ({ status: 401, body: { code: 40101, http: 401, error: `unauthorized (${req.headers.authorization})` } }),
  },
  {
    type: 'claude-telegram',
    channel: 'telegram',
    start: startTelegramFake,
    props: (f) => ({ chatId: f.chatId, apiUrl: f.url }),
    creds: (f) => ({ botToken: f.botToken }),
    secrets: (f) => [f.botToken, f.botToken.split(':')[1]],
    delivered: (f) => f.sent.map((m) => ({ id: String(m.message_id), text: m.text.split('\n').slice(1).join('\n') })),
    reject: (f) => f.chatNotFound(),
    echo: () => (req) => ({ status: 404, body: { ok: false, error_code: 404, description: `Not Found: ${req.path}` } }),
  },
];

/** The claude-channels node set, which registers every channel type. */
const ALL_NODES = node('claude-channels');

function flowFor(c, fake, extra = {}) {
  return [
    { id: 'flow', type: 'tab', label: 'channels' },
    { id: 'ch', z: 'flow', type: c.type, name: '', ...c.props(fake), ...extra, wires: [['out']] },
    { id: 'out', z: 'flow', type: 'helper' },
    { id: 'catcher', z: 'flow', type: 'catch', scope: null, uncaught: false, wires: [['caught']] },
    { id: 'caught', z: 'flow', type: 'helper' },
  ];
}

function nextMessage(helperNode) {
  return new Promise((resolve) => helperNode.once('input', resolve));
}

function collectStatuses(n) {
  const seen = [];
  const original = n.status.bind(n);
  n.status = (s) => {
    seen.push(s);
    return original(s);
  };
  return seen;
}

function assertClean(where, value, secrets) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  for (const s of secrets) assert.ok(!text.includes(s), `${where} contains a secret: ${text.slice(0, 500)}`);
}

function logText() {
  return JSON.stringify(helper.log().args);
}

const alertMsg = {
  topic: 'Claude 5-hour usage at 91%',
  payload: 'work: 5-hour window at 91.2% (threshold 90%)',
  alert: { title: 'Claude 5-hour usage at 91%', message: 'work: 5-hour window at 91.2% (threshold 90%)', account: 'work', kind: 'threshold', limit_type: 'session', pct: 91.2, threshold: 90, resetsAt: null, level: 'warning', at: new Date().toISOString() },
};

describe('channel nodes', function () {
  before(() => helper.settings({ claudeUsage: { delivery: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3000 } } }));
  afterEach(async () => {
    await helper.unload();
  });

  for (const c of CHANNELS) {
    describe(c.type, () => {
      let fake;
      before(async () => (fake = await c.start()));
      after(() => fake.close());
      beforeEach(() => {
        fake.reset();
        for (const list of [fake.messages, fake.received, fake.notifications, fake.events, fake.sent]) if (list) list.length = 0;
      });

      it('delivers an alert and passes the message on with msg.delivery', async () => {
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const ch = helper.getNode('ch');
        const statuses = collectStatuses(ch);
        const out = nextMessage(helper.getNode('out'));
        ch.receive({ ...alertMsg, _keep: 'yes' });
        const msg = await out;
        const [got] = c.delivered(fake);
        assert.equal(got.text, alertMsg.alert.message);
        assert.deepEqual(msg.delivery, { ok: true, channel: c.channel, status: 200, attempts: 1, id: got.id });
        assert.equal(msg._keep, 'yes', 'the input message is passed on');
        assert.match(statuses.at(-1).text, /^sent \d\d:\d\d$/);
        assert.equal(statuses.at(-1).fill, 'green');
      });

      it('turns a plain message into an info alert', async () => {
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const out = nextMessage(helper.getNode('out'));
        helper.getNode('ch').receive({ topic: 'Backup', payload: 'the nightly backup finished' });
        const msg = await out;
        assert.equal(msg.delivery.ok, true);
        assert.equal(c.delivered(fake)[0].text, 'the nightly backup finished');
      });

      it('retries after a reset, showing "retrying in …", then delivers', async () => {
        fake.script('reset');
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const ch = helper.getNode('ch');
        const statuses = collectStatuses(ch);
        const out = nextMessage(helper.getNode('out'));
        ch.receive({ ...alertMsg });
        const msg = await out;
        assert.equal(msg.delivery.attempts, 2);
        assert.ok(statuses.some((s) => /^retrying in \d+s$/.test(s.text)), JSON.stringify(statuses));
      });

      it('sends a final failure to a Catch node with msg.delivery.ok = false', async () => {
        fake.script(c.reject(fake));
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const ch = helper.getNode('ch');
        const statuses = collectStatuses(ch);
        const caught = nextMessage(helper.getNode('caught'));
        let passedOn = false;
        helper.getNode('out').on('input', () => (passedOn = true));
        ch.receive({ ...alertMsg });
        const msg = await caught;
        assert.equal(msg.delivery.ok, false);
        assert.equal(msg.delivery.channel, c.channel);
        assert.equal(msg.delivery.attempts, 1);
        assert.equal(msg.delivery.id, null);
        assert.ok(msg.delivery.status >= 400 && msg.delivery.status < 500);
        assert.equal(msg.error.code, 'REJECTED');
        assert.match(msg.error.message, /answered 4\d\d/);
        assert.ok(!/DeliveryError/.test(msg.error.message), 'plain words, no class name');
        assert.equal(statuses.at(-1).fill, 'red');
        assert.equal(passedOn, false);
      });

      it('keeps every secret out of errors, status, output and logs when the service echoes it', async () => {
        fake.script(c.echo(fake));
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const ch = helper.getNode('ch');
        const statuses = collectStatuses(ch);
        const caught = nextMessage(helper.getNode('caught'));
        ch.receive({ ...alertMsg });
        const msg = await caught;
        const secrets = c.secrets(fake);
        assertClean('the error', msg.error, secrets);
        assertClean('the message', msg, secrets);
        assertClean('the status', statuses, secrets);
        assertClean('the log', logText(), secrets);
        assert.match(msg.error.message, /\[redacted\]/);
      });

      it('logs an uncaught failure in plain words, secrets redacted', async () => {
        fake.script(c.echo(fake));
        const flow = flowFor(c, fake).filter((n) => n.type !== 'catch');
        await helper.load(ALL_NODES, flow, { ch: c.creds(fake) });
        helper.getNode('ch').receive({ ...alertMsg });
        let logged;
        while (!(logged = helper.log().args.map((a) => a[0]).find((e) => e.level === 20 && e.id === 'ch'))) await new Promise((r) => setTimeout(r, 5));
        assert.match(String(logged.msg), /answered 4\d\d: .*\[redacted\]/);
        assertClean('the log', logText(), c.secrets(fake));
      });

      it('deploys without credentials, says so in the status and fails inputs plainly', async () => {
        // A status node created before the channel node sees the status it sets at deploy.
        const flow = flowFor(c, fake);
        flow.splice(1, 0, { id: 'st', z: 'flow', type: 'status', scope: ['ch'], wires: [['stout']] }, { id: 'stout', z: 'flow', type: 'helper' });
        const statusSeen = [];
        await helper.load(ALL_NODES, flow, {});
        helper.getNode('stout').on('input', (m) => statusSeen.push(m.status));
        const ch = helper.getNode('ch');
        const caught = nextMessage(helper.getNode('caught'));
        ch.receive({ payload: 'x' });
        const msg = await caught;
        assert.equal(msg.delivery.ok, false);
        if (c.credentialsOptional) {
          // ntfy topics may be open: the token is optional, so the server's refusal is the answer.
          assert.equal(msg.error.message, 'ntfy answered 403: forbidden (40301)');
        } else {
          assert.equal(msg.error.code, 'CONFIG');
          assert.equal(msg.delivery.attempts, 0);
          assert.equal(fake.requests.length, 0);
          assert.match(msg.error.message, / no .* set$/);
          assert.ok(statusSeen.some((st) => st.fill === 'red' && / set$/.test(st.text)), JSON.stringify(statusSeen));
        }
      });

      it('Test endpoint: sends a test alert with the typed values and answers in plain words', async () => {
        await helper.load(ALL_NODES, flowFor(c, fake), {});
        const res = await helper.request().post(`/${c.type}/test`).send({ id: 'new-node', ...c.props(fake), ...c.creds(fake) }).expect(200);
        assert.equal(res.body.ok, true, res.body.message);
        assert.equal(res.body.status, 200);
        assert.match(res.body.message, /^Sent\. .* answered 200/);
        assert.match(c.delivered(fake)[0].text, /test from Node-RED/);
        assertClean('the answer', res.body, c.secrets(fake));
      });

      it('Test endpoint: __PWRD__ and empty secrets fall back to the stored credentials', async () => {
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        const masked = Object.fromEntries(Object.keys(c.creds(fake)).map((k, i) => [k, i === 0 ? '__PWRD__' : '']));
        const res = await helper.request().post(`/${c.type}/test`).send({ id: 'ch', ...c.props(fake), ...masked }).expect(200);
        assert.equal(res.body.ok, true, res.body.message);
      });

      it('Test endpoint: reports the service error with 200 and no secret, 400 only for a malformed request', async () => {
        await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
        fake.script(c.echo(fake));
        const res = await helper.request().post(`/${c.type}/test`).send({ id: 'ch', ...c.props(fake) }).expect(200);
        assert.equal(res.body.ok, false);
        assert.ok(res.body.status >= 400);
        assertClean('the answer', res.body, c.secrets(fake));
        const missing = await helper.request().post(`/${c.type}/test`).send({ id: 'unknown-node' }).expect(200);
        assert.equal(missing.body.ok, false);
        assert.equal(missing.body.status, null);
        await helper.request().post(`/${c.type}/test`).send([1, 2]).expect(400);
      });
    });
  }

  describe('ordering', () => {
    let fake;
    before(async () => (fake = await startDiscordFake()));
    after(() => fake.close());

    it('keeps alerts to one destination in order while the first is being retried', async () => {
      const c = CHANNELS[0];
      fake.script(fake.rateLimited(0.03), { status: 502, body: { message: 'bad gateway' } });
      await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
      const ch = helper.getNode('ch');
      const out = helper.getNode('out');
      const done = new Promise((resolve) => {
        let n = 0;
        out.on('input', () => ++n === 5 && resolve());
      });
      for (let i = 1; i <= 5; i++) ch.receive({ topic: `alert ${i}`, payload: `number ${i}` });
      await done;
      assert.deepEqual(fake.messages.map((m) => m.embeds[0].description), ['number 1', 'number 2', 'number 3', 'number 4', 'number 5']);
    });
  });

  describe('settings', () => {
    let fake;
    before(async () => (fake = await startDiscordFake()));
    after(async () => {
      helper.settings({ claudeUsage: { delivery: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3000 } } });
      await fake.close();
    });

    it('honours claudeUsage.delivery from settings.js (here: 2 attempts at most)', async () => {
      helper.settings({ claudeUsage: { delivery: { baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 3000, maxAttempts: 2 } } });
      const c = CHANNELS[0];
      fake.script(...Array.from({ length: 5 }, () => ({ status: 503, body: { message: 'unavailable' } })));
      await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
      const caught = nextMessage(helper.getNode('caught'));
      helper.getNode('ch').receive({ payload: 'x' });
      const msg = await caught;
      assert.equal(msg.delivery.attempts, 2);
      assert.equal(msg.error.message, 'Discord answered 503: unavailable (after 2 attempts)');
    });
  });

  describe('closing', () => {
    let fake;
    before(async () => (fake = await startDiscordFake()));
    after(() => fake.close());

    it('stops a pending retry when the flow is stopped, without an error', async () => {
      const c = CHANNELS[0];
      fake.script(fake.rateLimited(60));
      await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
      const ch = helper.getNode('ch');
      const statuses = collectStatuses(ch);
      ch.receive({ payload: 'x' });
      while (!statuses.some((s) => /^retrying/.test(s.text ?? ''))) await new Promise((r) => setTimeout(r, 5));
      await helper.unload();
      assert.equal(fake.requests.length, 1);
      assert.ok(!logText().includes('cancelled'), logText());
    });
  });

  describe('the channels table', () => {
    it('has node tests here for every channel, in its order', () => {
      assert.deepEqual(CHANNELS.map((c) => c.type), channelTable().types);
    });
  });

  describe('a full queue', () => {
    let fake;
    before(async () => (fake = await startDiscordFake()));
    after(() => fake.close());

    it('refuses an alert when 100 already wait for its destination, in plain words', async () => {
      const c = CHANNELS[0];
      fake.script(fake.rateLimited(60));
      await helper.load(ALL_NODES, flowFor(c, fake), { ch: c.creds(fake) });
      const ch = helper.getNode('ch');
      const statuses = collectStatuses(ch);
      const caught = nextMessage(helper.getNode('caught'));
      for (let i = 0; i <= 100; i++) ch.receive({ payload: `alert ${i}` });
      const msg = await caught;
      assert.equal(msg.error.code, 'QUEUE_FULL');
      assert.equal(msg.error.message, 'Discord: 100 alerts already waiting for this destination');
      assert.deepEqual(msg.delivery, { ok: false, channel: 'discord', status: null, attempts: 0, id: null });
      assert.ok(statuses.some((st) => st.fill === 'red' && st.text === msg.error.message), JSON.stringify(statuses.slice(-3)));
    });
  });

  describe('in German (settings.js lang: de)', () => {
    const GERMAN = node('claude-channels', 'de');
    const discord = CHANNELS[0];
    const pushover = CHANNELS.find((c) => c.type === 'claude-pushover');
    const fakes = {};
    before(async () => {
      fakes.discord = await discord.start();
      fakes.pushover = await pushover.start();
    });
    after(async () => {
      await fakes.discord.close();
      await fakes.pushover.close();
    });

    it('shows sending, retrying and sent in German', async () => {
      const fake = fakes.discord;
      fake.reset();
      fake.script('reset');
      await helper.load(GERMAN, flowFor(discord, fake), { ch: discord.creds(fake) });
      const ch = helper.getNode('ch');
      const statuses = collectStatuses(ch);
      const out = nextMessage(helper.getNode('out'));
      ch.receive({ ...alertMsg });
      await out;
      const texts = statuses.map((st) => st.text);
      assert.equal(texts[0], 'wird gesendet');
      assert.ok(texts.some((t) => /^neuer Versuch in \d+s$/.test(t)), texts.join(' | '));
      assert.match(texts.at(-1), /^gesendet \d\d:\d\d$/);
    });

    it('answers the Test button in German, service words as the service said them', async () => {
      const fake = fakes.pushover;
      fake.reset();
      await helper.load(GERMAN, flowFor(pushover, fake), { ch: pushover.creds(fake) });
      const sent = await helper.request().post('/claude-pushover/test').send({ id: 'new-node', ...pushover.props(fake), ...pushover.creds(fake) }).expect(200);
      assert.match(sent.body.message, /^Gesendet\. Pushover hat mit 200 geantwortet \(ID [\w-]+\)\.$/);
      const elsewhere = { id: 'ch', ...pushover.props(fake), apiUrl: 'http://127.0.0.1:9', token: '__PWRD__', user: '__PWRD__' };
      const refused = await helper.request().post('/claude-pushover/test').send(elsewhere).expect(400);
      assert.match(refused.body.message, /^nicht gesendet: die gespeicherten Pushover-Geheimnisse gelten nur für das Ziel des übernommenen Nodes\./);
      const malformed = await helper.request().post('/claude-pushover/test').send([1]).expect(400);
      assert.equal(malformed.body.message, 'erwartet wird ein JSON-Objekt mit den Eigenschaften des Nodes');
    });
  });
});
