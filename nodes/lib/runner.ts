// One job at a time, with requests coalesced: what polls and scans are run through.

/**
 * Runs a job one at a time. A request made while a run is under way is served by the next
 * run, and every request made before that run starts joins it, so a burst of requests makes
 * one run, not one each. A run gets the waiters of the requests it serves (none for a run a
 * timer asked for). The job should handle its own failures; what it throws goes to `onError`
 * and the runner goes on.
 */
export class CoalescingRunner<W> {
  private chain: Promise<void> = Promise.resolve();
  /** The waiters of the run asked for but not started yet. */
  private next: W[] | null = null;
  /** Runs asked for and not ended yet. */
  private unfinished = 0;

  constructor(
    private readonly job: (batch: W[]) => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /** Asks for a run; `waiter` (an input message, say) is served by it. */
  request(waiter?: W): void {
    if (this.next) {
      if (waiter !== undefined) this.next.push(waiter);
      return;
    }
    const batch: W[] = waiter === undefined ? [] : [waiter];
    this.next = batch;
    this.unfinished++;
    this.chain = this.chain
      .then(() => {
        if (this.next === batch) this.next = null;
        return this.job(batch);
      })
      .catch((err: unknown) => {
        try {
          this.onError(err);
        } catch {
          // telling of a failure failed too: the next run must still come
        }
      })
      .finally(() => {
        this.unfinished--;
      });
  }

  /** True while a run is under way or asked for (a timer's request can then wait its turn). */
  get busy(): boolean {
    return this.unfinished > 0;
  }

  /** The waiters of the run not started yet, taken out of it (a closing node answers them). */
  takeWaiting(): W[] {
    if (!this.next) return [];
    const waiting = [...this.next];
    this.next.length = 0;
    return waiting;
  }

  /** Resolves when every run asked for so far has ended. */
  settled(): Promise<void> {
    return this.chain;
  }
}
