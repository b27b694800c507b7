// Home Assistant MQTT discovery: which sensors a Claude account or a Claude Code host
// (or the merged timeline of claude-code-telemetry, or a claude-insight report) becomes, their discovery configs and the state JSON their value templates read.
// Format: https://www.home-assistant.io/integrations/mqtt/#mqtt-discovery (one
// config per entity under {prefix}/sensor/{object_id}/config, retained).

import type { HassUsagePayload as UsagePayload } from './inputs';
import type { HassCodePayload, HassInsightPayload, HassTelemetryPayload } from './inputs';
import { minutesUntil } from '../format';

export interface HassOptions {
  /** Discovery prefix, as configured in Home Assistant's MQTT integration. */
  prefix: string;
  /** Root of the state and availability topics. */
  baseTopic: string;
  /** Put before each device name: "Claude" → "Claude work", "Claude Code laptop". */
  devicePrefix: string;
  /** The `origin` block: who published the discovery message. */
  origin: { name: string; sw_version?: string; support_url?: string };
}

export type DeviceKind = 'account' | 'code' | 'telemetry' | 'insight';

export interface HassDevice {
  kind: DeviceKind;
  /** The account name or host name the device stands for. */
  label: string;
  /** Stable identifier, also the prefix of every object id: claude_usage_work. */
  id: string;
  name: string;
  model: string;
  stateTopic: string;
  availabilityTopic: string;
}

export interface HassEntity {
  /** Key in the state JSON and suffix of the object id. */
  key: string;
  /** Home Assistant's entity platform; `sensor` when not given. */
  component?: 'sensor' | 'binary_sensor';
  name: string;
  unit?: string;
  deviceClass?: 'timestamp' | 'duration' | 'monetary' | 'problem';
  stateClass?: 'measurement';
  precision?: number;
  icon?: string;
  diagnostic?: boolean;
  /** false for the entity that must stay visible while the data is stale (account status). */
  followsAvailability: boolean;
}

export type StateValue = string | number | null;
export type HassState = Record<string, StateValue>;

/** Topic- and id-safe form of a name: "Work Max!" → "work_max". Only [a-z0-9_]. */
export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return s || 'default';
}

/** An ISO time with an explicit offset (2026-11-22T10:00:00+00:00), as timestamp sensors want; null when unknown. */
export function offsetIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  if (Number.isNaN(t)) return null;
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '+00:00');
}

function joinName(...parts: string[]): string {
  return parts.map((p) => p.trim()).filter(Boolean).join(' ');
}

const PLAN_MODELS: Record<string, string> = {
  pro: 'Claude Pro',
  max_5x: 'Claude Max 5x',
  max_20x: 'Claude Max 20x',
  team: 'Claude Team',
  enterprise: 'Claude Enterprise',
  free: 'Claude Free',
};

function deviceTopics(opts: HassOptions, topicPath: string): Pick<HassDevice, 'stateTopic' | 'availabilityTopic'> {
  return { stateTopic: `${opts.baseTopic}/${topicPath}/state`, availabilityTopic: `${opts.baseTopic}/${topicPath}/availability` };
}

export function accountDevice(account: string, plan: string | null, opts: HassOptions): HassDevice {
  const s = slug(account);
  return {
    kind: 'account',
    label: account,
    id: `claude_usage_${s}`,
    name: joinName(opts.devicePrefix, account),
    model: (plan && PLAN_MODELS[plan]) || 'Claude account',
    ...deviceTopics(opts, s),
  };
}

export function codeDevice(host: string, opts: HassOptions): HassDevice {
  const s = slug(host);
  return {
    kind: 'code',
    label: host,
    id: `claude_code_${s}`,
    name: joinName(opts.devicePrefix, 'Code', host),
    model: 'Claude Code',
    ...deviceTopics(opts, `code/${s}`),
  };
}

/** Name of the device of the merged telemetry timeline: "Claude Code all machines". */
export const TELEMETRY_LABEL = 'all machines';

/**
 * The merged claude-code-telemetry timeline. Its id and topic hold a part no slug
 * can make (a slug never starts or ends with "_"), so no host name collides with it.
 */
export function telemetryDevice(opts: HassOptions): HassDevice {
  return {
    kind: 'telemetry',
    label: TELEMETRY_LABEL,
    id: 'claude_code__all',
    name: joinName(opts.devicePrefix, 'Code', TELEMETRY_LABEL),
    model: 'Claude Code telemetry',
    ...deviceTopics(opts, 'code/_all'),
  };
}

/** The claude-insight figures of one account: a device beside the account's own, under {baseTopic}/insight/{account}. */
export function insightDevice(account: string, opts: HassOptions): HassDevice {
  const s = slug(account);
  return {
    kind: 'insight',
    label: account,
    id: `claude_insight_${s}`,
    name: joinName(opts.devicePrefix, account, 'insight'),
    model: 'Claude usage insight',
    ...deviceTopics(opts, `insight/${s}`),
  };
}

