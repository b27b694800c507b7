// claude-matrix: delivers alerts to a Matrix room.
import type { NodeAPI } from 'node-red';
import { choiceProp, registerChannelNode, textProp } from './lib/delivery/channel-node';
import { MATRIX_MSGTYPES, matrixAdapter } from './lib/delivery/adapters/matrix';

export = function (RED: NodeAPI) {
  registerChannelNode(RED, {
    type: 'claude-matrix',
    adapter: matrixAdapter,
    credentials: ['accessToken'],
    config: (props, creds) => ({
      accessToken: creds.accessToken,
      homeserver: textProp(props, 'homeserver').trim(),
      room: textProp(props, 'room'),
      msgtype: choiceProp(props, 'msgtype', MATRIX_MSGTYPES, 'm.text'),
    }),
  });
};
