// How fast a window is filling, from the samples taken since it last reset.

import { HOUR_MS, MINUTE_MS } from '../constants';
import { round1 } from '../format';
import type { Pace, UsageSample } from '../types';

/** Samples closer together than this say nothing about a rate. */
const MIN_SPAN_MS = MINUTE_MS;
/** resetsAt values within this of each other describe the same window. */
const SAME_WINDOW_MS = MINUTE_MS;

function sameWindow(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return Math.abs(Date.parse(a) - Date.parse(b)) <= SAME_WINDOW_MS;
}

/** The newest run of samples that belong to the same window as the last one (oldest first). */
export function currentWindowSamples(samples: UsageSample[], windowId: string): UsageSample[] {
  const out: UsageSample[] = [];
  for (let i = samples.length - 1; i >= 0; i--) {
    const s = samples[i];
    const pct = s.pct[windowId];
    if (typeof pct !== 'number') break;
    const next = out[0];
    if (next) {
      if (!sameWindow(s.resetsAt?.[windowId], next.resetsAt?.[windowId])) break;
      if (pct > next.pct[windowId] + 1e-9) break; // usage never falls within a window: a reset happened in between
    }
    out.unshift(s);
  }
  return out;
}

export function computePace(samples: UsageSample[], windowId: string): Pace | null {
  const run = currentWindowSamples(samples, windowId);
  if (run.length < 2) return null;
  const first = run[0];
  const last = run[run.length - 1];
  const t0 = Date.parse(first.fetchedAt);
  const t1 = Date.parse(last.fetchedAt);
  if (!(t1 - t0 >= MIN_SPAN_MS)) return null;
  const pct = last.pct[windowId];
  const pctPerHour = ((pct - first.pct[windowId]) / (t1 - t0)) * HOUR_MS;
  const resetsAt = last.resetsAt?.[windowId] ?? null;
  const resetMs = resetsAt ? Date.parse(resetsAt) : NaN;
  const projectedPctAtReset = Number.isNaN(resetMs) ? null : round1(pct + pctPerHour * Math.max(0, (resetMs - t1) / HOUR_MS));
  let exhaustsAt: string | null = null;
  if (pct >= 100) exhaustsAt = last.fetchedAt;
  else if (pctPerHour > 0) exhaustsAt = new Date(t1 + ((100 - pct) / pctPerHour) * HOUR_MS).toISOString();
  return { pctPerHour: round1(pctPerHour), projectedPctAtReset, exhaustsAt };
}
