'use strict';
// Makes the README pictures in docs/images: each example flow in the editor, and the
// dashboard pages after a few demo polls, with every example loaded as `npm start` loads them
// (one dashboard base, Claude Code nodes in demo mode) and two machines pushing telemetry.
// Run after a build: `node test/browser/screenshots.js` (npm test never runs it).
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('../support/node-red');
const { startNodeRed } = require('../support/red-process');
const { combinedExamples } = require('../../scripts/examples');
const { apiRequest, logsBody } = require('../telemetry/otlp');
const { launchBrowser, EDITOR_SETTINGS } = require('./browser');

const OUT = path.join(root, 'docs', 'images');
const EXAMPLES = path.join(root, 'examples');
/** Picture name per example, by its number. */
const FLOW_PICTURES = { '02': 'flow-usage-alerts', '03': 'flow-dashboard', '04': 'flow-home-assistant', '05': 'flow-claude-code-sessions', '06': 'flow-insight' };
/** Dashboard pages and their pictures. */
const PAGES = [
  ['/dashboard/claude-usage', 'dashboard.png'],
  ['/dashboard/claude-code', 'dashboard-claude-code.png'],
  ['/dashboard/insight', 'dashboard-insight.png'],
];
const TELEMETRY_ID = 'c1a0de0000008011';
const TELEMETRY_TOKEN = 'screenshots-token-0123456789abcdef';
// long enough for the demo's first 5-hour window to reset: the chart shows a reset mark
const WAIT_FOR_POLLS_MS = Number(process.env.SCREENSHOT_WAIT_MS || 330_000);

/** A morning's requests from two machines, over the telemetry endpoint of example 08. */
async function pushTelemetry(url) {
  const now = Date.now();
  for (const [host, n] of [['laptop', 40], ['build box', 15]]) {
    const records = Array.from({ length: n }, (_, i) =>
      apiRequest(new Date(now - (n - i) * 4 * 60_000).toISOString(), `${host}-${i}`, { 'session.id': `s-${host}`, 'event.sequence': i + 1, input_tokens: 2000, output_tokens: 1500, cache_read_tokens: 40_000 }),
    );
    const res = await fetch(`${url}/claude-usage/otlp/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TELEMETRY_TOKEN}` }, body: JSON.stringify(logsBody(host, records)) });
    if (res.status !== 200) throw new Error(`telemetry push: ${res.status} ${await res.text()}`);
  }
}

async function main() {
  fs.mkdirSync(OUT, { recursive: true });
  const red = await startNodeRed({ dashboard: true, settings: EDITOR_SETTINGS });
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
    const keep = new Set(files.flatMap((f) => read(f).map((n) => n.id)));
    const flows = combinedExamples({ demo: true })
      .filter((n) => keep.has(n.id))
      .map((n) => (n.id === TELEMETRY_ID ? { ...n, credentials: { token: TELEMETRY_TOKEN } } : n));
    await red.deploy(flows);
    await pushTelemetry(red.url);
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
    for (const [p, name] of PAGES) {
      await page.goto(`${red.url}${p}`);
      await page.waitForTimeout(4000);
      await page.screenshot({ path: path.join(OUT, name), fullPage: true });
      console.log('wrote', name);
    }
  } finally {
    await browser.close();
    await red.stop();
    red.cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
