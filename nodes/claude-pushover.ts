// claude-pushover: delivers alerts as Pushover notifications.
import type { NodeAPI } from 'node-red';
import { choiceProp, registerChannelNode, textProp } from './lib/delivery/channel-node';
import { PUSHOVER_PRIORITIES, pushoverAdapter } from './lib/delivery/adapters/pushover';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-pushover',
    adapter: pushoverAdapter,
    credentials: ['token', 'user'],
    config: (props, creds) => ({
      token: creds.token,
      user: creds.user,
      device: textProp(props, 'device'),
      sound: textProp(props, 'sound'),
      priority: choiceProp(props, 'priority', PUSHOVER_PRIORITIES, 'auto'),
      apiUrl: textProp(props, 'apiUrl').trim() || 'https://api.pushover.net',
    }),
  });
};
