'use strict';
// German as Node-RED serves it: help and labels by the editor's language, and the runtime's
// status and warnings by the runtime's (settings.js `lang`).
const assert = require('node:assert/strict');
const { testHelper, node } = require('../support/node-red');
const { startNodeRed } = require('../support/red-process');

const MODULE = '@claude-usage/node-red-claude-usage';

describe('German in a real Node-RED', function () {
  this.timeout(90_000);
  let red;
  before(async () => {
    red = await startNodeRed({ settings: { lang: 'de' } });
  });
  after(async () => {
    await red?.stop();
    red?.cleanup();
  });

  it('serves the German help to a German editor and the English help to an English one', async () => {
    const de = await red.request('GET', '/nodes', undefined, { accept: 'text/html', 'accept-language': 'de-DE,de;q=0.9' });
    assert.equal(de.status, 200);
    assert.match(de.text, /<script type="text\/html" data-help-name="claude-usage">\s*<p>Fragt die Tarifnutzung eines Claude-Kontos ab/);
    assert.match(de.text, /data-help-name="claude-threshold">[\s\S]*?<h3>Eingaben<\/h3>/);
    assert.doesNotMatch(de.text, /Polls a Claude account's plan usage/);
    const en = await red.request('GET', '/nodes', undefined, { accept: 'text/html', 'accept-language': 'en-US' });
    assert.match(en.text, /data-help-name="claude-usage">\s*<p>Polls a Claude account's plan usage/);
    assert.doesNotMatch(en.text, /Fragt die Tarifnutzung/);
  });

  it('serves the German labels', async () => {
    const catalog = await red.request('GET', `/locales/${MODULE}/claude-threshold?lng=de`);
    assert.equal(catalog.status, 200);
    assert.equal(catalog.json['claude-threshold'].label.cooldownHours, 'Ruhezeit');
    assert.equal(catalog.json['claude-threshold'].status.waiting, 'warte auf Nutzungsdaten');
  });

  it('warns in the runtime language', async () => {
    const mark = red.log.length;
    const flows = [
      { id: 'tab', type: 'tab', label: 'Flow' },
      { id: 'acc', type: 'claude-account', name: 'work', auth: 'demo', proxy: 'http://someone:pass@127.0.0.1:9' },
    ];
    const res = await red.request('POST', '/flows', flows, { 'Node-RED-Deployment-Type': 'full' });
    assert.ok(res.status === 200 || res.status === 204, res.text);
    await red.waitForLog(/die Proxy-URL enthält Benutzername und Passwort/, 20_000, mark);
    assert.doesNotMatch(red.log.slice(mark), /the proxy URL holds a user name/);
    assert.doesNotMatch(red.log, /pass@/, 'the proxy login stays out of the log');
  });
});

describe('German status texts (test helper)', () => {
  const helper = testHelper();
  afterEach(async () => {
    await helper.unload();
  });

  it('claude-threshold says what it waits for and what it reset in German', async () => {
    await helper.load(node('claude-threshold', 'de'), [{ id: 't1', type: 'claude-threshold', name: '', wires: [[]] }]);
    const t1 = helper.getNode('t1');
    const statuses = [];
    t1.on('call:status', (call) => statuses.push(call.args[0].text));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(t1.status.firstCall.args[0].text, 'warte auf Nutzungsdaten');
    const done = new Promise((resolve) => t1.on('call:status', resolve));
    t1.receive({ reset: true, topic: 'work' });
    await done;
    assert.deepEqual(statuses.at(-1), 'work zurückgesetzt');
  });
});

describe('status texts with values, in both languages (test helper)', () => {
  const helper = testHelper();
  afterEach(async () => {
    await helper.unload();
  });

  /** The status a demo claude-code-usage shows once its first scan reported the active block. */
  async function demoBlockStatus(lang) {
    await helper.load(node('claude-code-usage', lang), [{ id: 'c1', type: 'claude-code-usage', name: '', mode: 'demo', interval: '3600', timezone: 'UTC', wires: [[], []] }]);
    const c1 = helper.getNode('c1');
    return new Promise((resolve) => {
      c1.on('call:status', (call) => {
        const text = call.args[0].text;
        if (typeof text === 'string' && text.startsWith('$')) resolve(text);
      });
    });
  }

  it('claude-code-usage fills in cost, time left and end (English)', async () => {
    assert.match(await demoBlockStatus('en-US'), /^\$\d+\.\d\d · \d+[hm]( \d+m)? left \(ends \d\d:\d\d\)$/);
  });

  it('claude-code-usage fills in cost, time left and end (German)', async () => {
    assert.match(await demoBlockStatus('de'), /^\$\d+\.\d\d · noch \d+[hm]( \d+m)? \(endet \d\d:\d\d\)$/);
  });
});
