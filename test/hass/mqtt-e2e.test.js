'use strict';
// claude-hass in a real Node-RED, publishing through the core `mqtt out` node to a real
// mosquitto; an independent MQTT client checks what Home Assistant would receive.
const assert = require('node:assert/strict');
const mqtt = require('mqtt');
const { startNodeRed } = require('../support/red-process');
const { startMosquitto, requireMosquitto } = require('../support/mosquitto');
const { lib } = require('../support/node-red');
const { usagePayload, codePayload, telemetryPayload, insightPayload, renderValueTemplate, renderAvailabilityTemplate } = require('./fixtures');
const { HassBridge } = lib('hass/bridge');

/** The config topics the bridge announces for these payloads: what the broker must end up holding. */
function expectedConfigTopics() {
  const bridge = new HassBridge({ prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', origin: { name: 'node-red-claude-usage' } });
  const out = [
    ...bridge.handle({ kind: 'usage', payload: usagePayload() }),
    ...bridge.handle({ kind: 'code', payload: codePayload() }),
    ...bridge.handle({ kind: 'telemetry', payload: telemetryPayload() }),
    ...bridge.handle({ kind: 'insight', payload: insightPayload() }),
  ];
  return new Set(out.filter((m) => m.topic.endsWith('/config')).map((m) => m.topic));
}
const EXPECTED = expectedConfigTopics();
const LAPTOP = [...EXPECTED].filter((t) => t.includes('/claude_code_laptop_'));

const ISO_WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

function buildFlow(brokerPort) {
  const z = 'hass-e2e';
  const inject = (id, props, payload, topic = '') => ({
    id, z, type: 'inject', name: id, props, repeat: '', crontab: '', once: false, onceDelay: 0.1,
    topic, payload, payloadType: payload === '' ? 'str' : 'json', x: 100, y: 100, wires: [['hass']],
  });
  return [
    { id: z, type: 'tab', label: 'hass e2e' },
    { id: 'broker', type: 'mqtt-broker', name: 'test broker', broker: '127.0.0.1', port: String(brokerPort), clientid: '', autoConnect: true, usetls: false, protocolVersion: 4, keepalive: 60, cleansession: true, autoUnsubscribe: true, birthTopic: '', closeTopic: '', willTopic: '' },
    inject('usage', [{ p: 'payload' }], JSON.stringify(usagePayload())),
    inject('code', [{ p: 'payload' }], JSON.stringify(codePayload())),
    inject('telemetry', [{ p: 'payload' }], JSON.stringify(telemetryPayload())),
    inject('insight', [{ p: 'payload' }], JSON.stringify(insightPayload())),
    inject('remove-laptop', [{ p: 'payload' }, { p: 'topic', vt: 'str' }, { p: 'remove', v: 'true', vt: 'bool' }], '', 'laptop'),
    { id: 'ha-status', z, type: 'mqtt in', name: '', topic: 'homeassistant/status', qos: '0', datatype: 'auto-detect', broker: 'broker', nl: false, rap: true, rh: 0, inputs: 0, x: 100, y: 200, wires: [['hass']] },
    { id: 'hass', z, type: 'claude-hass', name: '', prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', x: 300, y: 100, wires: [['out']] },
    { id: 'out', z, type: 'mqtt out', name: '', topic: '', qos: '', retain: '', respTopic: '', contentType: '', userProps: '', correl: '', expiry: '', broker: 'broker', x: 500, y: 100, wires: [] },
  ];
}

/** An MQTT client that keeps every message it sees, with the time order. */
async function subscriber(url, topics) {
  const client = await mqtt.connectAsync(url, { clean: true, reconnectPeriod: 0 });
  const seen = [];
  client.on('message', (topic, payload, packet) => seen.push({ topic, payload: payload.toString('utf8'), retain: packet.retain }));
  await client.subscribeAsync(topics, { qos: 0 });
  const waitFor = async (pred, what, timeoutMs = 15_000) => {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (pred(seen)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`MQTT: timed out waiting for ${what}; saw ${seen.length} messages: ${seen.map((m) => m.topic).join(', ').slice(0, 1500)}`);
  };
  return { client, seen, waitFor, end: () => client.endAsync() };
}

/** The last message per topic. */
function latest(seen) {
  const map = new Map();
  for (const m of seen) map.set(m.topic, m);
  return map;
}

describe('claude-hass end to end: real Node-RED, real mosquitto', function () {
  this.timeout(90_000);
  let broker;
  let red;
  let watcher;

  before(async function () {
    requireMosquitto(); // .ci/run installs it
    broker = await startMosquitto();
    red = await startNodeRed();
    watcher = await subscriber(broker.url, ['homeassistant/#', 'claude-usage/#']);
    await red.deploy(buildFlow(broker.port));
    await red.waitForLog(/Connected to broker/);
  });

  after(async () => {
    await watcher?.end();
    await red?.stop();
    red?.cleanup();
    await broker?.stop();
  });

  const configsOf = (map) => [...map.values()].filter((m) => m.topic.endsWith('/config') && m.payload !== '');

  it('publishes a parseable, complete discovery config for every sensor and a state every template can read', async () => {
    assert.equal((await red.request('POST', '/inject/usage')).status, 200);
    assert.equal((await red.request('POST', '/inject/code')).status, 200);
    assert.equal((await red.request('POST', '/inject/telemetry')).status, 200);
    assert.equal((await red.request('POST', '/inject/insight')).status, 200);
    const states = ['claude-usage/work/state', 'claude-usage/code/laptop/state', 'claude-usage/code/_all/state', 'claude-usage/insight/work/state'];
    await watcher.waitFor(
      (seen) => states.every((t) => latest(seen).has(t)) && configsOf(latest(seen)).length === EXPECTED.size,
      'configs and states of every device',
    );
    const map = latest(watcher.seen);
    const configs = configsOf(map).map((m) => ({ topic: m.topic, config: JSON.parse(m.payload) }));
    assert.deepEqual(configs.map((c) => c.topic).sort(), [...EXPECTED].sort());
    assert.ok(EXPECTED.size > 40 && LAPTOP.length > 5, 'every device has its sensors');
    const uniqueIds = new Set();
    for (const { topic, config } of configs) {
      assert.match(topic, /^homeassistant\/(sensor|binary_sensor)\/[a-zA-Z0-9_-]+\/config$/);
      assert.equal(topic.split('/')[2], config.unique_id, 'object id = unique_id (Home Assistant best practice)');
      for (const key of ['name', 'unique_id', 'state_topic', 'value_template', 'device', 'origin']) assert.ok(config[key], `${topic} lacks ${key}`);
      assert.ok(Array.isArray(config.device.identifiers) && config.device.identifiers.length === 1);
      assert.ok(!uniqueIds.has(config.unique_id), `duplicate unique_id ${config.unique_id}`);
      uniqueIds.add(config.unique_id);
      if (config.unit_of_measurement === '%') assert.equal(config.state_class, 'measurement', topic);
      const state = map.get(config.state_topic);
      assert.ok(state, `no state on ${config.state_topic}`);
      const value = renderValueTemplate(config.value_template, state.payload);
      if (config.device_class === 'timestamp' && value !== 'None') assert.match(value, ISO_WITH_OFFSET, topic);
      if (config.unit_of_measurement) assert.ok(value === 'None' || Number.isFinite(Number(value)), `${topic}: ${value}`);
      for (const a of config.availability ?? []) {
        const payload = map.get(a.topic)?.payload;
        if (!a.value_template) assert.equal(payload, 'online', a.topic);
        else assert.match(renderAvailabilityTemplate(a.value_template, payload), /^(online|offline)$/, `${topic} availability`);
      }
    }
    const devices = new Set(configs.map((c) => c.config.device.identifiers[0]));
    assert.deepEqual([...devices].sort(), ['claude_code__all', 'claude_code_laptop', 'claude_insight_work', 'claude_usage_work']);
    assert.equal(JSON.parse(map.get('claude-usage/work/state').payload).session_pct, 62.4);
  });

  it('leaves the configs retained on the broker for a client that connects later', async () => {
    const late = await subscriber(broker.url, ['homeassistant/+/+/config']);
    try {
      await late.waitFor((seen) => seen.length >= EXPECTED.size, 'retained configs');
      assert.ok(late.seen.every((m) => m.retain));
    } finally {
      await late.end();
    }
  });

  it("re-announces every config when Home Assistant's birth message arrives", async () => {
    const mark = watcher.seen.length;
    await watcher.client.publishAsync('homeassistant/status', 'online');
    await watcher.waitFor((seen) => seen.slice(mark).filter((m) => m.topic.endsWith('/config')).length >= EXPECTED.size, 're-announced configs');
    const again = watcher.seen.slice(mark);
    assert.ok(again.some((m) => m.topic === 'claude-usage/work/state'), 'last state re-sent too');
  });

  it('deletes a host’s sensors with empty retained configs on msg.remove', async () => {
    assert.equal((await red.request('POST', '/inject/remove-laptop')).status, 200);
    await watcher.waitFor((seen) => [...latest(seen).values()].filter((m) => LAPTOP.includes(m.topic) && m.payload === '').length === LAPTOP.length, 'empty configs');
    const late = await subscriber(broker.url, ['homeassistant/+/+/config']);
    try {
      await late.waitFor((seen) => seen.length >= EXPECTED.size - LAPTOP.length, 'retained configs');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(late.seen.filter((m) => m.topic.includes('claude_code_laptop')).length, 0, 'the broker forgot the host');
    } finally {
      await late.end();
    }
    assert.doesNotMatch(red.log, /\[error\]/);
  });
});
