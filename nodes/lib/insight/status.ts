// The node status for an insight payload, in a few characters, as message values: the node
// words it (`5h 38% (4 elsewhere) · wk 44% · 2 hosts`, or `waiting for usage`).
import { formatPct } from '../format';
import type { InsightPayload, WindowReport } from './report';

export interface InsightStatus {
  fill: 'green' | 'red' | 'grey';
  shape: 'dot' | 'ring';
  /** The session and weekly windows the payload has; none: still waiting for usage. */
  windows: WindowLevel[];
  /** How many hosts the windows attribute usage to. */
  hosts: number;
}

export interface WindowLevel {
  window: 'session' | 'weekly';
  pct: string;
  /** The points used elsewhere (by no host the node counts), or null when none. */
  elsewhere: string | null;
}

function level(window: WindowLevel['window'], w: WindowReport): WindowLevel {
  return { window, pct: formatPct(w.pct), elsewhere: w.elsewherePct > 0 ? formatPct(w.elsewherePct) : null };
}

export function describeInsight(report: InsightPayload): InsightStatus {
  const { session, weekly } = report.windows;
  if (!session && !weekly) return { fill: 'grey', shape: 'ring', windows: [], hosts: 0 };
  const windows: WindowLevel[] = [];
  if (session) windows.push(level('session', session));
  if (weekly) windows.push(level('weekly', weekly));
  const hosts = new Set([...(session?.byHost ?? []), ...(weekly?.byHost ?? [])].map((h) => h.host)).size;
  const over = [session, weekly].some((w) => w !== null && w.pct >= 100);
  return { fill: over ? 'red' : 'green', shape: 'dot', windows, hosts };
}
