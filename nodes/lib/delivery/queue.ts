// One queue per destination: alerts to the same webhook / chat / room / topic are
// delivered one at a time, in the order they came, even while one is being retried.

export class QueueFullError extends Error {
  readonly code = 'QUEUE_FULL';
  constructor(readonly limit: number) {
    super(`${limit} alerts already waiting for this destination`);
    this.name = 'QueueFullError';
  }
}

export class DestinationQueues {
  private readonly tails = new Map<string, { tail: Promise<unknown>; waiting: number }>();

  constructor(private readonly limit = 100) {}

  /** Runs `task` after every earlier task for `key` has settled. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const entry = this.tails.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (entry.waiting >= this.limit) return Promise.reject(new QueueFullError(this.limit));
    entry.waiting++;
    const result = entry.tail.then(task);
    entry.tail = result.then(
      () => this.settle(key, entry),
      () => this.settle(key, entry),
    );
    this.tails.set(key, entry);
    return result;
  }

  /** Tasks queued or running for `key`. */
  pending(key: string): number {
    return this.tails.get(key)?.waiting ?? 0;
  }

  private settle(key: string, entry: { waiting: number }): void {
    entry.waiting--;
    if (entry.waiting === 0 && this.tails.get(key) === entry) this.tails.delete(key);
  }
}

/** Shared by every channel node in the runtime: two nodes posting to one webhook keep order too. */
export const destinationQueues = new DestinationQueues();
