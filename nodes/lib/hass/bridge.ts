// The state behind claude-hass: the devices and sensors announced so far, and the MQTT
// messages each input turns into. Plain data in, plain messages out, no Node-RED.

import {
  accountDevice,
  codeDevice,
  codeEntities,
  codeState,
  configTopic,
  discoveryConfig,
  insightDevice,
  insightEntities,
  insightState,
  PROBLEM_ENTITY,
  PROBLEM_STATUSES,
  problemState,
  STATUS_ENTITY,
  telemetryDevice,
  telemetryEntities,
  telemetryState,
  usageEntities,
  usageState,
  type HassDevice,
  type HassEntity,
  type HassOptions,
  type HassState,
} from './discovery';
import type { HassInput, HassPayload } from './inputs';

export interface MqttMessage {
  topic: string;
  payload: string;
  retain: boolean;
}

export interface DeviceRecord {
  device: HassDevice;
  entities: HassEntity[];
  state: HassState;
}

/** What the node keeps in its context so a redeploy or restart still knows what it announced. */
export interface BridgeMemory {
  devices: Record<string, DeviceRecord>;
}

/** Configs go out with this many state updates of each device after a (re)start. */
export const ANNOUNCE_UPDATES = 3;

/** Statuses after which the usage sensors show unavailable until the next good poll. */
const STALE_STATUSES = PROBLEM_STATUSES;

const retained = (topic: string, payload: string): MqttMessage => ({ topic, payload, retain: true });

export class HassBridge {
  private readonly devices = new Map<string, DeviceRecord>();
  private readonly announced = new Map<string, number>();

  constructor(
    private readonly opts: HassOptions,
    memory?: BridgeMemory | null,
  ) {
    for (const [id, record] of Object.entries(memory?.devices ?? {})) {
      if (record && record.device && Array.isArray(record.entities)) this.devices.set(id, record);
    }
  }

  memory(): BridgeMemory {
    return { devices: Object.fromEntries(this.devices) };
  }

  counts(): { devices: number; sensors: number } {
    let sensors = 0;
    for (const r of this.devices.values()) sensors += r.entities.length;
    return { devices: this.devices.size, sensors };
  }

  handle(input: HassInput): MqttMessage[] {
    switch (input.kind) {
      case 'usage':
      case 'code':
      case 'telemetry':
      case 'insight': {
        const { device, entities, state } = this.describe(input);
        return this.update(device, entities, state, 'online');
      }
      case 'status':
        return this.status(input.account, input.status);
      case 'birth':
        return [...this.devices.values()].flatMap((r) => [...this.configs(r.device, r.entities), ...this.stateMessages(r)]);
      case 'remove':
        return this.remove(input.label, input.payload);
      case 'ignored':
        return [];
    }
  }

  /** The device, sensors and state one payload stands for. */
  private describe(input: HassPayload): DeviceRecord {
    switch (input.kind) {
      case 'usage':
        return { device: accountDevice(input.payload.account, input.payload.plan, this.opts), entities: usageEntities(input.payload), state: usageState(input.payload, 'ok') };
      case 'code':
        return { device: codeDevice(input.payload.host, this.opts), entities: codeEntities(), state: codeState(input.payload) };
      case 'telemetry':
        return { device: telemetryDevice(this.opts), entities: telemetryEntities(input.payload), state: telemetryState(input.payload) };
      case 'insight':
        return { device: insightDevice(input.payload.account, this.opts), entities: insightEntities(), state: insightState(input.payload) };
    }
  }

  private status(account: string, status: string): MqttMessage[] {
    const device = accountDevice(account, null, this.opts);
    const known = this.devices.get(device.id);
    const base = known ? known.entities : [STATUS_ENTITY];
    const entities = base.some((e) => e.key === PROBLEM_ENTITY.key) ? base : [...base, PROBLEM_ENTITY];
    const state = { ...(known?.state ?? {}), status, problem: problemState(status) };
    const availability = STALE_STATUSES.has(status) ? 'offline' : status === 'ok' ? 'online' : null;
    return this.update(known?.device ?? device, entities, state, availability);
  }

  /**
   * A new state for one device: configs when the sensor set changed or while the first
   * few updates after a start go out (the broker may not have been connected yet),
   * empty retained configs for sensors that went away, then availability and state.
   */
  private update(device: HassDevice, entities: HassEntity[], state: HassState, availability: 'online' | 'offline' | null): MqttMessage[] {
    const before = this.devices.get(device.id);
    const keys = new Set(entities.map((e) => e.key));
    const gone = (before?.entities ?? []).filter((e) => !keys.has(e.key));
    const beforeKeys = new Set((before?.entities ?? []).map((e) => e.key));
    const sameDevice = before && before.device.name === device.name && before.device.model === device.model;
    const count = this.announced.get(device.id) ?? 0;
    const announceAll = count < ANNOUNCE_UPDATES || !sameDevice;
    const toAnnounce = announceAll ? entities : entities.filter((e) => !beforeKeys.has(e.key));
    if (announceAll) this.announced.set(device.id, count + 1);

    const record: DeviceRecord = { device, entities, state };
    this.devices.set(device.id, record);
    const messages = [...gone.map((e) => retained(configTopic(device, e, this.opts), '')), ...this.configs(device, toAnnounce)];
    if (availability) messages.push(retained(device.availabilityTopic, availability));
    messages.push({ topic: device.stateTopic, payload: JSON.stringify(state), retain: false });
    return messages;
  }

  private configs(device: HassDevice, entities: HassEntity[]): MqttMessage[] {
    return entities.map((e) => retained(configTopic(device, e, this.opts), JSON.stringify(discoveryConfig(device, e, this.opts))));
  }

  private stateMessages(record: DeviceRecord): MqttMessage[] {
    const { device, state, entities } = record;
    const out: MqttMessage[] = [];
    if (entities.some((e) => e.followsAvailability)) {
      out.push(retained(device.availabilityTopic, STALE_STATUSES.has(String(state.status)) ? 'offline' : 'online'));
    }
    out.push({ topic: device.stateTopic, payload: JSON.stringify(state), retain: false });
    return out;
  }

  /**
   * Empty retained configs (Home Assistant deletes the entities) and a cleared
   * availability topic for one device — named by `label` (account or host; an account's
   * insight device goes with it) or by
   * a payload — or for every device known when neither is given.
   */
  private remove(label: string | null, payload: HassPayload | null): MqttMessage[] {
    const targets: DeviceRecord[] = [];
    if (payload) {
      const { device, entities } = this.describe(payload);
      const known = this.devices.get(device.id);
      const extra = (known?.entities ?? []).filter((k) => !entities.some((e) => e.key === k.key));
      targets.push({ device, entities: [...entities, ...extra], state: {} });
    } else if (label !== null) {
      targets.push(...[...this.devices.values()].filter((r) => r.device.label === label));
    } else {
      targets.push(...this.devices.values());
    }
    const messages: MqttMessage[] = [];
    for (const { device, entities } of targets) {
      messages.push(...entities.map((e) => retained(configTopic(device, e, this.opts), '')));
      messages.push(retained(device.availabilityTopic, ''));
      this.devices.delete(device.id);
      this.announced.delete(device.id);
    }
    return messages;
  }
}
