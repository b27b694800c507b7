// The output-1 payload: each window split by host, elsewhere and unknown, tokens and cost
// per 1 %, the closed windows kept and the ledger.
import { calibrationOf, hostTotals, windowStartOf } from './engine';
import type { ClosedWindow, InsightState, LedgerEntry, WindowId, WindowState } from './state';
import type { InsightSettings } from './settings';

export interface WindowReport {
  pct: number;
  resetsAt: string | null;
  windowStart: string | null;
  tokens: number;
  costUSD: number;
  tokensPerPct: number | null;
  costPerPct: number | null;
  byHost: Array<{ host: string; pct: number; tokens: number }>;
  elsewherePct: number;
  unknownPct: number;
}

export interface InsightPayload {
  account: string | null;
  at: string;
  windows: Record<WindowId, WindowReport | null>;
  calibration: Record<WindowId, ClosedWindow[]>;
  ledger: LedgerEntry[];
}

/** Rounding for shown figures only (the state keeps full precision): points to 0.001, money to 0.000001. */
const points = (n: number): number => Math.round(n * 1000) / 1000;
const money = (n: number): number => Math.round(n * 1e6) / 1e6;
const perPct = (n: number | null): number | null => (n === null ? null : Math.round(n * 10) / 10);
const moneyPerPct = (n: number | null): number | null => (n === null ? null : money(n));

function windowReport(id: WindowId, win: WindowState, settings: InsightSettings): WindowReport {
  const hosts = hostTotals(win);
  const { tokensPerPct, costPerPct } = calibrationOf(win, settings);
  const byHost = hosts
    .map((h) => ({ host: h.host, pct: points(h.pct), tokens: h.tokens }))
    .sort((a, b) => b.pct - a.pct || b.tokens - a.tokens || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
  return {
    pct: win.pct,
    resetsAt: win.resetsAt,
    windowStart: windowStartOf(id, win.resetsAt),
    tokens: hosts.reduce((sum, h) => sum + h.tokens, 0),
    costUSD: money(hosts.reduce((sum, h) => sum + h.costUSD, 0)),
    tokensPerPct: perPct(tokensPerPct),
    costPerPct: moneyPerPct(costPerPct),
    byHost,
    elsewherePct: points(win.elsewherePct),
    unknownPct: points(win.unknownPct),
  };
}

/** The payload sent at `now` (epoch ms). */
export function buildReport(state: InsightState, settings: InsightSettings, now: number): InsightPayload {
  const closed = (list: ClosedWindow[]): ClosedWindow[] => list.map((c) => ({ ...c, tokensPerPct: perPct(c.tokensPerPct), costPerPct: moneyPerPct(c.costPerPct) }));
  return {
    account: state.account,
    at: new Date(now).toISOString(),
    windows: {
      session: state.windows.session ? windowReport('session', state.windows.session, settings) : null,
      weekly: state.windows.weekly ? windowReport('weekly', state.windows.weekly, settings) : null,
    },
    calibration: { session: closed(state.calibration.session), weekly: closed(state.calibration.weekly) },
    ledger: state.ledger.map((l) => ({ ...l })),
  };
}
