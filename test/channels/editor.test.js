'use strict';
// The Test button in a real editor (Chromium via playwright-core): open a deployed
// channel node's dialog, change a value without deploying, press Test and read the
// answer. Proves the editor files load, the button is there and typed values are used
// while the stored secret (shown as __PWRD__) is taken from the runtime.
const assert = require('node:assert/strict');
const { startNodeRed } = require('../support/red-process');
const { startDiscordFake } = require('../fakes/discord');

const { CHROMIUM, requireChromium, takeBrowserTurn } = require('../browser/browser');

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
