'use strict';
// The editor in headless Chromium: our nodes in the palette under "Claude usage", their
// edit dialogs, and the Verify / Test buttons talking to their admin endpoints.
// Node types not in this build are skipped, with the reason in the test title.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('../support/node-red');
const { startNodeRed } = require('../support/red-process');
const { startCollector } = require('../support/collector');
const { launchBrowser, screenshot, requireChromium, takeBrowserTurn, EDITOR_SETTINGS } = require('./browser');
const { ALL_TYPES, CHANNELS, packageFlow, availableTypes, idOf } = require('./package-nodes');

const MODULE = '@claude-usage/node-red-claude-usage';

/** Opens a node's edit tray (config nodes in their own dialog) and waits until it is ready. */
async function openEditor(page, id) {
  await page.evaluate((nodeId) => {
    const node = window.RED.nodes.node(nodeId);
    if (!node) throw new Error(`no node ${nodeId} in the editor`);
    if (node._def.category === 'config') window.RED.editor.editConfig('', node.type, node.id);
    else window.RED.editor.edit(node);
  }, id);
  const tray = page.locator('.red-ui-tray').last();
  await tray.locator('.red-ui-tray-body form, .red-ui-tray-body .red-ui-tray-content').first().waitFor({ state: 'visible' });
  await page.waitForTimeout(300); // the tray slides in
  return tray;
}

async function closeEditor(page) {
  await page.evaluate(() => window.RED.tray.close());
  await page.waitForFunction(() => document.querySelectorAll('.red-ui-tray').length === 0);
}

/** The text of the tray's form, with unresolved i18n keys left in (so a test can spot them). */
function trayText(tray) {
  return tray.locator('.red-ui-tray-body').innerText();
}

