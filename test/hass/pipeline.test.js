'use strict';
// claude-hass fed by the real producers: a demo claude-usage account and claude-code-usage
// on a generated log tree. Catches any drift between their payloads and what claude-hass reads.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { testHelper, node } = require('../support/node-red');
const { generateClaudeLogs } = require('../support/claude-logs');
const { renderValueTemplate } = require('./fixtures');

const helper = testHelper();

/** Waits for the first state message on `stateTopic` and the configs sent before it. */
function stateWithConfigs(out, stateTopic) {
  const configs = [];
  return new Promise((resolve) => {
    out.on('input', (msg) => {
      if (msg.topic.endsWith('/config')) configs.push(JSON.parse(msg.payload));
      if (msg.topic === stateTopic) resolve({ configs, state: msg.payload });
    });
  });
}

function assertTemplatesRead(configs, state) {
  assert.ok(configs.length > 0);
  for (const c of configs) {
    const value = renderValueTemplate(c.value_template, state);
    if (c.unit_of_measurement) assert.ok(value === 'None' || Number.isFinite(Number(value)), `${c.unique_id}: ${value}`);
  }
}

describe('claude-hass fed by the real producers', function () {
  afterEach(async () => {
    await helper.unload();
  });

  it('reads a demo claude-usage payload', async function () {
    await helper.load([node('claude-account'), node('claude-usage'), node('claude-hass')], [
      { id: 'acc', type: 'claude-account', name: 'demo', auth: 'demo' },
      { id: 'u', type: 'claude-usage', account: 'acc', interval: 300, history: 10, wires: [['h'], ['h']] },
      { id: 'h', type: 'claude-hass', prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', wires: [['out']] },
      { id: 'out', type: 'helper' },
    ]);
    const { configs, state } = await stateWithConfigs(helper.getNode('out'), 'claude-usage/demo/state');
    assertTemplatesRead(configs, state);
    assert.equal(typeof JSON.parse(state).session_pct, 'number');
    assert.ok(configs.some((c) => c.unique_id === 'claude_usage_demo_weekly_pct'));
  });

  it('reads a claude-code-usage payload from a generated log tree', async function () {
    this.timeout(30_000);
    const logs = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-logs-'));
    try {
      generateClaudeLogs({ out: logs, sizeMb: 1, days: 3, projects: 2 });
      await helper.load([node('claude-code-usage'), node('claude-hass')], [
        { id: 'c', type: 'claude-code-usage', configDir: logs, interval: 60, billingDay: 1, timezone: 'UTC', monthlySessions: 50, blockEndingMinutes: 30, inactivityMinutes: 10, host: 'ci-host', wires: [['h'], []] },
        { id: 'h', type: 'claude-hass', prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]);
      const { configs, state } = await stateWithConfigs(helper.getNode('out'), 'claude-usage/code/ci_host/state');
      assertTemplatesRead(configs, state);
      assert.equal(configs.length, 9);
      assert.ok(JSON.parse(state).block_tokens > 0, 'the generated logs end in an active block');
    } finally {
      fs.rmSync(logs, { recursive: true, force: true });
    }
  });
});
