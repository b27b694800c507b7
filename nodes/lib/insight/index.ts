// One incoming message, start to finish, as claude-insight handles it. Pure: state in,
// state out, the wall clock passed in.
import type { Alert } from '../alert';
import type { Phrase } from '../phrase';
import { sampleTime } from '../threshold';
import { applyCounts, applyLimitReached, applyOfficial } from './engine';
import { readInput } from './input';
import { buildReport, type InsightPayload } from './report';
import type { InsightSettings } from './settings';
import { emptyState, restoreState, type InsightState } from './state';
import { alertFor } from './text';

export { parseSettings, type InsightProperties, type InsightSettings } from './settings';
export { emptyState, type InsightState } from './state';
export { buildReport, type InsightPayload } from './report';
export { describeInsight, type InsightStatus } from './status';

export interface Step {
  state: InsightState;
  /** Output 1, or null when this message sends none. */
  report: InsightPayload | null;
  /** Output 2. */
  alerts: Alert[];
  /** Problems with the input, each one a warning for the node to word. */
  problems: Phrase[];
  /** An official sample of another account, ignored: its name. */
  otherAccount: string | null;
  /** Whether the kept state changed. */
  changed: boolean;
}

export function step(state: InsightState, msg: { payload?: unknown; alert?: unknown; insight?: unknown }, settings: InsightSettings, now: number): Step {
  const asked = msg.insight === true;
  const result = (next: InsightState, changed: boolean, extra: Partial<Step> = {}): Step => ({
    state: next,
    report: asked ? buildReport(next, settings, now) : null,
    alerts: [],
    problems: [],
    otherAccount: null,
    changed,
    ...extra,
  });
  const reading = readInput(msg);
  switch (reading.kind) {
    case 'bad':
      return result(state, false, { problems: asked ? [] : reading.problems });
    case 'other-alert':
      return result(state, false);
    case 'limit': {
      const at = reading.entry.at ?? new Date(now).toISOString();
      const next = applyLimitReached(state, { ...reading.entry, at });
      return result(next, true, { report: buildReport(next, settings, now) });
    }
    case 'counts': {
      const next = applyCounts(state, reading.counts, now);
      return result(next, reading.counts.length > 0, { problems: reading.problems });
    }
    case 'official': {
      const followed = state.account ?? (settings.account || reading.account);
      if (reading.account !== followed) return result(state, false, { problems: reading.problems, otherAccount: reading.account });
      const at = sampleTime(reading.fetchedAt, now);
      const applied = applyOfficial(state.account === followed ? state : { ...state, account: followed }, reading.samples, settings, at);
      return {
        state: applied.state,
        report: buildReport(applied.state, settings, now),
        alerts: applied.events.map((e) => alertFor(e, followed)),
        problems: reading.problems,
        otherAccount: null,
        changed: true,
      };
    }
  }
}

/**
 * The state to start from, given what the context store held: a damaged value, or one kept
 * for another account than the configured one, starts fresh (with the reason).
 */
export function startState(stored: unknown, settings: InsightSettings): { state: InsightState; problem: Phrase | null; note: Phrase | null } {
  const fresh = emptyState(settings.account || null);
  if (stored === undefined || stored === null) return { state: fresh, problem: null, note: null };
  const restored = restoreState(stored, settings.windowsKept);
  if (!restored) return { state: fresh, problem: { key: 'warn.stateDamaged' }, note: null };
  if (settings.account && restored.account !== null && restored.account !== settings.account) {
    return { state: fresh, problem: null, note: { key: 'log.otherAccountState', vars: { kept: restored.account, account: settings.account } } };
  }
  return { state: restored, problem: null, note: null };
}
