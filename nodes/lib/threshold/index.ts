// One incoming message, start to finish, as the node handles it: read the payload,
// judge its windows, word the alerts. Pure: state in, state out.
import type { Phrase } from '../phrase';
import { MINUTE_MS } from '../constants';
import type { Alert } from '../alert';
import { evaluate, type EngineState } from './engine';
import { readUsage } from './input';
import type { ThresholdSettings } from './settings';
import { alertFor } from './text';

export { clearAccount, emptyState, restoreState, type EngineState } from './engine';
export { parseSettings, type ThresholdProperties, type ThresholdSettings } from './settings';
export { describeAccount, type AccountStatus } from './status';

/** Future `fetchedAt` values beyond this are distrusted (clock skew) in favour of the wall clock. */
const MAX_CLOCK_AHEAD_MS = MINUTE_MS;

/**
 * The engine's clock: the sample's measurement time, so cooldowns count between
 * measurements; the wall clock when the sample has none or claims a future time.
 */
export function sampleTime(fetchedAt: number | null, wallClock: number): number {
  return fetchedAt !== null && fetchedAt <= wallClock + MAX_CLOCK_AHEAD_MS ? fetchedAt : wallClock;
}

export interface Judgement {
  state: EngineState;
  alerts: Alert[];
  /** Problems with the input, each one a warning for the node to word. */
  problems: Phrase[];
  /** The account the payload was for; null when it was not usage at all (state unchanged). */
  account: string | null;
  now: number;
}

export function judge(state: EngineState, payload: unknown, settings: ThresholdSettings, wallClock: number): Judgement {
  const reading = readUsage(payload);
  if (reading.account === null) return { state, alerts: [], problems: reading.problems, account: null, now: wallClock };
  const now = sampleTime(reading.fetchedAt, wallClock);
  const step = evaluate(state, reading.account, reading.windows, settings, now);
  return {
    state: step.state,
    alerts: step.decisions.map((d) => alertFor(d, settings.timeZone)),
    problems: reading.problems,
    account: reading.account,
    now,
  };
}
