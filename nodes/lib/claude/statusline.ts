// The state of a claude-statusline node: the windows last reported (from any machine), what the
// newest report said about its Claude Code session, and the claude-usage-shaped payload built
// from them. Pure: the node passes the clock in.

import { z } from 'zod';
import { SESSION_WINDOW_MS, WEEK_WINDOW_MS } from '../constants';
import { minutesUntil } from '../format';
import { STATUSLINE_WINDOWS, type StatuslineReport, type StatuslineWindow, type StatuslineWindowId } from '../schemas/statusline';
import type { Pace, UsageLimit, UsagePayload, UsageSample, UsageWindow } from '../types';
import { computePace } from './pace';
import { sampleOf } from './payload';

/** What `payload.claudeCode` says: the newest report's machine and session. */
export interface ClaudeCodeInfo {
  host: string;
  sessionId: string | null;
  model: string | null;
  version: string | null;
  sessionCostUSD: number | null;
  contextPct: number | null;
}

export interface KeptWindow extends StatuslineWindow {
  /** When the report that carried this figure arrived (ISO). */
  reportedAt: string;
}

/** Everything the node keeps between reports (and in context across restarts). */
export interface KeptStatusline {
  /** When the newest report arrived (ISO). */
  receivedAt: string;
  windows: Partial<Record<StatuslineWindowId, KeptWindow>>;
  claudeCode: ClaudeCodeInfo;
}

export interface StatuslineLimit extends UsageLimit {
  severity: null;
  active: null;
  lockedReason: null;
}

/** claude-usage's output-1 payload as the status line fills it. */
export interface StatuslinePayload extends Omit<UsagePayload, 'limits'> {
  planTier: null;
  source: 'statusline';
  limits: StatuslineLimit[];
  breakdown: null;
  pools: [];
  claudeCode: ClaudeCodeInfo;
}

const WINDOW_INFO: Record<StatuslineWindowId, { label: string; lengthMs: number }> = {
  session: { label: '5-hour', lengthMs: SESSION_WINDOW_MS },
  weekly: { label: 'Weekly', lengthMs: WEEK_WINDOW_MS },
};

function isExpired(id: StatuslineWindowId, w: KeptWindow, nowMs: number): boolean {
  // A figure with no reset time holds for at most one window length after it was reported.
  const until = w.resetsAt ? Date.parse(w.resetsAt) : Date.parse(w.reportedAt) + WINDOW_INFO[id].lengthMs;
  return !(until > nowMs);
}

/** The kept windows whose figures still hold at `now`. */
export function dropExpired(kept: KeptStatusline, now: Date): KeptStatusline {
  const windows: KeptStatusline['windows'] = {};
  for (const { id } of STATUSLINE_WINDOWS) {
    const w = kept.windows[id];
    if (w && !isExpired(id, w, now.getTime())) windows[id] = w;
  }
  return { ...kept, windows };
}

/** When the next kept window stops holding (epoch ms), or null when none is kept. */
export function nextExpiry(kept: KeptStatusline | null): number | null {
  if (!kept) return null;
  let next: number | null = null;
  for (const { id } of STATUSLINE_WINDOWS) {
    const w = kept.windows[id];
    if (!w) continue;
    const until = w.resetsAt ? Date.parse(w.resetsAt) : Date.parse(w.reportedAt) + WINDOW_INFO[id].lengthMs;
    if (next === null || until < next) next = until;
  }
  return next;
}

/**
 * A report folded into the kept state: its windows replace the kept ones, a window it lacks
 * keeps its last figure while that still holds, and `claudeCode` becomes the report's.
 */
export function mergeReport(prev: KeptStatusline | null, report: StatuslineReport, host: string, now: Date): KeptStatusline {
  const receivedAt = now.toISOString();
  const windows: KeptStatusline['windows'] = prev ? dropExpired(prev, now).windows : {};
  for (const { id } of STATUSLINE_WINDOWS) {
    const w = report.windows[id];
    if (w) windows[id] = { pct: w.pct, resetsAt: w.resetsAt, reportedAt: receivedAt };
  }
  const { sessionId, model, version, sessionCostUSD, contextPct } = report;
  return { receivedAt, windows, claudeCode: { host, sessionId, model, version, sessionCostUSD, contextPct } };
}