const percent = (key: string, name: string): HassEntity => ({
  key,
  name,
  unit: '%',
  stateClass: 'measurement',
  precision: 1,
  icon: 'mdi:gauge',
  followsAvailability: true,
});
const timestamp = (key: string, name: string, diagnostic = false): HassEntity => ({
  key,
  name,
  deviceClass: 'timestamp',
  diagnostic,
  followsAvailability: true,
});
const money = (key: string, name: string, currency: string): HassEntity => ({
  key,
  name,
  unit: currency,
  deviceClass: 'monetary',
  precision: 2,
  followsAvailability: true,
});

/** The state key of a usage window: "weekly:opus" → "weekly_opus". */
export function limitKey(limitId: string): string {
  return slug(limitId);
}

/** Account status, always announced: it must stay readable while the other sensors are unavailable. */
export const STATUS_ENTITY: HassEntity = {
  key: 'status',
  name: 'Account status',
  icon: 'mdi:account-check',
  diagnostic: true,
  followsAvailability: false,
};

/**
 * A problem binary_sensor: on while the account cannot be read (session expired, access refused,
 * blocked, no login), so Home Assistant shows a problem instead of stale numbers. Always announced.
 */
export const PROBLEM_ENTITY: HassEntity = {
  key: 'problem',
  name: 'Account problem',
  component: 'binary_sensor',
  deviceClass: 'problem',
  followsAvailability: false,
};

/** Statuses that mean the account cannot be read until the user acts; the usage sensors go unavailable. */
export const PROBLEM_STATUSES = new Set(['session_expired', 'forbidden', 'blocked', 'no_credentials', 'token_expired']);

export function problemState(status: string): 'ON' | 'OFF' {
  return PROBLEM_STATUSES.has(status) ? 'ON' : 'OFF';
}

/** The limit that currently binds (the service's `is_active`), if the answer names one. */
function bindingLimit(payload: UsagePayload): UsagePayload['limits'][number] | null {
  return payload.limits.find((l) => l.active === true) ?? null;
}

/** The state key of a breakdown row: "claude_code" → "breakdown_claude_code". */
function breakdownKey(rowKey: string): string {
  return `breakdown_${slug(rowKey)}`;
}

/** The sensors of one claude-usage payload: every window, the binding limit, the weekly breakdown, extra usage, pools, cookie, status. */
export function usageEntities(payload: UsagePayload): HassEntity[] {
  const entities: HassEntity[] = [];
  for (const limit of payload.limits) {
    const k = limitKey(limit.id);
    entities.push(percent(`${k}_pct`, `${limit.label} usage`));
    entities.push(timestamp(`${k}_resets_at`, `${limit.label} reset`));
  }
  if (payload.limits.some((l) => l.active === true || l.active === false)) {
    entities.push({ key: 'binding_limit', name: 'Binding limit', icon: 'mdi:speedometer', followsAvailability: true });
    entities.push(percent('binding_pct', 'Binding limit usage'));
    entities.push(timestamp('binding_resets_at', 'Binding limit reset'));
  }
  for (const row of payload.breakdown?.rows ?? []) {
    entities.push({ ...percent(`${breakdownKey(row.key)}_pct`, `Weekly share · ${row.label}`), icon: 'mdi:chart-pie' });
  }
  if (payload.extraUsage) {
    const currency = payload.extraUsage.currency || 'USD';
    entities.push(money('extra_usage_credits', 'Extra usage', currency));
    entities.push(percent('extra_usage_pct', 'Extra usage of limit'));
    entities.push(money('extra_usage_limit', 'Extra usage limit', currency));
  }
  for (const pool of payload.pools ?? []) {
    const k = `pool_${slug(pool.id)}`;
    entities.push(money(`${k}_remaining`, `${pool.label} left`, 'USD'));
    entities.push(timestamp(`${k}_expires_at`, `${pool.label} expiry`));
  }
  if (payload.cookie) {
    entities.push({
      key: 'cookie_days_left',
      name: 'Cookie days left',
      unit: 'd',
      deviceClass: 'duration',
      stateClass: 'measurement',
      precision: 0,
      icon: 'mdi:cookie-clock',
      diagnostic: true,
      followsAvailability: false,
    });
    entities.push({ ...timestamp('cookie_expires_at', 'Cookie expiry', true), followsAvailability: false });
  }
  entities.push({ key: 'plan', name: 'Plan', icon: 'mdi:card-account-details', diagnostic: true, followsAvailability: true });
  entities.push(timestamp('fetched_at', 'Last update', true));
  entities.push(STATUS_ENTITY, PROBLEM_ENTITY);
  return entities;
}

