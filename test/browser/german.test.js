'use strict';
// The editor in German (a browser whose language is de-DE): the palette label, the edit
// dialog's labels and the node help come from locales/de.
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { startNodeRed } = require('../support/red-process');
const { CHROMIUM, EDITOR_SETTINGS, requireChromium } = require('./browser');

describe('editor in German', function () {
  this.timeout(90_000);
  let red;
  let browser;

  before(async function () {
    requireChromium();
    red = await startNodeRed({ settings: EDITOR_SETTINGS });
    await red.deploy([
      { id: 'tab1', type: 'tab', label: 'editor' },
      { id: 'th1', z: 'tab1', type: 'claude-threshold', name: '', session: '75,90,95', weekly: '75,90,95', scoped: '', extra: '', cooldownHours: 4, rearmPct: 5, notifyReset: false, pace: false, timezone: '', x: 200, y: 100, wires: [[]] },
    ]);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });

  after(async () => {
    if (browser) await browser.close();
    if (red) {
      await red.stop();
      red.cleanup();
    }
  });

  it('shows claude-threshold with German labels and German help', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(red.url);
    await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node && RED.nodes.node('th1'), null, { timeout: 60_000 });

    const palette = await page.evaluate(() => {
      const def = RED.nodes.getType('claude-threshold');
      return { lang: RED.i18n.lang(), label: def.paletteLabel.call(def) };
    });
    assert.match(palette.lang, /^de/);
    assert.equal(palette.label, 'Schwellwert');

    await page.evaluate(() => RED.editor.edit(RED.nodes.node('th1')));
    await page.waitForSelector('#node-input-session', { state: 'visible' });
    const labels = await page.evaluate(() => $('#dialog-form label').text());
    assert.match(labels, /Ruhezeit/);
    assert.match(labels, /5 Stunden/);
    assert.doesNotMatch(labels, /Cooldown/);
    assert.doesNotMatch(labels, /claude-threshold\.label/, 'every label is translated');

    const help = await page.evaluate(() => RED.nodes.getNodeHelp('claude-threshold') || '');
    assert.match(help, /<h3>Eingaben<\/h3>/);
    assert.match(help, /Macht aus <code>claude-usage<\/code>-Nachrichten Meldungen/);
    assert.doesNotMatch(help, /<h3>Inputs<\/h3>/);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
