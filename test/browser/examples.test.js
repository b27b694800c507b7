'use strict';
// The example flows: statically sound, listed under Import › Examples, and each one
// imported through the admin API into a real Node-RED (with Dashboard 2.0) where it runs
// with no missing types and no errors; the dashboards rendered in headless Chromium.
// Examples that need node types not in this build are skipped, with the reason in the title.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const mqtt = require('mqtt');
const { root, nodeTypes } = require('../support/node-red');
const { startNodeRed, logProblems } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { startMosquitto, requireMosquitto } = require('../support/mosquitto');
const { generateClaudeLogs } = require('../support/claude-logs');
const { launchBrowser, screenshot, requireChromium, takeBrowserTurn, EDITOR_SETTINGS } = require('./browser');
const { ALL_TYPES, CHANNELS } = require('./package-nodes');
const { combinedExamples } = require('../../scripts/examples');

const MODULE = '@claude-usage/node-red-claude-usage';
const EXAMPLES_DIR = path.join(root, 'examples');
const EXAMPLE_NAMES = fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
/** Node properties that name another node (config nodes, dashboard groups and pages). */
const REFERENCES = ['account', 'broker', 'group', 'page', 'ui', 'theme'];
/** Our nodes whose first output the live tests watch. */
const PROBED = ['claude-usage', 'claude-code-usage', 'claude-code-telemetry', 'claude-insight', 'claude-hass', 'claude-statusline'];

/** The examples the tests below look into, by file name (without .json). */
const EXAMPLE = {
  alerts: '02 Usage alerts - thresholds to channels',
  dashboard: '03 Dashboard 2.0 - gauges and history',
  hass: '04 Home Assistant - MQTT discovery',
  code: '05 Claude Code sessions - blocks and alerts',
};

const readExample = (name) => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, `${name}.json`), 'utf8'));

describe('examples: the flow files', () => {
  it('include the documented recipes: alerts, dashboard, Home Assistant, Claude Code', () => {
    for (const name of Object.values(EXAMPLE)) assert.ok(EXAMPLE_NAMES.includes(name), name);
  });

  for (const name of EXAMPLE_NAMES) {
    it(`${name}: unique ids, every wire and config reference resolves, no credentials`, () => {
      const flow = readExample(name);
      assert.ok(Array.isArray(flow));
      const ids = new Set(flow.map((n) => n.id));
      assert.equal(ids.size, flow.length, 'duplicate ids');
      const tabs = flow.filter((n) => n.type === 'tab');
      assert.equal(tabs.length, 1, 'one tab per example');
      for (const n of flow) {
        assert.ok(!('credentials' in n), `${n.type} ${n.id} carries credentials`);
        if (n.z) assert.equal(n.z, tabs[0].id);
        for (const out of n.wires || []) for (const target of out) assert.ok(ids.has(target), `${n.id} wires to missing ${target}`);
        for (const ref of REFERENCES) {
          if (typeof n[ref] === 'string' && n[ref] && !(n.type === 'mqtt-broker' && ref === 'broker')) {
            assert.ok(ids.has(n[ref]) || (ref === 'theme' && n[ref] === 'default'), `${n.type} ${n.id}: ${ref} → missing ${n[ref]}`);
          }
        }
        for (const s of n.scope || []) assert.ok(ids.has(s), `catch scope names missing ${s}`);
      }
    });
  }

  it('use every node type of the package at least once', () => {
    const used = new Set(EXAMPLE_NAMES.flatMap((name) => readExample(name).map((n) => n.type)));
    for (const type of new Set([...ALL_TYPES, ...nodeTypes()])) assert.ok(used.has(type), `${type} is in no example`);
  });

  it('ship channel nodes disabled, next to a comment saying what to fill in', () => {
    for (const name of EXAMPLE_NAMES) {
      const flow = readExample(name);
      const channels = flow.filter((n) => CHANNELS.includes(n.type));
      for (const c of channels) assert.equal(c.d, true, `${name}: ${c.type} is enabled with no credentials`);
      if (channels.length) assert.ok(flow.some((n) => n.type === 'comment' && /credential/i.test(n.info)), `${name}: no comment about credentials`);
    }
  });
});

