// Node context as promises. The callback forms work with every context store, including
// persistent ones that load asynchronously (localfilesystem without a cache).

import type { NodeContextData } from 'node-red';

export function contextGet(context: NodeContextData, key: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    context.get(key, (err: Error | undefined, value: unknown) => (err ? reject(err) : resolve(value)));
  });
}

export function contextSet(context: NodeContextData, key: string, value: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    context.set(key, value, (err?: Error) => (err ? reject(err) : resolve()));
  });
}
