'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { usagePayload, codePayload } = require('./fixtures');
const { HassBridge, ANNOUNCE_UPDATES } = lib('hass/bridge');

const opts = { prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', origin: { name: 'node-red-claude-usage' } };
const usage = (overrides) => ({ kind: 'usage', payload: usagePayload(overrides) });
const configs = (messages) => messages.filter((m) => m.topic.endsWith('/config'));
const removals = (messages) => configs(messages).filter((m) => m.payload === '');

describe('lib/hass/bridge', () => {
  it('sends retained configs, availability and a non-retained state for a new account', () => {
    const out = new HassBridge(opts).handle(usage());
    assert.equal(configs(out).length, 15);
    assert.ok(configs(out).every((m) => m.retain && JSON.parse(m.payload).unique_id));
    const [availability, state] = out.slice(-2);
    assert.deepEqual(availability, { topic: 'claude-usage/work/availability', payload: 'online', retain: true });
    assert.equal(state.topic, 'claude-usage/work/state');
    assert.equal(state.retain, false);
    assert.equal(JSON.parse(state.payload).session_pct, 62.4);
  });

  it(`re-sends configs with each of the first ${ANNOUNCE_UPDATES} updates of a device, then only states`, () => {
    const bridge = new HassBridge(opts);
    const counts = [1, 2, 3, 4, 5].map(() => configs(bridge.handle(usage())).length);
    assert.deepEqual(counts, [15, 15, 15, 0, 0]);
    assert.equal(configs(bridge.handle({ kind: 'code', payload: codePayload() })).length, 9, 'each device counts on its own');
  });

  it('announces a new window at once and removes a window that is gone with an empty retained config', () => {
    const bridge = new HassBridge(opts);
    for (let i = 0; i < ANNOUNCE_UPDATES; i++) bridge.handle(usage());
    const without = usagePayload();
    without.limits = without.limits.filter((l) => l.id !== 'weekly:opus');
    const out = bridge.handle({ kind: 'usage', payload: without });
    assert.deepEqual(removals(out).map((m) => m.topic).sort(), [
      'homeassistant/sensor/claude_usage_work_weekly_opus_pct/config',
      'homeassistant/sensor/claude_usage_work_weekly_opus_resets_at/config',
    ]);
    assert.ok(removals(out).every((m) => m.retain));
    const back = bridge.handle(usage());
    assert.deepEqual(configs(back).map((m) => JSON.parse(m.payload).unique_id), ['claude_usage_work_weekly_opus_pct', 'claude_usage_work_weekly_opus_resets_at']);
  });

  it("re-announces every device and its last state on Home Assistant's birth message", () => {
    const bridge = new HassBridge(opts);
    for (let i = 0; i < ANNOUNCE_UPDATES + 1; i++) {
      bridge.handle(usage());
      bridge.handle({ kind: 'code', payload: codePayload() });
    }
    const out = bridge.handle({ kind: 'birth' });
    assert.equal(configs(out).length, 15 + 9);
    const states = out.filter((m) => m.topic.endsWith('/state')).map((m) => m.topic);
    assert.deepEqual(states, ['claude-usage/work/state', 'claude-usage/code/laptop/state']);
  });

  it('marks the usage sensors unavailable after an expired session and back online on recovery, keeping the last values', () => {
    const bridge = new HassBridge(opts);
    bridge.handle(usage());
    const expired = bridge.handle({ kind: 'status', account: 'work', status: 'session_expired' });
    assert.deepEqual(expired.find((m) => m.topic.endsWith('/availability')).payload, 'offline');
    const state = JSON.parse(expired.find((m) => m.topic.endsWith('/state')).payload);
    assert.equal(state.status, 'session_expired');
    assert.equal(state.session_pct, 62.4);
    const recovered = bridge.handle({ kind: 'status', account: 'work', status: 'ok' });
    assert.equal(recovered.find((m) => m.topic.endsWith('/availability')).payload, 'online');
    const limited = bridge.handle({ kind: 'status', account: 'work', status: 'rate_limited' });
    assert.equal(limited.find((m) => m.topic.endsWith('/availability')), undefined, 'a transient error keeps the sensors available');
  });

  it('announces only the status sensor and the problem binary_sensor for an account that failed before its first poll', () => {
    const out = new HassBridge(opts).handle({ kind: 'status', account: 'home', status: 'blocked' });
    assert.deepEqual(configs(out).map((m) => m.topic), ['homeassistant/sensor/claude_usage_home_status/config', 'homeassistant/binary_sensor/claude_usage_home_problem/config']);
    assert.equal(JSON.parse(out.at(-1).payload).status, 'blocked');
    assert.equal(JSON.parse(out.at(-1).payload).problem, 'ON');
  });

  it('removes a device by name, by payload, or all of them, and forgets it', () => {
    const bridge = new HassBridge(opts);
    bridge.handle(usage());
    bridge.handle(usage({ account: 'home' }));
    bridge.handle({ kind: 'code', payload: codePayload() });
    const one = bridge.handle({ kind: 'remove', label: 'laptop', payload: null });
    assert.equal(removals(one).length, 9);
    assert.ok(one.some((m) => m.topic === 'claude-usage/code/laptop/availability' && m.payload === '' && m.retain));
    assert.deepEqual(bridge.counts(), { devices: 2, sensors: 30 });
    const byPayload = bridge.handle({ kind: 'remove', label: null, payload: usagePayload({ account: 'home' }) });
    assert.equal(removals(byPayload).length, 15);
    const rest = bridge.handle({ kind: 'remove', label: null, payload: null });
    assert.equal(removals(rest).length, 15);
    assert.deepEqual(bridge.counts(), { devices: 0, sensors: 0 });
    assert.deepEqual(bridge.handle({ kind: 'birth' }), []);
  });

  it('remembers what it announced across a restart through its memory', () => {
    const first = new HassBridge(opts);
    first.handle(usage());
    const restored = new HassBridge(opts, JSON.parse(JSON.stringify(first.memory())));
    const without = usagePayload({ extraUsage: null });
    const out = restored.handle({ kind: 'usage', payload: without });
    assert.deepEqual(removals(out).map((m) => m.topic).sort(), [
      'homeassistant/sensor/claude_usage_work_extra_usage_credits/config',
      'homeassistant/sensor/claude_usage_work_extra_usage_limit/config',
      'homeassistant/sensor/claude_usage_work_extra_usage_pct/config',
    ]);
  });

  it('re-announces a device whose plan (model) changed', () => {
    const bridge = new HassBridge(opts);
    for (let i = 0; i < ANNOUNCE_UPDATES; i++) bridge.handle(usage());
    const out = bridge.handle(usage({ plan: 'max_20x' }));
    assert.equal(configs(out).length, 15);
    assert.equal(JSON.parse(configs(out)[0].payload).device.model, 'Claude Max 20x');
  });
});
