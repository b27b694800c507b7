'use strict';
// The channel nodes as one node set (claude-channels): the build's joining of each channel's
// editor, texts and help (and its refusals), and flows and credentials saved while every
// channel was a set of its own loading unchanged in a real Node-RED. The set's texts in a real
// editor are in editor.test.js.
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { root, channelTable, node, setOf } = require('../support/node-red');
const { startNodeRed, logProblems } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { startDiscordFake } = require('../fakes/discord');
const { startWebhookFake } = require('../fakes/webhook');
const { startPushoverFake } = require('../fakes/pushover');
const { startMatrixFake } = require('../fakes/matrix');
const { startNtfyFake } = require('../fakes/ntfy');
const { startTelegramFake } = require('../fakes/telegram');
const { joinChannelSet } = require('../../scripts/channel-set');

const MODULE = '@claude-usage/node-red-claude-usage';
const SET = channelTable().set;

describe('the channel node set: joining its files', () => {
  let src;
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(src, file)), { recursive: true });
    fs.writeFileSync(path.join(src, file), text);
  };
  const editor = (type) => `<script src="resources/x/shared.js"></script>\n<script type="text/html" data-template-name="${type}"></script>\n`;
  const help = (type) => `<script type="text/html" data-help-name="${type}"><p>${type}</p></script>\n`;
  function channel(type) {
    write(`${type}.html`, editor(type));
    for (const lang of ['en-US', 'de']) {
      write(`locales/${lang}/${type}.json`, JSON.stringify({ [type]: { label: { name: `${type} ${lang}` } } }));
      write(`locales/${lang}/${type}.html`, help(type));
    }
  }
  const join = (channels = ['claude-b', 'claude-a']) => joinChannelSet({ src, set: 'claude-set', channels, sets: ['claude-solo', 'claude-set'] });

  beforeEach(() => {
    src = fs.mkdtempSync(path.join(os.tmpdir(), 'channel-set-'));
    channel('claude-a');
    channel('claude-b');
    write('claude-solo.html', editor('claude-solo'));
    for (const lang of ['en-US', 'de']) {
      write(`locales/${lang}/claude-set.json`, JSON.stringify({ 'claude-set': { shared: lang } }));
      write(`locales/${lang}/claude-solo.json`, '{}');
      write(`locales/${lang}/claude-solo.html`, help('claude-solo'));
    }
  });
  afterEach(() => fs.rmSync(src, { recursive: true, force: true }));

  it("joins editors, texts and help in the table's order, the shared script once, the set's own texts kept", () => {
    const { files, sources } = join();
    assert.deepEqual(Object.keys(files).sort(), ['claude-set.html', 'locales/de/claude-set.html', 'locales/de/claude-set.json', 'locales/en-US/claude-set.html', 'locales/en-US/claude-set.json']);
    assert.deepEqual([...files['claude-set.html'].matchAll(/data-template-name="([^"]+)"/g)].map((m) => m[1]), ['claude-b', 'claude-a']);
    assert.equal(files['claude-set.html'].split('shared.js').length - 1, 1, 'the shared editor script once');
    assert.deepEqual([...files['locales/de/claude-set.html'].matchAll(/data-help-name="([^"]+)"/g)].map((m) => m[1]), ['claude-b', 'claude-a']);
    assert.deepEqual(JSON.parse(files['locales/de/claude-set.json']), {
      'claude-set': { shared: 'de' },
      'claude-b': { label: { name: 'claude-b de' } },
      'claude-a': { label: { name: 'claude-a de' } },
    });
    assert.ok(sources.has('claude-a.html') && sources.has('claude-set.json') && !sources.has('claude-solo.html'));
  });

  it('refuses a table entry without its editor, texts or help in every language', () => {
    assert.throws(() => join(['claude-b', 'claude-a', 'claude-c']), /nodes\/claude-c\.html is missing for claude-c/);
    fs.rmSync(path.join(src, 'locales/de/claude-a.html'));
    assert.throws(() => join(), /nodes\/locales\/de\/claude-a\.html is missing for claude-a/);
    write('locales/de/claude-a.html', help('claude-a'));
    fs.rmSync(path.join(src, 'locales/en-US/claude-a.json'));
    assert.throws(() => join(), /nodes\/locales\/en-US\/claude-a\.json is missing for claude-a/);
  });

  it('refuses a file that belongs to no node set and no entry of the table', () => {
    channel('claude-c');
    assert.throws(() => join(), /nodes\/claude-c\.html belongs to no node set/);
    fs.rmSync(path.join(src, 'claude-c.html'));
    assert.throws(() => join(), /nodes\/locales\/de\/claude-c\.html belongs to no node set/);
  });

  it('refuses a channel with a node file or a set entry of its own, texts under another key, and an editor for the set itself', () => {
    write('claude-a.ts', '');
    assert.throws(() => join(), /nodes\/claude-a\.ts: a channel has no node file/);
    fs.rmSync(path.join(src, 'claude-a.ts'));
    assert.throws(() => joinChannelSet({ src, set: 'claude-set', channels: ['claude-solo'], sets: ['claude-solo', 'claude-set'] }), /in the channels table and in package\.json/);
    write('locales/en-US/claude-a.json', JSON.stringify({ 'claude-b': {} }));
    assert.throws(() => join(), /claude-a\.json: its one top-level key must be claude-a/);
    channel('claude-a');
    write('claude-set.html', '');
    assert.throws(() => join(), /nodes\/claude-set\.html: the set's editor and help are made from its channels' files/);
  });

  it("gives a channel type's module and translator as its set's to the tests", () => {
    for (const type of channelTable().types) {
      assert.equal(setOf(type), SET);
      assert.equal(node(type, 'de'), node(SET, 'de'));
    }
    assert.equal(setOf('claude-usage'), 'claude-usage');
    assert.throws(() => setOf('claude-nothing'), /no node type of this package/);
  });

  it('is what the build made of this package', () => {
    const { files } = joinChannelSet({ src: path.join(root, 'nodes'), set: SET, channels: channelTable().types, sets: Object.keys(require(path.join(root, 'package.json'))['node-red'].nodes) });
    for (const [file, text] of Object.entries(files)) assert.equal(fs.readFileSync(path.join(root, 'dist', 'nodes', file), 'utf8'), text, file);
  });
});