describe('editor in Chromium: palette, edit dialogs, Verify and Test buttons', function () {
  this.timeout(120_000);
  let red;
  let collector;
  let browser;
  let page;
  let available = new Set();
  let releaseTurn;

  before(async function () {
    requireChromium();
    releaseTurn = await takeBrowserTurn(this);
    collector = await startCollector();
    red = await startNodeRed({ dashboard: true, settings: EDITOR_SETTINGS });
    available = await availableTypes(red);
    await red.deploy(packageFlow(available, collector.url));
    browser = await launchBrowser();
    page = browser.page;
    await page.goto(red.url + '/');
    await page.waitForFunction(() => window.RED && window.RED.nodes && document.querySelectorAll('.red-ui-palette-node').length > 0, null, { timeout: 60_000 });
    await page.waitForFunction(() => window.RED.nodes.getWorkspaceOrder().includes('tab-package'), null, { timeout: 30_000 });
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    red?.cleanup();
    await collector?.close();
  });
  after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

  /** Fails when this Node-RED did not register `type` (every node of the package is built). */
  function requireType(test, type) {
    assert.ok(available.has(type), `${type} is not registered`);
  }

  it('loads every node file of the package that is built, with no errors', async () => {
    const res = await red.request('GET', '/nodes', undefined, { accept: 'application/json' });
    const broken = res.json.filter((set) => set.module === MODULE && set.err && fs.existsSync(path.join(root, 'dist', 'nodes', `${set.name}.js`)));
    assert.deepEqual(broken.map((s) => `${s.name}: ${JSON.stringify(s.err)}`), []);
    assert.ok(available.has('claude-hass'));
  });

  it('shows every flow node of the package in the palette under "Claude usage", with its icon', async () => {
    const placed = await page.evaluate(() =>
      [...document.querySelectorAll('.red-ui-palette-node')].map((el) => ({
        type: el.getAttribute('data-palette-type'),
        category: el.closest('.red-ui-palette-category')?.querySelector('.red-ui-palette-header span')?.textContent,
        icon: el.querySelector('.red-ui-palette-icon-container')?.getAttribute('data-palette-icon'),
      })),
    );
    const ours = placed.filter((p) => (p.type || '').startsWith('claude-'));
    const expected = [...available].filter((t) => t !== 'claude-account').sort();
    assert.deepEqual(ours.map((p) => p.type).sort(), expected);
    for (const p of ours) {
      assert.equal(p.category, 'Claude usage', p.type);
      assert.match(p.icon || '', /^icons\/@claude-usage\/node-red-claude-usage\/claude-[a-z]+\.svg$/, `${p.type} icon`);
      const icon = await fetch(`${red.url}/${p.icon}`);
      assert.equal(icon.status, 200, `${p.type} icon ${p.icon}`);
      assert.match(icon.headers.get('content-type'), /svg/);
    }
    await page.locator('#red-ui-palette-container-Claude_usage, .red-ui-palette-category:has-text("Claude usage")').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-palette');
  });

  for (const type of ALL_TYPES) {
    it(`opens the edit dialog of ${type} with translated labels and help`, async function () {
      requireType(this, type);
      const tray = await openEditor(page, idOf(type));
      const text = await trayText(tray);
      assert.doesNotMatch(text, new RegExp(`${type}\\.(label|placeholder|tip)`), 'an i18n key was not translated');
      assert.ok((await tray.locator('.form-row').count()) > 0);
      const help = await page.evaluate((t) => window.RED.nodes.getNodeHelp(t) || '', type);
      assert.match(help, /<h3>/, `${type} has help text with sections`);
      await screenshot(page, `dialog-${type}`);
      await closeEditor(page);
      assert.deepEqual(browser.errors, []);
    });
  }

  it('Verify in the claude-account dialog shows the demo account', async function () {
    requireType(this, 'claude-account');
    const tray = await openEditor(page, idOf('claude-account'));
    const verify = tray.getByRole('button', { name: /verify/i }).or(tray.locator('a.red-ui-button', { hasText: /verify/i })).first();
    const answer = page.waitForResponse((r) => r.url().endsWith('/claude-account/verify') && r.request().method() === 'POST');
    await verify.click();
    const res = await answer;
    assert.equal(res.status(), 200);
    const body = await res.json();
    assert.equal(body.ok, true, JSON.stringify(body));
    assert.ok(body.usage && Array.isArray(body.usage.limits));
    await page.waitForTimeout(500);
    const shown = await trayText(tray);
    assert.match(shown, /\d+(\.\d)?\s*%/, 'the dialog shows the percentages');
    assert.doesNotMatch(shown, /claude-account\.verify\./, 'untranslated message keys in the result');
    assert.match(shown, /Max 5×/, 'the plan by the name people use');
    await screenshot(page, 'dialog-claude-account-verified');
    // a changed field makes the result stale: it is cleared
    const name = tray.locator('#node-config-input-name');
    const before = await name.inputValue();
    await name.fill('renamed');
    assert.equal((await tray.locator('#claude-account-verify-result').innerText()).trim(), '', 'the result was cleared');
    await name.fill(before);
    await closeEditor(page);
  });

  for (const type of CHANNELS) {
    it(`Test in the ${type} dialog sends a test alert with the stored credentials`, async function () {
      requireType(this, type);
      const tray = await openEditor(page, idOf(type));
      const from = collector.messages.length;
      const button = tray.getByRole('button', { name: /test/i }).or(tray.locator('a.red-ui-button', { hasText: /test/i })).first();
      const answer = page.waitForResponse((r) => r.url().endsWith(`/${type}/test`) && r.request().method() === 'POST');
      await button.click();
      const res = await answer;
      assert.equal(res.status(), 200);
      const body = await res.json();
      assert.equal(typeof body.ok, 'boolean', JSON.stringify(body));
      assert.ok(collector.messages.slice(from).some((m) => m.path.startsWith(`/${type}`)), `no request reached the ${type} stand-in`);
      const secrets = ['abc', 'syt_test_token', '123456:ABC-test', 'a'.repeat(30)];
      for (const s of secrets) assert.ok(!JSON.stringify(body).includes(s), 'the answer leaks a secret');
      await page.waitForTimeout(300);
      await screenshot(page, `dialog-${type}-tested`);
      await closeEditor(page);
    });
  }
});
