'use strict';
// Makes the README pictures in docs/images: each example flow in the editor, and the
// dashboards after a few demo polls. Run after a build: `node test/browser/screenshots.js`.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { generateClaudeLogs } = require('../support/claude-logs');
const { root } = require('../support/node-red');
const { startNodeRed } = require('../support/red-process');
const { launchBrowser, EDITOR_SETTINGS } = require('./browser');

const OUT = path.join(root, 'docs', 'images');
const EXAMPLES = path.join(root, 'examples');
/** Picture name per example, by its number. */
const FLOW_PICTURES = { '02': 'flow-usage-alerts', '03': 'flow-dashboard', '04': 'flow-home-assistant', '05': 'flow-claude-code-sessions' };
const WAIT_FOR_POLLS_MS = Number(process.env.SCREENSHOT_WAIT_MS || 70_000);

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-logs-'));
  generateClaudeLogs({ out: logs, sizeMb: 2, days: 10, projects: 4 });
  const red = await startNodeRed({ dashboard: true, settings: EDITOR_SETTINGS, env: { CLAUDE_CONFIG_DIR: logs } });
  const browser = await launchBrowser({ width: 1200, height: 760 });
  try {
    const sets = (await red.request('GET', '/nodes', undefined, { accept: 'application/json' })).json;
    const registered = new Set(['tab', ...sets.filter((s) => s.enabled && !s.err).flatMap((s) => s.types)]);
    const read = (f) => JSON.parse(fs.readFileSync(path.join(EXAMPLES, f), 'utf8'));
    const files = fs
      .readdirSync(EXAMPLES)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .filter((f) => {
        const missing = [...new Set(read(f).map((n) => n.type))].filter((t) => !registered.has(t));
        if (missing.length) console.log(`skipped ${f}: ${missing.join(', ')} not installed`);
        return missing.length === 0;
      });
    const all = new Map();
    for (const f of files) for (const n of read(f)) all.set(n.id, n);
    await red.deploy([...all.values()]);
    const started = Date.now();
    const page = browser.page;
    await page.goto(`${red.url}/`);
    await page.waitForFunction(() => window.RED && document.querySelectorAll('.red-ui-palette-node').length > 0, null, { timeout: 60_000 });
    // The canvas alone: no palette, no sidebar.
    await page.evaluate(() => {
      window.RED.menu.setSelected('menu-item-sidebar', false);
      window.RED.menu.setSelected('menu-item-palette', false);
    });
    for (const f of files) {
      const picture = FLOW_PICTURES[f.slice(0, 2)];
      if (!picture) continue;
      const name = `${picture}.png`;
      const tab = read(f).find((n) => n.type === 'tab');
      await page.waitForFunction((id) => !!window.RED.nodes.workspace(id), tab.id, { timeout: 30_000 });
      await page.evaluate((id) => window.RED.workspaces.show(id), tab.id);
      await page.waitForFunction((id) => window.RED.workspaces.active() === id, tab.id);
      await page.waitForTimeout(800);
      await page.locator('#red-ui-workspace-chart').screenshot({ path: path.join(OUT, name) });
      console.log('wrote', name);
    }
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.waitForTimeout(Math.max(0, WAIT_FOR_POLLS_MS - (Date.now() - started)));
    for (const [p, name] of [['/dashboard/claude-usage', 'dashboard.png'], ['/dashboard/claude-code', 'dashboard-claude-code.png']]) {
      await page.goto(`${red.url}${p}`);
      await page.waitForTimeout(4000);
      await page.screenshot({ path: path.join(OUT, name), fullPage: true });
      console.log('wrote', name);
    }
  } finally {
    await browser.close();
    await red.stop();
    red.cleanup();
    fs.rmSync(logs, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
