// The insight engine: joins the official percentages of one account with the token
// counters of its machines. Pure: state in, state out, the clock passed in.
//
// Rules:
// - A host's first count is its baseline; a counter that falls takes its new value as a
//   new baseline. Counters are kept per source × host; for one host the larger rise of its
//   sources counts, never the sum.
// - Per window, a sample's rise is its pct less the previous sample's (a fall is 0). The
//   tokens gained since the window's previous rise are split over that rise; with none it is
//   `elsewhere`; when the previous sample came before any source had counted it is `unknown`,
//   and so is the pct of a window's first sample.
// - A window reset (as claude-threshold sees one) closes the window; tokens gained between
//   its last sample and the sample that shows the reset belong to neither window.
import { SESSION_WINDOW_MS, WEEK_WINDOW_MS } from '../constants';
import { isWindowReset } from '../threshold/engine';
import {
  keepLast,
  LEDGER_KEPT,
  MAX_COUNTERS,
  WINDOW_IDS,
  type ClosedWindow,
  type HostShare,
  type InsightState,
  type LedgerEntry,
  type SourceGain,
  type WindowId,
  type WindowState,
} from './state';
import type { InsightSettings } from './settings';

export const WINDOW_MS: Record<WindowId, number> = { session: SESSION_WINDOW_MS, weekly: WEEK_WINDOW_MS };

export interface OfficialSample {
  id: WindowId;
  pct: number;
  resetsAt: string | null;
}

export interface Count {
  source: string;
  host: string;
  tokens: number;
  costUSD: number;
}

export type EventKind = 'usage-elsewhere' | 'cap-changed' | 'limit-hit';

/** Something the node turns into an output-2 alert. */
export interface InsightEvent {
  kind: EventKind;
  window: WindowId;
  pct: number;
  resetsAt: string | null;
  elsewherePct: number;
  tokensPerPct: number | null;
  /** cap-changed: the median tokens per 1 % of the kept windows, and how many had one. */
  median: number | null;
  medianOf: number;
  /** epoch ms: the sample's time. */
  at: number;
}

function clone(state: InsightState): InsightState {
  return structuredClone(state);
}

function freshWindow(sample: OfficialSample, counted: boolean): WindowState {
  return {
    pct: sample.pct,
    resetsAt: sample.resetsAt,
    counted,
    unknownPct: sample.pct,
    elsewherePct: 0,
    attributed: { pct: 0, tokens: 0, costUSD: 0 },
    hosts: [],
    waiting: [],
    fresh: [],
    alerted: { elsewhere: false, capChanged: false, limitHit: false },
  };
}

function addGain(list: SourceGain[], g: SourceGain): void {
  const hit = list.find((x) => x.source === g.source && x.host === g.host);
  if (hit) {
    hit.tokens += g.tokens;
    hit.costUSD += g.costUSD;
  } else list.push({ ...g });
}

/** Per host, the gain of the source that counted the most tokens (ties: the first). */
function perHost(gains: readonly SourceGain[]): Map<string, { tokens: number; costUSD: number }> {
  const out = new Map<string, { tokens: number; costUSD: number }>();
  for (const g of gains) {
    const best = out.get(g.host);
    if (!best || g.tokens > best.tokens) out.set(g.host, { tokens: g.tokens, costUSD: g.costUSD });
  }
  return out;
}

function share(win: WindowState, host: string): HostShare {
  let s = win.hosts.find((h) => h.host === host);
  if (!s) {
    s = { host, pct: 0, tokens: 0, costUSD: 0 };
    win.hosts.push(s);
  }
  return s;
}

/**
 * A host's counters: the first count is a baseline, a fall a new baseline, a rise a gain
 * that every open window receives.
 */
export function applyCounts(state: InsightState, counts: readonly Count[], now: number): InsightState {
  const next = clone(state);
  for (const c of counts) {
    next.counted = true;
    const counter = next.counters.find((x) => x.source === c.source && x.host === c.host);
    if (!counter) {
      if (next.counters.length >= MAX_COUNTERS) {
        next.counters.sort((a, b) => a.seenAt - b.seenAt);
        next.counters.shift();
      }
      next.counters.push({ ...c, seenAt: now });
      continue;
    }
    if (c.tokens > counter.tokens) {
      const gain: SourceGain = { source: c.source, host: c.host, tokens: c.tokens - counter.tokens, costUSD: Math.max(0, c.costUSD - counter.costUSD) };
      for (const id of WINDOW_IDS) {
        const win = next.windows[id];
        if (win) addGain(win.fresh, gain);
      }
    }
    counter.tokens = c.tokens;
    counter.costUSD = c.costUSD;
    counter.seenAt = now;
  }
  return next;
}

/** Tokens and cost per 1 % of the attributed rises, once they reach `minCalibrationPct`. */
export function calibrationOf(win: WindowState, settings: InsightSettings): { tokensPerPct: number | null; costPerPct: number | null } {
  const { pct, tokens, costUSD } = win.attributed;
  if (pct <= 0 || pct < settings.minCalibrationPct) return { tokensPerPct: null, costPerPct: null };
  return { tokensPerPct: tokens / pct, costPerPct: costUSD / pct };
}

export function windowStartOf(id: WindowId, resetsAt: string | null): string | null {
  const end = resetsAt === null ? Number.NaN : Date.parse(resetsAt);
  return Number.isNaN(end) ? null : new Date(end - WINDOW_MS[id]).toISOString();
}

