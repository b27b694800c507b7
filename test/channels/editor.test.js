'use strict';
// The Test button in a real editor (Chromium via playwright-core): open a deployed
// channel node's dialog, change a value without deploying, press Test and read the
// answer. Proves the editor files load, the button is there and typed values are used
// while the stored secret (shown as __PWRD__) is taken from the runtime. And the channel set's
// texts (one catalog, named after the set) in English and German: palette, dialog, help, Test
// answers and statuses.
const assert = require('node:assert/strict');
const { startNodeRed, placeOnCanvas } = require('../support/red-process');
const { channelTable } = require('../support/node-red');
const { startDiscordFake } = require('../fakes/discord');

const { CHROMIUM, requireChromium, takeBrowserTurn } = require('../browser/browser');

const MODULE = '@claude-usage/node-red-claude-usage';
const SET = channelTable().set;

describe('channel editor Test button (Chromium)', function () {
  this.timeout(120_000);
  let red;
  let fake;
  let browser;
  let page;
  const pageErrors = [];
  let releaseTurn;

  before(async function () {
    requireChromium();
    releaseTurn = await takeBrowserTurn(this);
    const { chromium } = require('playwright-core');
    fake = await startDiscordFake();
    red = await startNodeRed({ settings: { telemetry: { enabled: false } } }); // no consent popover over the dialog
    await red.deploy([
      { id: 'tab', type: 'tab', label: 'editor test' },
      { id: 'discord', type: 'claude-discord', z: 'tab', name: 'alerts', username: 'Deployed name', credentials: { url: fake.webhookUrl }, x: 200, y: 100, wires: [[]] },
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(red.url, { waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node && RED.nodes.node('discord'), null, { timeout: 60_000 });
  });

  after(async () => {
    if (browser) await browser.close();
    if (red) {
      await red.stop();
      red.cleanup();
    }
    if (fake) await fake.close();
  });
  after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

  it('sends a test alert with the typed values and shows the answer', async () => {
    await page.evaluate(() => RED.editor.edit(RED.nodes.node('discord')));
    await page.waitForSelector('#node-input-claude-test', { state: 'visible', timeout: 30_000 });
    assert.equal(await page.inputValue('#node-input-url'), '__PWRD__', 'the stored secret is not sent to the browser');
    await page.fill('#node-input-username', 'Typed, not deployed');
    await page.click('#node-input-claude-test');
    await page.waitForFunction(() => /Sent\.|answered|unreachable/.test(document.querySelector('#node-input-claude-test-result')?.textContent ?? ''), null, { timeout: 30_000 });
    const text = await page.textContent('#node-input-claude-test-result');
    assert.match(text, /^Sent\. Discord answered 200 \(id \d+\)\.$/);
    const sent = fake.requests.at(-1).json;
    assert.equal(sent.username, 'Typed, not deployed');
    assert.match(sent.embeds[0].description, /test from Node-RED/);
    assert.deepEqual(pageErrors, []);
  });

  it('shows a service error in plain words', async () => {
    fake.script(fake.unknownWebhook());
    await page.click('#node-input-claude-test');
    await page.waitForFunction(() => /answered 404/.test(document.querySelector('#node-input-claude-test-result')?.textContent ?? ''), null, { timeout: 30_000 });
    assert.equal(await page.textContent('#node-input-claude-test-result'), 'Discord answered 404: Unknown Webhook (10015)');
  });
});

for (const lang of ['en-US', 'de']) {
  const de = lang === 'de';
  describe(`the channel set's texts in a real Node-RED, editor and runtime in ${lang} (Chromium)`, function () {
    this.timeout(180_000);
    let red;
    let fake;
    let browser;
    let page;
    const pageErrors = [];
    let releaseTurn;

    before(async function () {
      requireChromium();
      releaseTurn = await takeBrowserTurn(this);
      const { chromium } = require('playwright-core');
      fake = await startDiscordFake();
      red = await startNodeRed({ settings: { lang, telemetry: { enabled: false } } });
      // red.deploy waits for the English log line; this runtime may speak German.
      const mark = red.log.length;
      await red.request('POST', '/flows', placeOnCanvas([
        { id: 'tab', type: 'tab', label: 'texts' },
        { id: 'go', type: 'inject', z: 'tab', name: '', props: [{ p: 'payload' }], payload: 'hello', payloadType: 'str', repeat: '', once: false, x: 100, y: 100, wires: [['discord']] },
        { id: 'discord', type: 'claude-discord', z: 'tab', name: '', username: '', credentials: { url: fake.webhookUrl }, x: 300, y: 100, wires: [[]] },
      ]), { 'Node-RED-Deployment-Type': 'full' });
      await red.waitForLog(/Started flows|Flows sind gestartet/, 20_000, mark);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
      page = await browser.newPage({ locale: de ? 'de-DE' : 'en-US' });
      page.on('pageerror', (err) => pageErrors.push(err.message));
      await page.goto(red.url, { waitUntil: 'domcontentloaded' });
      await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node && RED.nodes.node('discord'), null, { timeout: 60_000 });
    });

    after(async () => {
      await browser?.close();
      await red?.stop();
      red?.cleanup();
      await fake?.close();
    });
    after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

    it("serves the set's catalog under the set's namespace, shared and per-channel texts together", async () => {
      const catalog = await red.request('GET', `/locales/${MODULE}/${SET}?lng=${lang}`);
      assert.equal(catalog.status, 200);
      assert.equal(catalog.json[SET].status.retrying, de ? 'neuer Versuch in __wait__' : 'retrying in __wait__');
      for (const type of channelTable().types) assert.ok(catalog.json[type].paletteLabel, type);
    });

    it('shows palette labels, dialog labels, the Test button and help in the language', async () => {
      const palette = await page.evaluate(() => [...document.querySelectorAll('.red-ui-palette-node[data-palette-type^="claude-"]')].map((el) => [el.getAttribute('data-palette-type'), el.textContent.trim()]));
      const labels = Object.fromEntries(palette);
      assert.equal(labels['claude-discord'], 'discord');
      assert.equal(labels['claude-ntfy'], 'ntfy');
      for (const type of channelTable().types) assert.ok(labels[type] && !labels[type].includes('.'), `${type}: ${labels[type]}`);
      await page.evaluate(() => RED.editor.edit(RED.nodes.node('discord')));
      await page.waitForSelector('#node-input-claude-test', { state: 'visible', timeout: 30_000 });
      const tray = await page.locator('.red-ui-tray').last().innerText();
      assert.match(tray, de ? /Benutzername/ : /Username/);
      assert.doesNotMatch(tray, /claude-(discord|channels)\.[a-z]/, 'an untranslated key');
      assert.equal((await page.textContent('#node-input-claude-test')).trim(), de ? 'Testen' : 'Test');
      assert.equal(await page.getAttribute('#node-input-claude-test', 'title'), de ? 'Sendet eine Testmeldung mit den Werten oben – auch vor der Übernahme (Deploy)' : 'Send a test alert with the values above (no deploy needed)');
      const help = await page.evaluate(() => RED.nodes.getNodeHelp('claude-discord') || '');
      assert.match(help, de ? /<h3>Eingaben<\/h3>/ : /<h3>Inputs<\/h3>/);
    });

    it("answers Test and shows the node's status in the runtime's language", async () => {
      await page.click('#node-input-claude-test');
      await page.waitForFunction(() => /\(ID|\(id/.test(document.querySelector('#node-input-claude-test-result')?.textContent ?? ''), null, { timeout: 30_000 });
      const answer = await page.textContent('#node-input-claude-test-result');
      assert.match(answer, de ? /^Gesendet\. Discord hat mit 200 geantwortet \(ID \d+\)\.$/ : /^Sent\. Discord answered 200 \(id \d+\)\.$/);
      await page.evaluate(() => RED.tray.close());
      assert.equal((await red.request('POST', '/inject/go')).status, 200);
      const sent = de ? /^gesendet \d\d:\d\d$/ : /^sent \d\d:\d\d$/;
      await page.waitForFunction((source) => new RegExp(source).test(RED.nodes.node('discord')?.status?.text ?? ''), sent.source, { timeout: 30_000 });
      assert.deepEqual(pageErrors, []);
    });
  });
}
