// claude-hass: claude-usage / claude-code-usage messages in, Home Assistant MQTT
// discovery configs and sensor states out, for a core `mqtt out` node.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { HassBridge, type BridgeMemory } from './lib/hass/bridge';
import { classifyMessage } from './lib/hass/inputs';
import type { HassOptions } from './lib/hass/discovery';
import { currentConfig } from './lib/lifecycle';

interface ClaudeHassDef extends NodeDef {
  prefix: string;
  baseTopic: string;
  devicePrefix: string;
}

const MEMORY_KEY = 'hass';

/** A topic root from the editor: trimmed, without leading or trailing '/', never with MQTT wildcards. */
function cleanTopic(value: unknown, fallback: string): string {
  const text = typeof value === 'string' ? value.trim().replace(/^\/+|\/+$/g, '') : '';
  return text && !/[+#]/.test(text) ? text : fallback;
}

function packageInfo(): { version?: string; homepage?: string } {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  } catch {
    return {};
  }
}

export = function (RED: NodeAPI) {
  const pkg = packageInfo();

  function ClaudeHassNode(this: Node, config: ClaudeHassDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-hass', config, RED._);
    const node = this;
    const options: HassOptions = {
      prefix: cleanTopic(config.prefix, 'homeassistant'),
      baseTopic: cleanTopic(config.baseTopic, 'claude-usage'),
      devicePrefix: typeof config.devicePrefix === 'string' ? config.devicePrefix.trim() : 'Claude',
      origin: { name: 'node-red-claude-usage', sw_version: pkg.version, support_url: pkg.homepage },
    };
    const context = node.context();
    let bridge: HassBridge;
    try {
      bridge = new HassBridge(options, context.get(MEMORY_KEY) as BridgeMemory | undefined);
    } catch {
      bridge = new HassBridge(options);
    }
    node.status({});

    node.on('input', (msg: NodeMessageInFlow, send, done) => {
      try {
        const input = classifyMessage(msg, options.prefix);
        if (input.kind === 'ignored') {
          if (!input.quiet) node.warn(RED._('claude-hass.warn.ignored', { reason: input.reason }));
          done();
          return;
        }
        const messages = bridge.handle(input);
        context.set(MEMORY_KEY, bridge.memory());
        if (messages.length > 0) send([messages.map((m) => ({ ...m, _msgid: RED.util.generateId() }))]);
        const { devices, sensors } = bridge.counts();
        const key = input.kind === 'remove' ? 'removed' : input.kind === 'birth' ? 'announced' : 'published';
        node.status({ fill: 'green', shape: 'dot', text: RED._(`claude-hass.status.${key}`, { devices, sensors }) });
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: RED._('claude-hass.status.failed') });
        done(err instanceof Error ? err : new Error(String(err)));
      }
    });
  }

  RED.nodes.registerType('claude-hass', ClaudeHassNode);
};
