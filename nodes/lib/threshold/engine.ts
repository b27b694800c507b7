// The threshold engine: pure, clock injected. State is plain JSON with absolute
// times (epoch ms) so it can live in a persistent Node-RED context store and
// give the same decisions after a restart.
import { z } from 'zod';
import { MINUTE_MS } from '../constants';
import type { ThresholdSettings, WindowKind } from './settings';
import type { WindowSample } from './input';

export interface ThresholdState {
  armed: boolean;
  /** When it last fired (or counted as fired), epoch ms; null = never since the window's last reset. */
  lastFiredAt: number | null;
}

export interface WindowState {
  /** The previous good sample, for reset detection. */
  pct: number;
  resetsAt: string | null;
  firedSinceReset: boolean;
  paceAlerted: boolean;
  /** Keyed by the threshold as text ("90"). */
  thresholds: Record<string, ThresholdState>;
}

/** Window states by window id (`session`, `weekly`, `weekly:opus`, `extra`). */
export type AccountState = Record<string, WindowState>;

export interface EngineState {
  version: 1;
  accounts: Record<string, AccountState>;
}

export type DecisionKind = 'threshold' | 'reset' | 'pace';

export interface Decision {
  kind: DecisionKind;
  account: string;
  window: WindowSample;
  /** The threshold that fired (kind `threshold`), else null. */
  threshold: number | null;
  /** The highest configured threshold of the window, or usage at or above 100 %. */
  critical: boolean;
  at: number;
}

/** `resetsAt` moving later by more than this is a new window, not jitter. */
export const RESET_SHIFT_MS = MINUTE_MS;
/** A sample at or below this after a higher one is a fresh window. */
export const RESET_PCT = 1;

export function emptyState(): EngineState {
  return { version: 1, accounts: {} };
}

/** State without `account` (or without every account when it is empty). */
export function clearAccount(state: EngineState, account: string): EngineState {
  if (!account) return emptyState();
  const accounts = { ...state.accounts };
  delete accounts[account];
  return { version: 1, accounts };
}

/** `record[key]` if it is the record's own entry: account names and limit ids come from messages. */
function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own property, even for a key like `__proto__` (plain assignment would set the prototype). */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

function thresholdsFor(kind: WindowKind, settings: ThresholdSettings): number[] {
  return settings.thresholds[kind];
}

function paceApplies(kind: WindowKind, settings: ThresholdSettings): boolean {
  return settings.pace && (kind === 'session' || kind === 'weekly');
}

function isTracked(sample: WindowSample, settings: ThresholdSettings): boolean {
  return thresholdsFor(sample.kind, settings).length > 0 || paceApplies(sample.kind, settings);
}