/** Every host's part of a window: attributed points, and tokens and cost including those still waiting. */
export function hostTotals(win: WindowState, withFresh = true): HostShare[] {
  const pending = perHost(withFresh ? sumGains(win.waiting, win.fresh) : win.waiting);
  const out = new Map<string, HostShare>();
  for (const h of win.hosts) out.set(h.host, { ...h });
  for (const [host, g] of pending) {
    const s = out.get(host) ?? { host, pct: 0, tokens: 0, costUSD: 0 };
    s.tokens += g.tokens;
    s.costUSD += g.costUSD;
    out.set(host, s);
  }
  return [...out.values()];
}

function sumGains(a: readonly SourceGain[], b: readonly SourceGain[]): SourceGain[] {
  const out: SourceGain[] = [];
  for (const g of [...a, ...b]) addGain(out, g);
  return out;
}

function closeWindow(id: WindowId, win: WindowState, settings: InsightSettings): ClosedWindow {
  const { tokensPerPct, costPerPct } = calibrationOf(win, settings);
  return {
    windowStart: windowStartOf(id, win.resetsAt),
    windowEnd: win.resetsAt,
    pct: win.pct,
    tokens: hostTotals(win, false).reduce((sum, h) => sum + h.tokens, 0),
    tokensPerPct,
    costPerPct,
  };
}

/** A rise of `delta` points: split over the waiting tokens, else elsewhere; unknown when no source had counted. */
function attributeRise(win: WindowState, delta: number): void {
  const pending = perHost(win.waiting);
  win.waiting = [];
  if (!win.counted) {
    win.unknownPct += delta;
    for (const [host, g] of pending) {
      const s = share(win, host);
      s.tokens += g.tokens;
      s.costUSD += g.costUSD;
    }
    return;
  }
  let total = 0;
  for (const g of pending.values()) total += g.tokens;
  if (total <= 0) {
    win.elsewherePct += delta;
    return;
  }
  for (const [host, g] of pending) {
    const s = share(win, host);
    s.pct += (delta * g.tokens) / total;
    s.tokens += g.tokens;
    s.costUSD += g.costUSD;
    win.attributed.tokens += g.tokens;
    win.attributed.costUSD += g.costUSD;
  }
  win.attributed.pct += delta;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Kept windows with a figure needed before the median says anything. */
export const MIN_WINDOWS_FOR_MEDIAN = 3;

function eventsFor(state: InsightState, id: WindowId, settings: InsightSettings, at: number): { events: InsightEvent[]; ledger: LedgerEntry[] } {
  const win = state.windows[id] as WindowState;
  const events: InsightEvent[] = [];
  const ledger: LedgerEntry[] = [];
  const { tokensPerPct } = calibrationOf(win, settings);
  const event = (kind: EventKind, extra: Partial<InsightEvent> = {}): InsightEvent => ({
    kind,
    window: id,
    pct: win.pct,
    resetsAt: win.resetsAt,
    elsewherePct: win.elsewherePct,
    tokensPerPct,
    median: null,
    medianOf: 0,
    at,
    ...extra,
  });

  if (win.pct >= 100 && !win.alerted.limitHit) {
    win.alerted.limitHit = true;
    ledger.push({ at: new Date(at).toISOString(), limit: id, resetsAt: win.resetsAt, source: 'official' });
    events.push(event('limit-hit'));
  }
  if (settings.elsewherePct > 0 && win.elsewherePct >= settings.elsewherePct && !win.alerted.elsewhere) {
    win.alerted.elsewhere = true;
    events.push(event('usage-elsewhere'));
  }
  if (tokensPerPct !== null && !win.alerted.capChanged) {
    const figures = state.calibration[id].map((c) => c.tokensPerPct).filter((v): v is number => v !== null);
    const mid = figures.length >= MIN_WINDOWS_FOR_MEDIAN ? median(figures) : null;
    if (mid !== null && mid > 0 && Math.abs(tokensPerPct - mid) > (settings.capChangePct / 100) * mid) {
      win.alerted.capChanged = true;
      events.push(event('cap-changed', { median: mid, medianOf: figures.length }));
    }
  }
  return { events, ledger };
}

/**
 * One official sample of the followed account (`at` is its time, epoch ms): rises split,
 * windows closed on a reset, and the events it gives.
 */
export function applyOfficial(state: InsightState, samples: readonly OfficialSample[], settings: InsightSettings, at: number): { state: InsightState; events: InsightEvent[] } {
  const next = clone(state);
  const events: InsightEvent[] = [];
  for (const sample of samples) {
    const prev = next.windows[sample.id];
    if (!prev) {
      next.windows[sample.id] = freshWindow(sample, next.counted);
    } else if (isWindowReset(prev, sample)) {
      next.calibration[sample.id] = keepLast([...next.calibration[sample.id], closeWindow(sample.id, prev, settings)], settings.windowsKept);
      next.windows[sample.id] = freshWindow(sample, next.counted);
    } else {
      for (const g of prev.fresh) addGain(prev.waiting, g);
      prev.fresh = [];
      const delta = sample.pct - prev.pct;
      if (delta > 0) attributeRise(prev, delta);
      prev.pct = sample.pct;
      prev.resetsAt = sample.resetsAt;
      prev.counted = next.counted;
    }
    const step = eventsFor(next, sample.id, settings, at);
    events.push(...step.events);
    next.ledger = keepLast([...next.ledger, ...step.ledger], LEDGER_KEPT);
  }
  return { state: next, events };
}

/** A `limit-reached` alert passed in: one ledger entry. */
export function applyLimitReached(state: InsightState, entry: LedgerEntry): InsightState {
  const next = clone(state);
  next.ledger = keepLast([...next.ledger, entry], LEDGER_KEPT);
  return next;
}
