'use strict';
const assert = require('node:assert/strict');
const { testHelper, node } = require('../support/node-red');
const { usagePayload, codePayload } = require('./fixtures');

const helper = testHelper();
const hassNode = node('claude-hass');

function flow(props = {}) {
  return [
    { id: 'h', type: 'claude-hass', name: '', prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', wires: [['out']], ...props },
    { id: 'out', type: 'helper' },
  ];
}

/** Collects output messages until `count` arrived. */
function collect(out, count) {
  const got = [];
  return new Promise((resolve) => {
    out.on('input', (msg) => {
      got.push(msg);
      if (got.length === count) resolve(got);
    });
  });
}

describe('claude-hass node', function () {
  afterEach(async () => {
    await helper.unload();
  });

  it('turns a claude-usage message into retained configs, availability and state, one message each', async () => {
    await helper.load(hassNode, flow());
    const h = helper.getNode('h');
    const got = collect(helper.getNode('out'), 17);
    h.receive({ topic: 'work', payload: usagePayload() });
    const messages = await got;
    assert.equal(messages.filter((m) => m.retain && m.topic.startsWith('homeassistant/sensor/')).length, 14);
    const state = messages.at(-1);
    assert.equal(state.topic, 'claude-usage/work/state');
    assert.equal(typeof state.payload, 'string');
    assert.equal(JSON.parse(state.payload).weekly_pct, 44.1);
    assert.notEqual(messages[0]._msgid, messages[1]._msgid);
  });

  it('uses the configured prefix, state topic and device name, trimming slashes and ignoring wildcards', async () => {
    await helper.load(hassNode, flow({ prefix: ' ha/ ', baseTopic: 'bad/#', devicePrefix: '' }));
    const got = collect(helper.getNode('out'), 11);
    helper.getNode('h').receive({ payload: codePayload() });
    const messages = await got;
    assert.ok(messages[0].topic.startsWith('ha/sensor/claude_code_laptop_'));
    const config = JSON.parse(messages[0].payload);
    assert.equal(config.state_topic, 'claude-usage/code/laptop/state');
    assert.equal(config.device.name, 'Code laptop');
    assert.equal(config.origin.name, 'node-red-claude-usage');
    assert.match(config.origin.sw_version, /^\d+\.\d+\.\d+/);
  });

  it("re-announces on Home Assistant's birth message and stays quiet on its last will", async () => {
    await helper.load(hassNode, flow());
    const h = helper.getNode('h');
    const out = helper.getNode('out');
    const first = collect(out, 17);
    h.receive({ payload: usagePayload() });
    await first;
    out.removeAllListeners('input');
    const warned = [];
    h.on('call:warn', (call) => warned.push(call.args[0]));
    h.receive({ topic: 'homeassistant/status', payload: 'offline' });
    const again = collect(out, 17);
    h.receive({ topic: 'homeassistant/status', payload: 'online' });
    const messages = await again;
    assert.equal(messages.filter((m) => m.topic.endsWith('/config')).length, 15);
    assert.deepEqual(warned, []);
  });

  it('deletes the sensors of an account on msg.remove and says so in its status', async () => {
    await helper.load(hassNode, flow());
    const h = helper.getNode('h');
    const out = helper.getNode('out');
    const first = collect(out, 17);
    h.receive({ payload: usagePayload() });
    await first;
    out.removeAllListeners('input');
    const statuses = [];
    h.on('call:status', (call) => statuses.push(call.args[0]));
    const removed = collect(out, 14);
    h.receive({ topic: 'work', remove: true });
    const messages = await removed;
    assert.ok(messages.every((m) => m.payload === '' && m.retain === true));
    assert.deepEqual(statuses.at(-1), { fill: 'green', shape: 'dot', text: 'removed; 0 sensors left' });
  });

  it('warns about a message it cannot use and sends nothing', async () => {
    await helper.load(hassNode, flow());
    const h = helper.getNode('h');
    let sent = 0;
    helper.getNode('out').on('input', () => sent++);
    const warned = new Promise((resolve) => h.on('call:warn', (call) => resolve(call.args[0])));
    h.receive({ payload: { account: 'work', limits: 'many' } });
    assert.match(await warned, /^ignored: /);
    await new Promise((r) => setImmediate(r));
    assert.equal(sent, 0);
  });

  it('keeps what it announced in node context, so a redeploy still removes a vanished window', async () => {
    await helper.load(hassNode, flow());
    const got = collect(helper.getNode('out'), 17);
    helper.getNode('h').receive({ payload: usagePayload() });
    await got;
    const memory = helper.getNode('h').context().get('hass');
    assert.equal(Object.keys(memory.devices).length, 1);
    assert.equal(memory.devices.claude_usage_work.entities.length, 15);
  });
});
