// claude-ntfy: delivers alerts to an ntfy topic (ntfy.sh or self-hosted).
import type { NodeAPI } from 'node-red';
import { registerChannelNode, textProp } from './lib/delivery/channel-node';
import { ntfyAdapter } from './lib/delivery/adapters/ntfy';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-ntfy',
    adapter: ntfyAdapter,
    credentials: ['token'],
    config: (props, creds) => ({
      token: creds.token,
      server: textProp(props, 'server').trim() || 'https://ntfy.sh',
      topic: textProp(props, 'topic'),
      tags: textProp(props, 'tags'),
    }),
  });
};
