// The node status for one account's state: what the node is doing, in a few characters.
import { MINUTE_MS } from '../constants';
import { formatDuration, formatPct } from '../format';
import type { AccountState, WindowState } from './engine';
import type { ThresholdSettings } from './settings';

/** The state line as message values: the node words it (`armed · 5h 62% · wk 44%`). */
export interface AccountStatus {
  fill: 'green' | 'yellow' | 'red';
  shape: 'dot';
  /** armed; in cooldown for `wait`; or the highest fired threshold `pct` */
  mode: { key: 'armed' } | { key: 'cooldown'; wait: string } | { key: 'fired'; pct: string };
  /** Up to two windows' levels: session and weekly when there, else the first two. */
  levels: WindowLevel[];
}

/** A window's level: `window` names a window with a short label of its own, else `name` is shown. */
export interface WindowLevel {
  window: 'session' | 'weekly' | 'extra' | null;
  name: string;
  pct: string;
}

const LABELLED = new Set(['session', 'weekly', 'extra']);

function level(id: string, pct: number): WindowLevel {
  const window = LABELLED.has(id) ? (id as WindowLevel['window']) : null;
  return { window, name: id.replace(/^weekly:/, ''), pct: formatPct(pct) };
}

/** Milliseconds until the soonest crossed, armed threshold leaves its cooldown; null when none waits. */
function cooldownLeft(win: WindowState, settings: ThresholdSettings, now: number): number | null {
  let left: number | null = null;
  for (const [value, t] of Object.entries(win.thresholds)) {
    if (!t.armed || t.lastFiredAt === null || win.pct < Number(value)) continue;
    const remaining = t.lastFiredAt + settings.cooldownMs - now;
    if (remaining > 0 && (left === null || remaining < left)) left = remaining;
  }
  return left;
}

function highestFired(win: WindowState): number | null {
  const fired = Object.entries(win.thresholds).filter(([, t]) => !t.armed).map(([value]) => Number(value));
  return fired.length > 0 ? Math.max(...fired) : null;
}

/** e.g. armed with 5h at 62 % and wk at 44 %; cooldown for 3h; fired at 90 %. */
export function describeAccount(account: AccountState, settings: ThresholdSettings, now: number): AccountStatus {
  const windows = Object.entries(account);
  const shown = windows.filter(([id]) => id === 'session' || id === 'weekly');
  const levels = (shown.length > 0 ? shown : windows.slice(0, 2)).map(([id, w]) => level(id, w.pct));

  const waits = windows.map(([, w]) => cooldownLeft(w, settings, now)).filter((ms): ms is number => ms !== null);
  const fired = windows.map(([, w]) => highestFired(w)).filter((v): v is number => v !== null);
  let mode: AccountStatus['mode'] = { key: 'armed' };
  if (waits.length > 0) mode = { key: 'cooldown', wait: formatDuration(Math.min(...waits) / MINUTE_MS) };
  else if (fired.length > 0) mode = { key: 'fired', pct: formatPct(Math.max(...fired)) };

  const over = windows.some(([, w]) => w.pct >= 100);
  const fill = over ? 'red' : mode.key === 'armed' ? 'green' : 'yellow';
  return { fill, shape: 'dot', mode, levels };
}
