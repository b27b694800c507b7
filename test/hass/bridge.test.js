'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { usagePayload, codePayload, telemetryPayload, insightPayload } = require('./fixtures');
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
    const byPayload = bridge.handle({ kind: 'remove', label: null, payload: { kind: 'usage', payload: usagePayload({ account: 'home' }) } });
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

  it('makes one "all machines" device of a telemetry timeline: the host sensors for the merged blocks, and per machine its figures', () => {
    const out = new HassBridge(opts).handle({ kind: 'telemetry', payload: telemetryPayload() });
    const ids = configs(out).map((m) => JSON.parse(m.payload).unique_id);
    assert.equal(ids.length, 9 + 2 * 3);
    assert.ok(ids.includes('claude_code__all_block_tokens'));
    assert.ok(ids.includes('claude_code__all_host_build_box_today_cost'));
    const device = JSON.parse(configs(out)[0].payload).device;
    assert.deepEqual(device, { identifiers: ['claude_code__all'], name: 'Claude Code all machines', manufacturer: 'Anthropic', model: 'Claude Code telemetry' });
    const state = JSON.parse(out.at(-1).payload);
    assert.equal(out.at(-1).topic, 'claude-usage/code/_all/state');
    assert.equal(state.block_tokens, 451000);
    assert.equal(state.host_laptop_period_cost, 30.5);
    assert.equal(state.host_build_box_period_tokens, 3000000);
    assert.equal(state.host_build_box_today_cost, 1);
  });

  it('keeps the telemetry device apart from a claude-code-usage host of any name, and drops a machine that stopped reporting', () => {
    const bridge = new HassBridge(opts);
    bridge.handle({ kind: 'code', payload: codePayload({ host: 'all machines' }) });
    bridge.handle({ kind: 'code', payload: codePayload({ host: '_all' }) });
    bridge.handle({ kind: 'telemetry', payload: telemetryPayload() });
    assert.deepEqual(bridge.counts(), { devices: 3, sensors: 9 + 9 + 15 });
    const one = telemetryPayload();
    one.hosts = one.hosts.slice(0, 1);
    const out = bridge.handle({ kind: 'telemetry', payload: one });
    assert.deepEqual(removals(out).map((m) => m.topic).sort(), [
      'homeassistant/sensor/claude_code__all_host_build_box_period_cost/config',
      'homeassistant/sensor/claude_code__all_host_build_box_period_tokens/config',
      'homeassistant/sensor/claude_code__all_host_build_box_today_cost/config',
    ]);
  });

  it('gives a claude-insight report an insight device per account: tokens per 1 %, elsewhere % and the last limit hit', () => {
    const out = new HassBridge(opts).handle({ kind: 'insight', payload: insightPayload() });
    const byId = Object.fromEntries(configs(out).map((m) => [JSON.parse(m.payload).unique_id, JSON.parse(m.payload)]));
    assert.deepEqual(Object.keys(byId).sort(), [
      'claude_insight_work_last_limit_hit',
      'claude_insight_work_last_limit_hit_window',
      'claude_insight_work_session_elsewhere_pct',
      'claude_insight_work_session_tokens_per_pct',
      'claude_insight_work_weekly_elsewhere_pct',
      'claude_insight_work_weekly_tokens_per_pct',
    ]);
    assert.equal(byId.claude_insight_work_weekly_elsewhere_pct.unit_of_measurement, '%');
    assert.equal(byId.claude_insight_work_weekly_elsewhere_pct.state_class, 'measurement');
    assert.equal(byId.claude_insight_work_last_limit_hit.device_class, 'timestamp');
    assert.equal(byId.claude_insight_work_weekly_tokens_per_pct.device.name, 'Claude work insight');
    const state = JSON.parse(out.at(-1).payload);
    assert.equal(out.at(-1).topic, 'claude-usage/insight/work/state');
    assert.deepEqual(state, {
      session_tokens_per_pct: null,
      weekly_tokens_per_pct: 150000.5,
      session_elsewhere_pct: 1.5,
      weekly_elsewhere_pct: 4,
      last_limit_hit: '2026-11-22T09:30:00+00:00',
      last_limit_hit_window: 'session',
    });
  });

  it('shows no figures for a window the insight report has not seen, nor a limit hit before the first', () => {
    const out = new HassBridge(opts).handle({ kind: 'insight', payload: insightPayload({ windows: { session: null, weekly: null }, ledger: [] }) });
    const state = JSON.parse(out.at(-1).payload);
    assert.ok(Object.values(state).every((v) => v === null), JSON.stringify(state));
  });

  it("removes an account's insight device with the account, by name", () => {
    const bridge = new HassBridge(opts);
    bridge.handle(usage());
    bridge.handle({ kind: 'insight', payload: insightPayload() });
    bridge.handle({ kind: 'telemetry', payload: telemetryPayload() });
    const out = bridge.handle({ kind: 'remove', label: 'work', payload: null });
    assert.equal(removals(out).length, 15 + 6);
    assert.deepEqual(bridge.counts(), { devices: 1, sensors: 15 });
    const gone = bridge.handle({ kind: 'remove', label: null, payload: { kind: 'telemetry', payload: telemetryPayload() } });
    assert.equal(removals(gone).length, 15);
  });
});
