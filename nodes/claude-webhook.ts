// claude-webhook: delivers alerts to any HTTP endpoint (Slack, n8n, Home Assistant, …).
import type { NodeAPI } from 'node-red';
import { choiceProp, registerChannelNode, textProp } from './lib/delivery/channel-node';
import { WEBHOOK_METHODS, webhookAdapter } from './lib/delivery/adapters/webhook';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-webhook',
    adapter: webhookAdapter,
    credentials: ['url'],
    config: (props, creds) => ({
      url: creds.url,
      method: choiceProp(props, 'method', WEBHOOK_METHODS, 'POST'),
      headers: textProp(props, 'headers'),
      template: textProp(props, 'template'),
    }),
  });
};
