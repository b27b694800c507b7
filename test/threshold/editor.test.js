'use strict';
// The claude-threshold edit dialog in a real editor (Chromium): labels and help come from the
// locale files of the browser's language, lists and numbers are validated as the node reads them.
const assert = require('node:assert/strict');
const { chromium } = require('playwright-core');
const { startNodeRed } = require('../support/red-process');

const { CHROMIUM, requireChromium, takeBrowserTurn } = require('../browser/browser');

describe('claude-threshold editor', function () {
  this.timeout(90_000);
  let red;
  let browser;
  let releaseTurn;

  before(async function () {
    requireChromium();
    releaseTurn = await takeBrowserTurn(this);
    red = await startNodeRed();
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
  after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

  /** Opens the editor in a page of `context` (the browser's own when none) once th1 is loaded; uncaught page errors go to `errors`. */
  async function openEditor(context = browser) {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(red.url);
    await page.waitForFunction(() => window.RED && RED.nodes && RED.nodes.node('th1'), null, { timeout: 60_000 });
    return { page, errors };
  }

  it('shows the palette entry and a translated, validating edit dialog', async () => {
    const { page, errors } = await openEditor();

    const checks = await page.evaluate(() => {
      const def = RED.nodes.getType('claude-threshold');
      const v = (prop, value) => def.defaults[prop].validate.call({}, value) === true;
      return {
        category: def.category,
        list: [v('session', '75,90,95'), v('session', ' 95 , 80 '), v('scoped', ''), v('session', '0,1000'), v('session', '80,x'), v('session', '1001'), v('session', '-1')],
        cooldown: [v('cooldownHours', '0.5'), v('cooldownHours', 0), v('cooldownHours', 'soon'), v('cooldownHours', '-1')],
        timezone: [v('timezone', ''), v('timezone', 'Europe/Berlin'), v('timezone', 'Mars/Olympus')],
        paletteLabel: def.paletteLabel.call(def),
      };
    });
    assert.equal(checks.category, 'Claude usage');
    assert.deepEqual(checks.list, [true, true, true, true, false, false, false]);
    assert.deepEqual(checks.cooldown, [true, true, false, false]);
    assert.deepEqual(checks.timezone, [true, true, false]);
    assert.equal(checks.paletteLabel, 'threshold');

    await page.evaluate(() => RED.editor.edit(RED.nodes.node('th1')));
    await page.waitForSelector('#node-input-session', { state: 'visible' });
    const form = await page.evaluate(() => ({
      session: $('#node-input-session').val(),
      cooldown: $('#node-input-cooldownHours').val(),
      paceBox: $('#node-input-pace').attr('type'),
      labels: $('#dialog-form label').text(),
    }));
    assert.equal(form.session, '75,90,95');
    assert.equal(form.cooldown, '4');
    assert.equal(form.paceBox, 'checkbox');
    assert.match(form.labels, /5-hour/);
    assert.match(form.labels, /Cooldown/);
    assert.doesNotMatch(form.labels, /claude-threshold\.label/, 'every label is translated');

    await page.fill('#node-input-session', '80, lots');
    await page.locator('#node-input-session').blur();
    assert.equal(await page.evaluate(() => $('#node-input-session').hasClass('input-error')), true);
    await page.fill('#node-input-session', '80, 95');
    await page.locator('#node-input-session').blur();
    assert.equal(await page.evaluate(() => $('#node-input-session').hasClass('input-error')), false);

    const help = await page.evaluate(() => $('script[data-help-name="claude-threshold"]').html() || '');
    assert.match(help, /<h3>Inputs<\/h3>/);
    assert.deepEqual(errors, []);
  });

  it('speaks German to a German browser: palette label, dialog labels and help from locales/de', async () => {
    const context = await browser.newContext({ locale: 'de-DE' });
    const { page, errors } = await openEditor(context);
    const palette = await page.evaluate(() => {
      const def = RED.nodes.getType('claude-threshold');
      return { lang: RED.i18n.lang(), label: def.paletteLabel.call(def) };
    });
    assert.match(palette.lang, /^de/);
    assert.equal(palette.label, 'Schwellwert');

    await page.evaluate(() => RED.editor.edit(RED.nodes.node('th1')));
    await page.waitForSelector('#node-input-session', { state: 'visible' });
    const labels = await page.evaluate(() => $('#dialog-form label').text());
    assert.match(labels, /5 Stunden/);
    assert.match(labels, /Ruhezeit/);
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