/** What a message is sent for: each window's pct and resetsAt. Equal keys send nothing new. */
export function windowsKey(kept: KeptStatusline | null): string {
  if (!kept) return '';
  return STATUSLINE_WINDOWS.map(({ id }) => {
    const w = kept.windows[id];
    return w ? `${id}=${w.pct}@${w.resetsAt ?? ''}` : `${id}=-`;
  }).join(' ');
}

/** True when no window is kept. */
export function hasNoWindows(kept: KeptStatusline | null): boolean {
  return !kept || STATUSLINE_WINDOWS.every(({ id }) => !kept.windows[id]);
}

export interface StatuslinePayloadInput {
  account: string;
  kept: KeptStatusline;
  /** The samples kept before this payload (for pace). */
  samples: UsageSample[];
  now: Date;
}

/** The claude-usage-shaped payload of the kept state at `now`. */
export function statuslinePayload(input: StatuslinePayloadInput): StatuslinePayload {
  const { kept, now } = input;
  const limits: StatuslineLimit[] = [];
  const windowOf: Partial<Record<StatuslineWindowId, UsageWindow>> = {};
  for (const { id } of STATUSLINE_WINDOWS) {
    const w = kept.windows[id];
    if (!w) continue;
    const resetsInMinutes = minutesUntil(w.resetsAt, now);
    windowOf[id] = { pct: w.pct, resetsAt: w.resetsAt, resetsInMinutes };
    limits.push({ id, kind: id, label: WINDOW_INFO[id].label, pct: w.pct, resetsAt: w.resetsAt, resetsInMinutes, severity: null, active: null, lockedReason: null });
  }
  const fetchedAt = kept.receivedAt;
  const sample = sampleOf({ fetchedAt, limits });
  const last = input.samples[input.samples.length - 1];
  const samples = last && last.fetchedAt === fetchedAt ? [...input.samples.slice(0, -1), sample] : [...input.samples, sample];
  const pace = (id: StatuslineWindowId): Pace | null => (windowOf[id] ? computePace(samples, id) : null);
  return {
    account: input.account,
    organization: null,
    plan: null,
    planTier: null,
    source: 'statusline',
    fetchedAt,
    session: windowOf.session ?? null,
    weekly: windowOf.weekly ?? null,
    limits,
    extraUsage: null,
    breakdown: null,
    pools: [],
    pace: { session: pace('session'), weekly: pace('weekly') },
    cookie: null,
    claudeCode: { ...kept.claudeCode },
  };
}

// ---------------------------------------------------------------- kept in context

const isoTime = z.string().max(64).refine((s) => !Number.isNaN(Date.parse(s)), 'not a date');
const finite = z.number().finite();
const shortText = z.string().max(200).nullable();

const keptWindowSchema = z.object({ pct: finite.min(0), resetsAt: isoTime.nullable(), reportedAt: isoTime }).strict();

const keptSchema = z
  .object({
    receivedAt: isoTime,
    windows: z.object({ session: keptWindowSchema.optional(), weekly: keptWindowSchema.optional() }).strict(),
    claudeCode: z
      .object({
        host: z.string().min(1).max(64),
        sessionId: shortText,
        model: shortText,
        version: shortText,
        sessionCostUSD: finite.nullable(),
        contextPct: finite.nullable(),
      })
      .strict(),
  })
  .strict();

const samplesSchema = z.array(
  z.object({
    fetchedAt: isoTime,
    pct: z.record(z.string(), finite).refine((r) => Object.keys(r).length <= 64, 'too many windows'),
    resetsAt: z.record(z.string(), isoTime.nullable()).optional(),
  }),
);

/** A kept state read back from context; null when it is damaged. */
export function restoreKept(value: unknown): KeptStatusline | null {
  const r = keptSchema.safeParse(value);
  return r.success ? (r.data as KeptStatusline) : null;
}

/** Kept samples read back from context (the newest `max`); null when they are damaged. */
export function restoreSamples(value: unknown, max: number): UsageSample[] | null {
  const r = samplesSchema.safeParse(value);
  return r.success ? r.data.slice(-max) : null;
}
