// claude-channels: the node set of every channel node (claude-discord, claude-webhook, …),
// one node type per entry of the channels table.
import type { NodeAPI } from 'node-red';
import { registerChannelNode } from './lib/delivery/channel-node';
import { CHANNELS } from './lib/delivery/channels';

export = function (RED: NodeAPI) {
  for (const spec of CHANNELS) registerChannelNode(RED, spec);
};
