// The node status for an insight payload, in a few characters.
import { formatPct } from '../format';
import type { InsightPayload, WindowReport } from './report';

export interface StatusView {
  fill: 'green' | 'yellow' | 'red' | 'grey';
  shape: 'dot' | 'ring';
  text: string;
}

/** e.g. `5h 38% (4 elsewhere) · wk 44% · 2 hosts`, or `waiting for usage`. */
export function describeInsight(report: InsightPayload): StatusView {
  const { session, weekly } = report.windows;
  if (!session && !weekly) return { fill: 'grey', shape: 'ring', text: 'waiting for usage' };
  const parts: string[] = [];
  const window = (label: string, w: WindowReport): string => `${label} ${formatPct(w.pct)}%${w.elsewherePct > 0 ? ` (${formatPct(w.elsewherePct)} elsewhere)` : ''}`;
  if (session) parts.push(window('5h', session));
  if (weekly) parts.push(window('wk', weekly));
  const hosts = new Set([...(session?.byHost ?? []), ...(weekly?.byHost ?? [])].map((h) => h.host)).size;
  parts.push(hosts === 1 ? '1 host' : `${hosts} hosts`);
  const over = [session, weekly].some((w) => w !== null && w.pct >= 100);
  return { fill: over ? 'red' : 'green', shape: 'dot', text: parts.join(' · ') };
}
