// claude-code-usage in demo mode: the simulated machine's requests as usage entries, for the
// same report and alerts as real logs, with no files.

import { demoRequests } from './demo';
import type { LimitLine, UsageEntry } from './entries';
import type { Pricer } from './pricing';
import { DAY_MS } from '../constants';

/** How far back a demo machine's history reaches: more than a billing period. */
export const DEMO_HISTORY_MS = 35 * DAY_MS;

export class DemoFeed {
  readonly limitLines: LimitLine[] = [];
  private readonly list: UsageEntry[] = [];
  private until: number;

  constructor(
    private readonly host: string,
    private readonly pricer: Pricer,
    /** when the demo began: its live session is around this time */
    private readonly anchor: number,
  ) {
    this.until = anchor - DEMO_HISTORY_MS;
  }

  /** Takes the requests made up to `now`; true when there were new ones. */
  advance(now: number): boolean {
    if (now <= this.until) return false;
    const fresh = demoRequests(this.host, this.until, now, this.anchor);
    this.until = now;
    for (const r of fresh) {
      const tokens = { input: r.input, output: r.output, cacheWrite: r.cacheWrite, cacheWrite1h: 0, cacheRead: r.cacheRead };
      this.list.push({ t: r.t, model: r.model, ...tokens, costUSD: this.pricer.cost(r.model, tokens, r.t), sidechain: false, messageId: null });
    }
    const horizon = now - DEMO_HISTORY_MS;
    let old = 0;
    while (old < this.list.length && this.list[old].t < horizon) old++;
    if (old) this.list.splice(0, old);
    return fresh.length > 0;
  }

  /** The entries by time (the simulation makes them in order). */
  sorted(): UsageEntry[] {
    return this.list;
  }
}
