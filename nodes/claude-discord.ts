// claude-discord: delivers alerts to a Discord channel through a webhook.
import type { NodeAPI } from 'node-red';
import { registerChannelNode, textProp } from './lib/delivery/channel-node';
import { discordAdapter } from './lib/delivery/adapters/discord';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-discord',
    adapter: discordAdapter,
    credentials: ['url'],
    config: (props, creds) => ({ url: creds.url, username: textProp(props, 'username') }),
  });
};
