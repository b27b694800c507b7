// When a node may start sending on its own.

import type { NodeAPI } from 'node-red';

/**
 * Runs `fn` once, when the flows being (re)started are all running. A message a node sends
 * while Node-RED is still creating the flow is lost if its target is listed later in the
 * flow file: that node does not exist yet. Returns the cancel function for the node's close.
 */
export function whenFlowsStarted(RED: NodeAPI, fn: () => void): () => void {
  const run = (): void => {
    cancel();
    fn();
  };
  const cancel = (): void => {
    RED.events.removeListener('flows:started', run);
  };
  RED.events.on('flows:started', run);
  return cancel;
}
