// claude-usage output 2: the account's own alerts, from the outcome of each poll.
// State is plain data so the node can keep it in context across redeploys.

import { z } from 'zod';
import { makeAlert, type Alert } from '../alert';
import { DAY_MS, MINUTE_MS } from '../constants';
import { formatDuration } from '../format';
import type { CookieExpiry } from './cookie';
import type { UsageError } from './errors';

export type AccountHealth = 'ok' | 'session-expired' | 'blocked' | 'forbidden';

export interface AccountAlertState {
  health: AccountHealth;
  failedPolls: number;
  /** Epoch ms of the last cookie-expiring alert. */
  cookieWarnedAt: number | null;
}

export const initialAlertState = (): AccountAlertState => ({ health: 'ok', failedPolls: 0, cookieWarnedAt: null });

const alertStateSchema = z.object({
  health: z.enum(['ok', 'session-expired', 'blocked', 'forbidden']),
  failedPolls: z.number().int().min(0),
  cookieWarnedAt: z.number().finite().nullable(),
});

/** A kept alert state read back from context; null when it is damaged. */
export function restoreAlertState(value: unknown): AccountAlertState | null {
  const r = alertStateSchema.safeParse(value);
  return r.success ? r.data : null;
}

function healthOf(err: UsageError): AccountHealth | null {
  if (err.code === 'SESSION_EXPIRED' || err.code === 'TOKEN_EXPIRED') return 'session-expired';
  if (err.code === 'BLOCKED') return 'blocked';
  if (err.code === 'FORBIDDEN') return 'forbidden';
  return null;
}

export function onPollFailure(state: AccountAlertState, err: UsageError, account: string, now: Date): { state: AccountAlertState; alerts: Alert[] } {
  const health = healthOf(err);
  const next = { ...state, failedPolls: state.failedPolls + 1, health: health ?? state.health };
  if (!health || health === state.health) return { state: next, alerts: [] };
  const message = `${account}: ${err.message}`;
  const alert =
    health === 'session-expired'
      ? makeAlert({ title: 'Claude session expired', message, account, kind: 'session-expired', limit_type: 'account', level: 'critical' }, now)
      : health === 'forbidden'
        ? makeAlert({ title: 'Claude usage access refused', message, account, kind: 'forbidden', limit_type: 'account', level: 'critical' }, now)
        : makeAlert({ title: 'Claude usage blocked by Cloudflare', message, account, kind: 'blocked', limit_type: 'account', level: 'warning' }, now);
  return { state: next, alerts: [alert] };
}

export function onPollSuccess(
  state: AccountAlertState,
  account: string,
  cookie: CookieExpiry | null,
  warnDays: number,
  now: Date,
): { state: AccountAlertState; alerts: Alert[] } {
  const alerts: Alert[] = [];
  const next: AccountAlertState = { ...state, health: 'ok', failedPolls: 0 };
  if (state.health !== 'ok') {
    const what = state.health === 'blocked' ? 'a Cloudflare block' : state.health === 'forbidden' ? 'a refused access' : 'an expired session';
    alerts.push(
      makeAlert(
        { title: 'Claude usage recovered', message: `${account}: polling works again after ${what} (${state.failedPolls} failed ${state.failedPolls === 1 ? 'poll' : 'polls'})`, account, kind: 'recovered', limit_type: 'account', level: 'info' },
        now,
      ),
    );
  }
  if (cookie?.expiresAt && cookie.daysLeft !== null && cookie.daysLeft <= warnDays) {
    const due = state.cookieWarnedAt === null || now.getTime() - state.cookieWarnedAt >= DAY_MS;
    if (due) {
      const left = formatDuration((Date.parse(cookie.expiresAt) - now.getTime()) / MINUTE_MS);
      const date = cookie.expiresAt.slice(0, 10);
      alerts.push(
        makeAlert(
          {
            title: cookie.daysLeft === 0 ? 'Claude session cookie expires today' : `Claude session cookie expires in ${cookie.daysLeft} ${cookie.daysLeft === 1 ? 'day' : 'days'}`,
            message: `${account}: the claude.ai session key expires ${date} (in ${left}); paste a fresh sessionKey into the account`,
            account,
            kind: 'cookie-expiring',
            limit_type: 'account',
            level: cookie.daysLeft <= 1 ? 'critical' : 'warning',
            resetsAt: cookie.expiresAt,
          },
          now,
        ),
      );
      next.cookieWarnedAt = now.getTime();
    }
  }
  return { state: next, alerts };
}
