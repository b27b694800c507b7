'use strict';
const assert = require('node:assert/strict');
const { lib } = require('../support/node-red');
const { usagePayload, codePayload, renderValueTemplate, renderAvailabilityTemplate } = require('./fixtures');
const d = lib('hass/discovery');

const opts = { prefix: 'homeassistant', baseTopic: 'claude-usage', devicePrefix: 'Claude', origin: { name: 'node-red-claude-usage', sw_version: '0.1.0' } };

describe('lib/hass/discovery', () => {
  it('slugs names to [a-z0-9_], never empty', () => {
    assert.equal(d.slug('Work Max!'), 'work_max');
    assert.equal(d.slug('weekly:opus'), 'weekly_opus');
    assert.equal(d.slug('Café/Ümlaut'), 'cafe_umlaut');
    assert.equal(d.slug('///'), 'default');
  });

  it('writes reset times as ISO with an explicit offset', () => {
    assert.equal(d.offsetIso('2026-11-22T12:03:00.000Z'), '2026-11-22T12:03:00+00:00');
    assert.equal(d.offsetIso('2026-11-22T13:03:00+01:00'), '2026-11-22T12:03:00+00:00');
    assert.equal(d.offsetIso(null), null);
    assert.equal(d.offsetIso('soon'), null);
  });

  it('gives every window of an account a percentage and a reset sensor, plus extra usage, cookie, plan and status', () => {
    const keys = d.usageEntities(usagePayload()).map((e) => e.key);
    assert.deepEqual(keys, [
      'session_pct', 'session_resets_at', 'weekly_pct', 'weekly_resets_at', 'weekly_opus_pct', 'weekly_opus_resets_at',
      'extra_usage_credits', 'extra_usage_pct', 'extra_usage_limit', 'cookie_days_left', 'cookie_expires_at', 'plan', 'fetched_at', 'status', 'problem',
    ]);
  });

  it('leaves out extra usage and cookie sensors when the account has none (claude-code auth, no credits)', () => {
    const keys = d.usageEntities(usagePayload({ extraUsage: null, cookie: null, limits: [] })).map((e) => e.key);
    assert.deepEqual(keys, ['plan', 'fetched_at', 'status', 'problem']);
  });

  it('builds a discovery config Home Assistant accepts for a percentage sensor', () => {
    const device = d.accountDevice('My Work', 'max_5x', opts);
    const entity = d.usageEntities(usagePayload()).find((e) => e.key === 'session_pct');
    assert.equal(d.configTopic(device, entity, opts), 'homeassistant/sensor/claude_usage_my_work_session_pct/config');
    assert.deepEqual(d.discoveryConfig(device, entity, opts), {
      name: '5-hour usage',
      unique_id: 'claude_usage_my_work_session_pct',
      state_topic: 'claude-usage/my_work/state',
      value_template: '{{ value_json.session_pct }}',
      unit_of_measurement: '%',
      state_class: 'measurement',
      suggested_display_precision: 1,
      icon: 'mdi:gauge',
      availability: [{ topic: 'claude-usage/my_work/availability' }],
      device: { identifiers: ['claude_usage_my_work'], name: 'Claude My Work', manufacturer: 'Anthropic', model: 'Claude Max 5x' },
      origin: opts.origin,
    });
  });

  it('makes reset sensors timestamps without a unit and keeps the status sensor free of availability', () => {
    const device = d.accountDevice('work', null, opts);
    const entities = d.usageEntities(usagePayload());
    const reset = d.discoveryConfig(device, entities.find((e) => e.key === 'weekly_opus_resets_at'), opts);
    assert.equal(reset.device_class, 'timestamp');
    assert.equal(reset.unit_of_measurement, undefined);
    assert.equal(reset.state_class, undefined);
    assert.equal(reset.name, 'Weekly · Opus reset');
    const status = d.discoveryConfig(device, entities.find((e) => e.key === 'status'), opts);
    assert.equal(status.availability, undefined);
    assert.equal(status.entity_category, 'diagnostic');
    const money = d.discoveryConfig(device, entities.find((e) => e.key === 'extra_usage_credits'), opts);
    assert.equal(money.device_class, 'monetary');
    assert.equal(money.unit_of_measurement, 'USD');
    assert.equal(money.state_class, undefined, 'monetary sensors may not be measurements');
  });

  it('has a value in the account state for every sensor template, null as unknown', () => {
    const payload = usagePayload();
    const device = d.accountDevice('work', 'max_5x', opts);
    const state = JSON.stringify(d.usageState(payload, 'ok'));
    const rendered = Object.fromEntries(
      d.usageEntities(payload).map((e) => [e.key, renderValueTemplate(d.discoveryConfig(device, e, opts).value_template, state)]),
    );
    assert.equal(rendered.session_pct, '62.4');
    assert.equal(rendered.session_resets_at, '2026-11-22T12:03:00+00:00');
    assert.equal(rendered.weekly_opus_resets_at, '1970-01-01T00:00:00+00:00', 'a null time renders as a time, never "None"');
    assert.equal(rendered.extra_usage_credits, '12.34');
    assert.equal(rendered.cookie_days_left, '21');
    assert.equal(rendered.plan, 'max_5x');
    assert.equal(rendered.status, 'ok');
  });

  it('makes a timestamp sensor unavailable while its time is null, and never renders "None" for a time or a text', () => {
    const payload = usagePayload();
    payload.plan = null;
    const device = d.accountDevice('work', null, opts);
    const state = JSON.stringify(d.usageState(payload, 'ok'));
    for (const e of d.usageEntities(payload)) {
      const config = d.discoveryConfig(device, e, opts);
      const value = renderValueTemplate(config.value_template, state);
      if (e.deviceClass === 'timestamp' || !e.unit) assert.notEqual(value, 'None', `${e.key} renders None`);
      if (e.deviceClass !== 'timestamp') continue;
      assert.equal(config.availability_mode, 'all');
      const own = config.availability.find((a) => a.topic === device.stateTopic);
      const expected = JSON.parse(state)[e.key] ? 'online' : 'offline';
      assert.equal(renderAvailabilityTemplate(own.value_template, state), expected, e.key);
    }
    assert.equal(renderValueTemplate(d.discoveryConfig(device, d.usageEntities(payload).find((e) => e.key === 'plan'), opts).value_template, state), 'unknown');
    const idle = JSON.stringify(d.codeState({ ...codePayload(), activeBlock: null }));
    const end = d.discoveryConfig(d.codeDevice('h', opts), d.codeEntities().find((e) => e.key === 'block_ends_at'), opts);
    assert.equal(renderAvailabilityTemplate(end.availability.find((a) => a.value_template).value_template, idle), 'offline');
  });

  it('gives a Claude Code host its block, period and today sensors, each with a value', () => {
    const device = d.codeDevice('Laptop.local', opts);
    assert.equal(device.id, 'claude_code_laptop_local');
    assert.equal(device.name, 'Claude Code Laptop.local');
    assert.equal(device.stateTopic, 'claude-usage/code/laptop_local/state');
    const state = JSON.stringify(d.codeState(codePayload()));
    const rendered = Object.fromEntries(d.codeEntities().map((e) => [e.key, renderValueTemplate(d.discoveryConfig(device, e, opts).value_template, state)]));
    assert.deepEqual(rendered, {
      block_tokens: '451000',
      block_cost: '3.21',
      block_minutes_left: '242',
      block_ends_at: '2026-11-22T14:00:00+00:00',
      period_cost: '48.5',
      period_sessions: '12',
      sessions_left: '38',
      today_cost: '3.21',
      scanned_at: '2026-11-22T09:58:00+00:00',
    });
  });

  it('reports an idle host as zero tokens and unknown time left', () => {
    const state = d.codeState(codePayload({ activeBlock: null }));
    assert.equal(state.block_tokens, 0);
    assert.equal(state.block_cost, 0);
    assert.equal(state.block_minutes_left, null);
    assert.equal(state.block_ends_at, null);
  });

  it('computes time left from the block end when there is no projection', () => {
    const payload = codePayload();
    payload.activeBlock.projection = null;
    assert.equal(d.codeState(payload).block_minutes_left, 242);
  });
});