/** The example plus a collector probe on the first output of each of our nodes that should produce messages. */
function withProbes(flow, collectorUrl) {
  const probes = [];
  const nodes = flow.map((n) => {
    if (!PROBED.includes(n.type) || n.d) return n;
    const probeId = `probe-${n.id}`;
    probes.push({ ...collectorNode(probeId, n.z, collectorUrl, probeId), x: n.x, y: n.y + 30 });
    return { ...n, wires: [[...(n.wires[0] || []), probeId], ...n.wires.slice(1)] };
  });
  // Probes last: Node-RED creates nodes in file order, and our nodes must hold their first
  // message until the flow has started (flows:started), or it would be lost.
  return { flow: [...nodes, ...probes], probes: probes.map((p) => p.id) };
}


describe('examples in a real Node-RED with Dashboard 2.0, rendered in Chromium', function () {
  this.timeout(180_000);
  let red;
  let collector;
  let browser;
  let logsDir;
  let registered = new Set();
  let releaseTurn;

  before(async function () {
    requireChromium();
    releaseTurn = await takeBrowserTurn(this);
    logsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-logs-'));
    // A small Claude Code log tree whose newest session ended minutes ago: an active block.
    generateClaudeLogs({ out: logsDir, sizeMb: 1, days: 3, projects: 3 });
    collector = await startCollector();
    red = await startNodeRed({ dashboard: true, settings: EDITOR_SETTINGS, env: { CLAUDE_CONFIG_DIR: logsDir } });
    const sets = (await red.request('GET', '/nodes', undefined, { accept: 'application/json' })).json;
    registered = new Set(sets.filter((s) => s.enabled && !s.err).flatMap((s) => s.types));
    browser = await launchBrowser({ width: 1280, height: 1000 });
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    red?.cleanup();
    await collector?.close();
    if (logsDir) fs.rmSync(logsDir, { recursive: true, force: true });
  });
  after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

  /** Fails when the flow needs node types that this Node-RED does not have. */
  function requireTypes(test, flow) {
    const missing = [...new Set(flow.map((n) => n.type))].filter((t) => t !== 'tab' && !registered.has(t));
    assert.deepEqual(missing, [], 'missing node types');
  }

  async function getExample(name) {
    const res = await red.request('GET', `/library/examples/flows/${MODULE}/${encodeURIComponent(name)}`);
    assert.equal(res.status, 200, `GET example ${name}: ${res.text}`);
    return res.json;
  }

  /** Deploys flow (with probes), waits for every probe, then a moment for late errors; returns the probe messages. */
  async function runAndWatch(flow) {
    const { flow: probed, probes } = withProbes(flow, collector.url);
    const mark = red.log.length;
    const from = collector.messages.length;
    await red.deploy(probed);
    for (const probe of probes) await collector.waitFor((m) => m.path === `/${probe}`, 30_000, from);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(logProblems(red.log, mark), [], 'the example logged problems');
    return collector.messages.slice(from);
  }

  it('lists every example under Import › Examples (GET /library/examples/flows/…)', async () => {
    const res = await red.request('GET', `/library/examples/flows/${MODULE}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.json.map((e) => e.fn).sort(), EXAMPLE_NAMES);
  });

  for (const name of EXAMPLE_NAMES) {
    it(`${name}: imports through the admin API and runs with no missing types and no errors`, async function () {
      const flow = await getExample(name);
      assert.deepEqual(flow, readExample(name), 'the admin API serves the file as it is');
      requireTypes(this, flow);
      const messages = await runAndWatch(flow);
      const deployed = (await red.request('GET', '/flows')).json;
      for (const n of flow) assert.ok(deployed.some((d) => d.id === n.id), `${n.id} not deployed`);
      assert.ok(messages.length > 0);
    });
  }

  it(`${EXAMPLE.dashboard}: the gauges show the demo accounts’ values`, async function () {
    const flow = await getExample(EXAMPLE.dashboard);
    requireTypes(this, flow);
    const messages = await runAndWatch(flow);
    const usageIds = flow.filter((n) => n.type === 'claude-usage').map((n) => n.id);
    const page = browser.page;
    await page.goto(`${red.url}/dashboard`);
    await page.locator('.nrdb-ui-gauge-value').nth(3).waitFor({ state: 'visible', timeout: 30_000 });
    // Values move on with every poll: compare each gauge with any value its poll node sent.
    const sent = () => {
      const byAccount = {};
      for (const m of collector.messages.filter((x) => usageIds.some((id) => x.path === `/probe-${id}`))) {
        const p = m.body;
        (byAccount[p.account] ||= { session: new Set(), weekly: new Set() });
        if (p.session) byAccount[p.account].session.add(Math.round(p.session.pct * 10) / 10);
        if (p.weekly) byAccount[p.account].weekly.add(Math.round(p.weekly.pct * 10) / 10);
      }
      return byAccount;
    };
    const shown = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('.nrdb-ui-gauge')].map((g) => ({
          group: g.closest('.nrdb-ui-group')?.querySelector('.v-card-title, .nrdb-ui-group-title, h2, h3')?.textContent?.trim(),
          title: g.querySelector('.nrdb-ui-gauge-title')?.textContent?.trim(),
          value: g.querySelector('.nrdb-ui-gauge-value')?.textContent?.trim(),
        })),
      );
    let gauges = [];
    let mismatch = 'no gauges';
    const until = Date.now() + 20_000;
    while (Date.now() < until) {
      gauges = await shown();
      const values = sent();
      mismatch = null;
      for (const g of gauges) {
        const window = /5-hour/.test(g.title) ? 'session' : 'weekly';
        const number = Number.parseFloat(g.value);
        if (!values[g.group] || !values[g.group][window].has(Math.round(number * 10) / 10)) mismatch = `${g.group} ${g.title} shows ${g.value}`;
      }
      if (gauges.length === 4 && !mismatch) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(gauges.length, 4, JSON.stringify(gauges));
    assert.equal(mismatch, null, `${mismatch}; sent ${JSON.stringify(sent(), (k, v) => (v instanceof Set ? [...v] : v))}`);
    assert.deepEqual([...new Set(gauges.map((g) => g.group))].sort(), ['personal', 'work']);
    const texts = await page.locator('.nrdb-ui-text').allInnerTexts();
    assert.ok(texts.some((t) => /5-hour window resets\s+(in \d|–)/.test(t)), texts.join(' | '));
    assert.ok(texts.some((t) => /Session cookie/.test(t)));
    assert.ok(messages.length > 0);
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard', { fullPage: true });
    assert.deepEqual(browser.errors, []);
  });

  it(`${EXAMPLE.code}: the Claude Code page shows the active block from the logs`, async function () {
    const flow = await getExample(EXAMPLE.code);
    requireTypes(this, flow);
    const messages = await runAndWatch(flow);
    const scan = messages.filter((m) => m.path.startsWith('/probe-')).at(-1).body;
    const page = browser.page;
    await page.goto(`${red.url}/dashboard/claude-code`);
    const period = flow.find((n) => n.type === 'ui-text' && n.label === 'Billing period');
    const widget = page.locator(`#nrdb-ui-widget-${period.id}`);
    await widget.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((id) => /\$\d/.test(document.getElementById(`nrdb-ui-widget-${id}`)?.innerText || ''), period.id, { timeout: 20_000 });
    const text = await widget.innerText();
    assert.match(text, new RegExp(`\\$${scan.period.costUSD.toFixed(2).replace('.', '\\.')}`));
    assert.match(text, new RegExp(`${scan.period.sessionsLeft} left`));
    await page.waitForTimeout(500);
    await screenshot(page, 'dashboard-claude-code', { fullPage: true });
    assert.deepEqual(browser.errors, []);
  });

  it(`${EXAMPLE.hass}: pointed at a real broker, Home Assistant gets the discovery configs and states`, async function () {
    requireMosquitto();
    const flow = await getExample(EXAMPLE.hass);
    requireTypes(this, flow);
    const broker = await startMosquitto();
    const client = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const seen = new Map();
      client.on('message', (topic, payload) => seen.set(topic, payload.toString()));
      await client.subscribeAsync(['homeassistant/#', 'claude-usage/#']);
      const local = flow.map((n) => (n.type === 'mqtt-broker' ? { ...n, broker: '127.0.0.1', port: String(broker.port) } : n));
      // The first poll runs at deploy, before mqtt out is connected; poll again once it is, rather than wait an interval.
      const usage = flow.find((n) => n.type === 'claude-usage');
      local.push({ id: 'poll-now', type: 'inject', z: usage.z, props: [], repeat: '', crontab: '', once: false, topic: '', x: 0, y: 0, wires: [[usage.id]] });
      const mark = red.log.length;
      await red.deploy(local);
      await red.waitForLog(/Connected to broker/, 20_000, mark);
      assert.equal((await red.request('POST', '/inject/poll-now')).status, 200);
      const until = Date.now() + 20_000;
      while (Date.now() < until && !(seen.has('claude-usage/work/state') && seen.has('homeassistant/sensor/claude_usage_work_session_pct/config'))) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const config = JSON.parse(seen.get('homeassistant/sensor/claude_usage_work_session_pct/config'));
      assert.equal(config.device.name, 'Claude work');
      const state = JSON.parse(seen.get('claude-usage/work/state'));
      assert.equal(typeof state.session_pct, 'number');
      assert.equal(state.status, 'ok');
      assert.deepEqual(logProblems(red.log, mark), []);
    } finally {
      await client.endAsync();
      await red.deploy([]);
      await broker.stop();
    }
  });

  it(`${EXAMPLE.code}: on a machine without Claude Code it logs no errors`, async function () {
    const flow = await getExample(EXAMPLE.code);
    requireTypes(this, flow);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-claude-'));
    const bare = await startNodeRed({ dashboard: true, env: { HOME: empty, CLAUDE_CONFIG_DIR: '' } });
    try {
      const mark = bare.log.length;
      await bare.deploy(flow);
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(logProblems(bare.log, mark), []);
    } finally {
      await bare.stop();
      bare.cleanup();
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });

  it('all examples deploy together as npm start loads them, on one dashboard', async function () {
    const merged = combinedExamples();
    requireTypes(this, merged);
    assert.equal(merged.filter((n) => n.type === 'ui-base').length, 1, 'one dashboard base');
    await runAndWatch(merged);
    // The editor agrees: no enabled node of any example is flagged as misconfigured (a deploy would warn).
    const page = browser.page;
    await page.goto(`${red.url}/`);
    await page.waitForFunction(() => window.RED && window.RED.nodes && window.RED.nodes.getWorkspaceOrder().length > 0, null, { timeout: 60_000 });
    await page.waitForFunction((id) => !!window.RED.nodes.node(id), merged.find((n) => n.z).id, { timeout: 30_000 });
    const invalid = await page.evaluate(() => {
      const bad = [];
      const check = (n) => {
        window.RED.editor.validateNode(n);
        if (!n.valid && !n.d) bad.push(`${n.type} ${n.id} ${n.name || ''}: ${JSON.stringify(n.validationErrors || [])}`);
      };
      window.RED.nodes.eachNode(check);
      window.RED.nodes.eachConfig(check);
      return bad;
    });
    assert.deepEqual(invalid, []);
  });
});