export function usageState(payload: UsagePayload, status: string): HassState {
  const state: HassState = { status, problem: problemState(status), plan: payload.plan ?? payload.planTier ?? null, fetched_at: offsetIso(payload.fetchedAt) };
  for (const limit of payload.limits) {
    const k = limitKey(limit.id);
    state[`${k}_pct`] = limit.pct;
    state[`${k}_resets_at`] = offsetIso(limit.resetsAt);
  }
  if (payload.limits.some((l) => l.active === true || l.active === false)) {
    const binding = bindingLimit(payload);
    state.binding_limit = binding ? binding.label : 'none';
    state.binding_pct = binding ? binding.pct : null;
    state.binding_resets_at = binding ? offsetIso(binding.resetsAt) : null;
  }
  for (const row of payload.breakdown?.rows ?? []) state[`${breakdownKey(row.key)}_pct`] = row.pct;
  if (payload.extraUsage) {
    state.extra_usage_credits = payload.extraUsage.usedCredits;
    state.extra_usage_pct = payload.extraUsage.pct;
    state.extra_usage_limit = payload.extraUsage.monthlyLimit;
  }
  for (const pool of payload.pools ?? []) {
    const k = `pool_${slug(pool.id)}`;
    state[`${k}_remaining`] = pool.remainingUSD;
    state[`${k}_expires_at`] = offsetIso(pool.expiresAt);
  }
  if (payload.cookie) {
    state.cookie_days_left = payload.cookie.daysLeft;
    state.cookie_expires_at = offsetIso(payload.cookie.expiresAt);
  }
  return state;
}

/** The sensors of one Claude Code host (claude-code-usage output 1). */
export function codeEntities(): HassEntity[] {
  return [
    { key: 'block_tokens', name: 'Block tokens', unit: 'tokens', stateClass: 'measurement', precision: 0, icon: 'mdi:counter', followsAvailability: true },
    money('block_cost', 'Block cost', 'USD'),
    {
      key: 'block_minutes_left',
      name: 'Block time left',
      unit: 'min',
      deviceClass: 'duration',
      stateClass: 'measurement',
      precision: 0,
      icon: 'mdi:timer-sand',
      followsAvailability: true,
    },
    timestamp('block_ends_at', 'Block end'),
    money('period_cost', 'Billing period cost', 'USD'),
    { key: 'period_sessions', name: 'Sessions this period', stateClass: 'measurement', precision: 0, icon: 'mdi:calendar-range', followsAvailability: true },
    { key: 'sessions_left', name: 'Sessions left', stateClass: 'measurement', precision: 0, icon: 'mdi:calendar-clock', followsAvailability: true },
    money('today_cost', 'Cost today', 'USD'),
    timestamp('scanned_at', 'Last scan', true),
  ];
}

/** The state key prefix of one machine on the merged telemetry device: "host_laptop". */
function hostKey(host: string): string {
  return `host_${slug(host)}`;
}