function timeOf(iso: string | null): number | null {
  if (iso === null) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Whether `sample` starts a new window after the previous sample `prev`. */
export function isWindowReset(prev: Pick<WindowState, 'pct' | 'resetsAt'>, sample: Pick<WindowSample, 'pct' | 'resetsAt'>): boolean {
  const before = timeOf(prev.resetsAt);
  const after = timeOf(sample.resetsAt);
  if (before !== null && after !== null && after - before > RESET_SHIFT_MS) return true;
  if (sample.pct <= RESET_PCT && prev.pct > sample.pct) return true;
  // The service reports an idle window as 0 % with no reset time.
  return sample.pct === 0 && sample.resetsAt === null && prev.resetsAt !== null;
}

function inCooldown(t: ThresholdState, now: number, settings: ThresholdSettings): boolean {
  return t.lastFiredAt !== null && now - t.lastFiredAt < settings.cooldownMs;
}

function freshWindow(sample: WindowSample): WindowState {
  return { pct: sample.pct, resetsAt: sample.resetsAt, firedSinceReset: false, paceAlerted: false, thresholds: {} };
}

function copyWindow(win: WindowState): WindowState {
  const thresholds: Record<string, ThresholdState> = {};
  for (const [value, t] of Object.entries(win.thresholds)) thresholds[value] = { ...t };
  return { ...win, thresholds };
}

function rearmAll(win: WindowState): void {
  for (const t of Object.values(win.thresholds)) {
    t.armed = true;
    t.lastFiredAt = null;
  }
  win.firedSinceReset = false;
  win.paceAlerted = false;
}

/** Keeps one record per configured threshold: new ones start armed, removed ones are dropped. */
function syncThresholds(win: WindowState, list: number[]): void {
  const kept: Record<string, ThresholdState> = {};
  for (const value of list) kept[String(value)] = win.thresholds[String(value)] ?? { armed: true, lastFiredAt: null };
  win.thresholds = kept;
}

function stepWindow(
  account: string,
  prev: WindowState | undefined,
  sample: WindowSample,
  settings: ThresholdSettings,
  now: number,
): { win: WindowState; decisions: Decision[] } {
  const decisions: Decision[] = [];
  const list = thresholdsFor(sample.kind, settings);
  const top = list.length > 0 ? list[list.length - 1] : null;
  const decide = (kind: DecisionKind, threshold: number | null): Decision => ({
    kind,
    account,
    window: sample,
    threshold,
    critical: kind === 'threshold' && (sample.pct >= 100 || threshold === top),
    at: now,
  });

  const win = prev ? copyWindow(prev) : freshWindow(sample);
  if (prev && isWindowReset(prev, sample)) {
    if (settings.notifyReset && prev.firedSinceReset) decisions.push(decide('reset', null));
    rearmAll(win);
  }
  syncThresholds(win, list);

  for (const value of list) {
    const t = win.thresholds[String(value)];
    if (!t.armed && sample.pct < value - settings.rearmPct) t.armed = true;
  }

  const crossed = list.filter((value) => sample.pct >= value);
  const ready = crossed.filter((value) => {
    const t = win.thresholds[String(value)];
    return t.armed && !inCooldown(t, now, settings);
  });
  if (ready.length > 0) {
    const fired = ready[ready.length - 1];
    decisions.push(decide('threshold', fired));
    for (const value of crossed) {
      if (value > fired) continue;
      win.thresholds[String(value)] = { armed: false, lastFiredAt: now };
    }
    win.firedSinceReset = true;
  }

  if (paceApplies(sample.kind, settings) && !win.paceAlerted) {
    const exhausts = timeOf(sample.exhaustsAt);
    const resets = timeOf(sample.resetsAt);
    if (exhausts !== null && resets !== null && exhausts < resets) {
      decisions.push(decide('pace', null));
      win.paceAlerted = true;
    }
  }

  win.pct = sample.pct;
  win.resetsAt = sample.resetsAt;
  return { win, decisions };
}

/**
 * One usage sample of one account: the decisions it gives (in window order, per
 * window reset → threshold → pace) and the next state. `state` is not modified.
 */
export function evaluate(
  state: EngineState,
  account: string,
  windows: WindowSample[],
  settings: ThresholdSettings,
  now: number,
): { state: EngineState; decisions: Decision[] } {
  const before = own(state.accounts, account) ?? {};
  const after: AccountState = { ...before };
  const decisions: Decision[] = [];
  for (const sample of windows) {
    if (!isTracked(sample, settings)) continue;
    const step = stepWindow(account, own(before, sample.id), sample, settings, now);
    setOwn(after, sample.id, step.win);
    decisions.push(...step.decisions);
  }
  return { state: { version: 1, accounts: { ...state.accounts, [account]: after } }, decisions };
}

const ThresholdStateSchema = z.object({ armed: z.boolean(), lastFiredAt: z.number().nullable() });
const WindowStateSchema = z.object({
  pct: z.number(),
  resetsAt: z.string().nullable(),
  firedSinceReset: z.boolean(),
  paceAlerted: z.boolean(),
  thresholds: z.record(z.string(), ThresholdStateSchema),
});
const EngineStateSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string(), z.record(z.string(), WindowStateSchema)),
});

/** State read back from a context store, or null when it is missing or not ours. */
export function restoreState(value: unknown): EngineState | null {
  // The checked input itself, not zod's copy: zod rebuilds records by assignment, which
  // would turn an own `__proto__` key (a limit id or account name) into a prototype.
  return EngineStateSchema.safeParse(value).success ? (value as EngineState) : null;
}
