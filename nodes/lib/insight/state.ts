// What claude-insight keeps: plain JSON (arrays for everything keyed by text from outside,
// so a host named `__proto__` is an ordinary value), checked with zod when read back.
import { z } from 'zod';

export const WINDOW_IDS = ['session', 'weekly'] as const;
export type WindowId = (typeof WINDOW_IDS)[number];

/** Tokens and cost a host's counter gained, from one source. */
export interface SourceGain {
  source: string;
  host: string;
  tokens: number;
  costUSD: number;
}

/** What one host spent in a window: the points attributed to it and every token it counted. */
export interface HostShare {
  host: string;
  pct: number;
  tokens: number;
  costUSD: number;
}

export interface WindowState {
  /** The window's last official sample. */
  pct: number;
  resetsAt: string | null;
  /** Whether any source had counted when that sample came (a rise since an earlier sample is `unknown`). */
  counted: boolean;
  unknownPct: number;
  elsewherePct: number;
  /** The rises split over hosts, for tokens and cost per 1 %. */
  attributed: { pct: number; tokens: number; costUSD: number };
  hosts: HostShare[];
  /** Gains since the window's previous rise, up to its last sample: they wait for the next rise. */
  waiting: SourceGain[];
  /** Gains since the window's last sample (belong to no window when the next sample shows a reset). */
  fresh: SourceGain[];
  alerted: { elsewhere: boolean; capChanged: boolean; limitHit: boolean };
}

export interface ClosedWindow {
  windowStart: string | null;
  windowEnd: string | null;
  pct: number;
  tokens: number;
  tokensPerPct: number | null;
  costPerPct: number | null;
}

export interface LedgerEntry {
  at: string;
  limit: string | null;
  resetsAt: string | null;
  source: string | null;
}

/** A host's counter as one source last reported it. */
export interface Counter {
  source: string;
  host: string;
  tokens: number;
  costUSD: number;
  /** When it last reported (epoch ms), to drop the stalest when there are too many. */
  seenAt: number;
}

export interface InsightState {
  version: 1;
  /** The account followed (the configured one, or the first seen). */
  account: string | null;
  /** Whether any source has counted yet. */
  counted: boolean;
  counters: Counter[];
  windows: Record<WindowId, WindowState | null>;
  /** Closed windows, oldest first. */
  calibration: Record<WindowId, ClosedWindow[]>;
  ledger: LedgerEntry[];
}

export const LEDGER_KEPT = 50;
/** Host counters kept (source × host); the stalest goes when a new one would pass this. */
export const MAX_COUNTERS = 256;

export function emptyState(account: string | null = null): InsightState {
  return {
    version: 1,
    account,
    counted: false,
    counters: [],
    windows: { session: null, weekly: null },
    calibration: { session: [], weekly: [] },
    ledger: [],
  };
}

const amount = z.number().min(0);
const text = z.string().max(1000);
const gain = z.object({ source: text, host: text, tokens: amount, costUSD: amount });
const windowSchema = z.object({
  pct: amount,
  resetsAt: text.nullable(),
  counted: z.boolean(),
  unknownPct: amount,
  elsewherePct: amount,
  attributed: z.object({ pct: amount, tokens: amount, costUSD: amount }),
  hosts: z.array(z.object({ host: text, pct: amount, tokens: amount, costUSD: amount })).max(MAX_COUNTERS),
  waiting: z.array(gain).max(MAX_COUNTERS),
  fresh: z.array(gain).max(MAX_COUNTERS),
  alerted: z.object({ elsewhere: z.boolean(), capChanged: z.boolean(), limitHit: z.boolean() }),
});
const closedSchema = z.object({
  windowStart: text.nullable(),
  windowEnd: text.nullable(),
  pct: amount,
  tokens: amount,
  tokensPerPct: amount.nullable(),
  costPerPct: amount.nullable(),
});
const ledgerSchema = z.object({ at: text, limit: text.nullable(), resetsAt: text.nullable(), source: text.nullable() });
const stateSchema = z.object({
  version: z.literal(1),
  account: text.nullable(),
  counted: z.boolean(),
  counters: z.array(gain.extend({ seenAt: z.number() })).max(MAX_COUNTERS),
  windows: z.object({ session: windowSchema.nullable(), weekly: windowSchema.nullable() }),
  calibration: z.object({ session: z.array(closedSchema), weekly: z.array(closedSchema) }),
  ledger: z.array(ledgerSchema),
});

/**
 * The kept state read back from a context store, trimmed to the current bounds; null when
 * it is missing, damaged or not ours.
 */
export function restoreState(value: unknown, windowsKept: number): InsightState | null {
  const parsed = stateSchema.safeParse(value);
  if (!parsed.success) return null;
  const state = parsed.data as InsightState;
  for (const id of WINDOW_IDS) state.calibration[id] = keepLast(state.calibration[id], windowsKept);
  state.ledger = keepLast(state.ledger, LEDGER_KEPT);
  return state;
}

/** The last `n` entries (none for n = 0). */
export function keepLast<T>(list: T[], n: number): T[] {
  return n > 0 ? list.slice(-n) : [];
}