/** Node-RED's flows_cred.json: the credentials by node id, encrypted with the credential secret. */
function encryptedCredentials(secret, credentials) {
  const key = crypto.createHash('sha256').update(secret).digest();
  const iv = crypto.randomBytes(16);
  const cipher = crypto.createCipheriv('aes-256-ctr', key, iv);
  return { $: iv.toString('hex') + cipher.update(JSON.stringify(credentials), 'utf8', 'base64') + cipher.final('base64') };
}

describe('flows saved while every channel was a node set of its own (real Node-RED)', function () {
  this.timeout(120_000);
  const fakes = {};
  let collector;
  let red;
  let secrets;

  before(async () => {
    collector = await startCollector();
    [fakes.discord, fakes.webhook, fakes.pushover, fakes.matrix, fakes.ntfy, fakes.telegram] = await Promise.all([startDiscordFake(), startWebhookFake(), startPushoverFake(), startMatrixFake(), startNtfyFake(), startTelegramFake()]);
    secrets = [fakes.discord.token, fakes.webhook.slackSecret, fakes.pushover.token, fakes.pushover.user, fakes.matrix.accessToken, fakes.ntfy.token, fakes.telegram.botToken];
    const common = { z: 'tab', x: 300, wires: [['report']] };
    // The six nodes as 0.1.0 saved them: properties in flows.json, secrets in flows_cred.json.
    const channels = [
      { id: 'discord', type: 'claude-discord', version: 1, name: '', username: 'Claude usage', ...common, y: 40 },
      { id: 'webhook', type: 'claude-webhook', version: 1, name: '', method: 'POST', headers: '', template: '{"text": "{message}"}', ...common, y: 80 },
      { id: 'pushover', type: 'claude-pushover', version: 1, name: '', device: '', sound: '', priority: 'auto', apiUrl: fakes.pushover.url, ...common, y: 120 },
      { id: 'matrix', type: 'claude-matrix', version: 1, name: '', homeserver: fakes.matrix.url, room: fakes.matrix.roomId, msgtype: 'm.text', ...common, y: 160 },
      { id: 'ntfy', type: 'claude-ntfy', version: 1, name: '', server: fakes.ntfy.url, topic: 'private-alerts', tags: '', ...common, y: 200 },
      { id: 'telegram', type: 'claude-telegram', version: 1, name: '', chatId: fakes.telegram.chatId, apiUrl: fakes.telegram.url, ...common, y: 240 },
    ];
    const credentials = {
      discord: { url: fakes.discord.webhookUrl },
      webhook: { url: fakes.webhook.slackUrl, secretHeaders: '' },
      pushover: { token: fakes.pushover.token, user: fakes.pushover.user },
      matrix: { accessToken: fakes.matrix.accessToken },
      ntfy: { token: fakes.ntfy.token },
      telegram: { botToken: fakes.telegram.botToken },
    };
    const flows = [
      { id: 'tab', type: 'tab', label: 'channels' },
      { id: 'go', type: 'inject', z: 'tab', name: '', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], payload: 'the nightly backup finished', payloadType: 'str', topic: 'Backup', repeat: '', once: false, x: 100, y: 40, wires: [channels.map((c) => c.id)] },
      ...channels,
      { id: 'report', type: 'change', z: 'tab', name: '', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'delivery', tot: 'msg' }], x: 500, y: 40, wires: [['to-collector']] },
      { ...collectorNode('to-collector', 'tab', collector.url, 'delivered'), x: 700, y: 40 },
    ];
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nr-channels-upgrade-'));
    fs.writeFileSync(path.join(userDir, 'flows.json'), JSON.stringify(flows));
    fs.writeFileSync(path.join(userDir, 'flows_cred.json'), JSON.stringify(encryptedCredentials('e2e-test-secret', credentials)));
    // Node-RED's list of the package's node sets as it kept them: one set per channel.
    const oldSets = Object.fromEntries(
      ['claude-account', 'claude-usage', 'claude-threshold', 'claude-hass', ...channelTable().types, 'claude-code-usage'].map((name) => [
        name,
        { id: `${MODULE}/${name}`, name, types: [name], enabled: true, local: false, user: true, module: MODULE },
      ]),
    );
    fs.writeFileSync(path.join(userDir, '.config.nodes.json'), JSON.stringify({ [MODULE]: { name: MODULE, version: '0.1.0', local: false, user: true, nodes: oldSets } }));
    const link = path.join(userDir, 'node_modules', ...MODULE.split('/'));
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(root, link, 'dir');
    red = await startNodeRed({ userDir, settings: { claudeUsage: { delivery: { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 5000 } } } });
    await red.waitForLog(/Started flows/, 30_000);
  });

  after(async () => {
    await red?.stop();
    red?.cleanup();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    await collector?.close();
  });

  it('loads the channels as one node set with every channel type, and no set of the old list', async () => {
    const sets = (await red.request('GET', '/nodes', undefined, { accept: 'application/json' })).json.filter((s) => s.module === MODULE);
    const channels = sets.find((s) => s.name === SET);
    assert.ok(channels, JSON.stringify(sets.map((s) => s.name)));
    assert.deepEqual(channels.types, channelTable().types);
    assert.equal(channels.enabled, true);
    assert.equal(channels.err, undefined);
    assert.deepEqual(sets.filter((s) => channelTable().types.includes(s.name)), [], 'no set left per channel');
    assert.deepEqual(logProblems(red.log), []);
  });

  it('has each node with its stored credentials, and delivers with them', async () => {
    for (const [id, type, names] of [
      ['discord', 'claude-discord', ['url']],
      ['pushover', 'claude-pushover', ['token', 'user']],
      ['telegram', 'claude-telegram', ['botToken']],
    ]) {
      const creds = await red.request('GET', `/credentials/${type}/${id}`);
      assert.equal(creds.status, 200, type);
      for (const name of names) assert.equal(creds.json[`has_${name}`], true, `${type} ${name}`);
    }
    const from = collector.messages.length;
    assert.equal((await red.request('POST', '/inject/go')).status, 200);
    const reports = await Promise.all(['discord', 'webhook', 'pushover', 'matrix', 'ntfy', 'telegram'].map((ch) => collector.waitFor((m) => m.path === '/delivered' && m.body.channel === ch, 20_000, from)));
    for (const r of reports) assert.deepEqual([r.body.channel, r.body.ok, r.body.status], [r.body.channel, true, 200]);
    assert.equal(fakes.telegram.sent.at(-1).text, 'Backup\nthe nightly backup finished');
    for (const s of secrets) assert.ok(!red.log.includes(s), 'no secret in the log');
  });
});