/** Telemetry hosts whose keys differ: of two names with one slug, the first stands. */
function distinctHosts(payload: HassTelemetryPayload): HassTelemetryPayload['hosts'] {
  const seen = new Set<string>();
  return payload.hosts.filter((h) => {
    const k = hostKey(h.host);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The merged timeline's sensors: those of a Claude Code host, then per machine its period cost, tokens and cost today. */
export function telemetryEntities(payload: HassTelemetryPayload): HassEntity[] {
  const entities = codeEntities().map((e) => (e.key === 'scanned_at' ? { ...e, name: 'Last update' } : e));
  for (const h of distinctHosts(payload)) {
    const k = hostKey(h.host);
    entities.push(money(`${k}_period_cost`, `${h.host} billing period cost`, 'USD'));
    entities.push({ key: `${k}_period_tokens`, name: `${h.host} billing period tokens`, unit: 'tokens', stateClass: 'measurement', precision: 0, icon: 'mdi:counter', followsAvailability: true });
    entities.push(money(`${k}_today_cost`, `${h.host} cost today`, 'USD'));
  }
  return entities;
}

export function telemetryState(payload: HassTelemetryPayload): HassState {
  const state = codeState(payload);
  for (const h of distinctHosts(payload)) {
    const k = hostKey(h.host);
    state[`${k}_period_cost`] = h.costUSD;
    state[`${k}_period_tokens`] = h.totalTokens;
    state[`${k}_today_cost`] = h.today.costUSD;
  }
  return state;
}

/** An insight device's sensors: tokens per 1 % and elsewhere % of each window, the last limit hit. */
export function insightEntities(): HassEntity[] {
  const perPct = (key: string, name: string): HassEntity => ({ key, name, unit: 'tokens/%', stateClass: 'measurement', precision: 0, icon: 'mdi:scale-balance', followsAvailability: true });
  const elsewhere = (key: string, name: string): HassEntity => ({ ...percent(key, name), icon: 'mdi:cloud-question' });
  return [
    perPct('session_tokens_per_pct', '5-hour tokens per 1 %'),
    perPct('weekly_tokens_per_pct', 'Weekly tokens per 1 %'),
    elsewhere('session_elsewhere_pct', '5-hour used elsewhere'),
    elsewhere('weekly_elsewhere_pct', 'Weekly used elsewhere'),
    { ...timestamp('last_limit_hit', 'Last limit hit'), icon: 'mdi:car-brake-alert' },
    { key: 'last_limit_hit_window', name: 'Last limit hit window', icon: 'mdi:car-brake-alert', diagnostic: true, followsAvailability: true },
  ];
}

export function insightState(payload: HassInsightPayload): HassState {
  const { session, weekly } = payload.windows;
  const last = payload.ledger.length ? payload.ledger[payload.ledger.length - 1] : null;
  return {
    session_tokens_per_pct: session ? session.tokensPerPct : null,
    weekly_tokens_per_pct: weekly ? weekly.tokensPerPct : null,
    session_elsewhere_pct: session ? session.elsewherePct : null,
    weekly_elsewhere_pct: weekly ? weekly.elsewherePct : null,
    last_limit_hit: offsetIso(last?.at),
    last_limit_hit_window: last ? last.limit : null,
  };
}

export function codeState(payload: Pick<HassCodePayload, 'scannedAt' | 'activeBlock' | 'period' | 'today'>): HassState {
  const block = payload.activeBlock;
  const scannedAt = Date.parse(payload.scannedAt);
  const now = Number.isNaN(scannedAt) ? new Date() : new Date(scannedAt);
  return {
    block_tokens: block ? block.totalTokens : 0,
    block_cost: block ? block.costUSD : 0,
    block_minutes_left: block ? (block.projection?.remainingMinutes ?? minutesUntil(block.endTime, now)) : null,
    block_ends_at: block ? offsetIso(block.endTime) : null,
    period_cost: payload.period.costUSD,
    period_sessions: payload.period.sessions,
    sessions_left: payload.period.sessionsLeft,
    today_cost: payload.today.costUSD,
    scanned_at: offsetIso(payload.scannedAt),
  };
}

function valueTemplate(entity: HassEntity): string {
  const value = `value_json.${entity.key}`;
  if (entity.deviceClass === 'timestamp') return `{{ ${value} or '${NO_TIME}' }}`;
  if (!entity.unit && !entity.deviceClass && !entity.stateClass) return `{{ ${value} or 'unknown' }}`;
  return `{{ ${value} }}`;
}

export function objectId(device: HassDevice, entity: HassEntity): string {
  return `${device.id}_${entity.key}`;
}

export function configTopic(device: HassDevice, entity: HassEntity, opts: HassOptions): string {
  return `${opts.prefix}/${entity.component ?? 'sensor'}/${objectId(device, entity)}/config`;
}

/** Stands in for a missing time while the sensor is unavailable: never shown. */
const NO_TIME = '1970-01-01T00:00:00+00:00';

/**
 * One sensor's discovery config. `value_template` reads the device's state JSON; a JSON
 * null renders as "None", which Home Assistant shows as unknown for numbers but cannot
 * parse as a time (it logs a warning each time). So a timestamp sensor is unavailable
 * while its time is null, and its template always yields a time; a text sensor says
 * "unknown".
 */
export function discoveryConfig(device: HassDevice, entity: HassEntity, opts: HassOptions): Record<string, unknown> {
  const id = objectId(device, entity);
  const config: Record<string, unknown> = {
    name: entity.name,
    unique_id: id,
    state_topic: device.stateTopic,
    value_template: valueTemplate(entity),
  };
  if (entity.unit) config.unit_of_measurement = entity.unit;
  if (entity.deviceClass) config.device_class = entity.deviceClass;
  if (entity.stateClass) config.state_class = entity.stateClass;
  if (entity.precision !== undefined) config.suggested_display_precision = entity.precision;
  if (entity.icon) config.icon = entity.icon;
  if (entity.diagnostic) config.entity_category = 'diagnostic';
  const availability: Array<Record<string, string>> = entity.followsAvailability ? [{ topic: device.availabilityTopic }] : [];
  if (entity.deviceClass === 'timestamp') {
    availability.push({ topic: device.stateTopic, value_template: `{{ 'online' if value_json.${entity.key} else 'offline' }}` });
    config.availability_mode = 'all';
  }
  if (availability.length) config.availability = availability;
  config.device = {
    identifiers: [device.id],
    name: device.name,
    manufacturer: 'Anthropic',
    model: device.model,
  };
  config.origin = opts.origin;
  return config;
}
