// When a node may start sending on its own.

import type { Node, NodeAPI, NodeMessage, NodeMessageInFlow } from 'node-red';
import { migrateConfig } from './config-version';
import type { Translate } from './phrase';

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

type Send = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;

/**
 * Handles a node's input messages one at a time, in arrival order, once `ready` has
 * settled (a node's kept state loading, say). Each message is `done` when its handling
 * ends, with the error it failed with; the node's close waits for the handling under way.
 */
export function handleInOrder<M extends NodeMessageInFlow>(node: Node, ready: Promise<unknown>, handle: (msg: M, send: Send) => Promise<void>): void {
  let queue: Promise<unknown> = ready.catch(() => undefined);
  node.on('input', (msg, send, done) => {
    queue = queue.then(() => handle(msg as M, send)).then(
      () => done(),
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  });
  node.on('close', (done: () => void) => {
    void queue.finally(done);
  });
}

/**
 * The node's config brought to this release's shape (see config-version); a newer one is used
 * as it is, with a warning worded by `_` from `<catalog>.warn.newerConfig` (the node's own
 * catalog unless its node set shares one).
 */
export function currentConfig<T extends object>(node: Node, type: string, config: T, _: Translate, catalog = type): T & { version: number } {
  const migrated = migrateConfig(type, config);
  if (migrated.newer) node.warn(_(`${catalog}.warn.newerConfig`, { version: migrated.from }));
  return migrated.config;
}
