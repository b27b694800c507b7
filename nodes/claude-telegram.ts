// claude-telegram: delivers alerts to a Telegram chat through a bot.
import type { NodeAPI } from 'node-red';
import { registerChannelNode, textProp } from './lib/delivery/channel-node';
import { telegramAdapter } from './lib/delivery/adapters/telegram';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-telegram',
    adapter: telegramAdapter,
    credentials: ['botToken'],
    config: (props, creds) => ({
      botToken: creds.botToken,
      chatId: textProp(props, 'chatId'),
      apiUrl: textProp(props, 'apiUrl').trim() || 'https://api.telegram.org',
    }),
  });
};
