// Insight events in words: the spec's alert message (times in the system's zone).
import { makeAlert, type Alert } from '../alert';
import { formatPct, formatReset, resolveTimeZone } from '../format';
import type { InsightEvent } from './engine';
import type { WindowId } from './state';

const LABEL: Record<WindowId, string> = { session: '5-hour', weekly: 'weekly' };
const TITLE_LABEL: Record<WindowId, string> = { session: '5-hour', weekly: 'Weekly' };

const tokenCount = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function withReset(text: string, resetsAt: string | null, now: Date): string {
  const reset = formatReset(resetsAt, resolveTimeZone(undefined), now);
  return reset ? `${text}, ${reset}` : text;
}

function titleAndMessage(e: InsightEvent, account: string, now: Date): { title: string; message: string } {
  const label = LABEL[e.window];
  const pct = formatPct(e.pct);
  switch (e.kind) {
    case 'usage-elsewhere':
      return {
        title: `Claude ${label} usage from elsewhere: ${formatPct(e.elsewherePct)} points`,
        message:
          `${account}: ${formatPct(e.elsewherePct)} points of the ${label} window (now ${pct}%) rose while no machine wired in counted tokens ` +
          '(claude.ai, the apps, Cowork, another machine, or a source that is down)',
      };
    case 'cap-changed': {
      const now1 = e.tokensPerPct ?? 0;
      const mid = e.median ?? 0;
      const change = Math.abs(now1 - mid) / mid * 100;
      const smaller = now1 < mid;
      return {
        title: `Claude ${label} cap looks ${smaller ? 'smaller' : 'larger'}: 1% buys ${formatPct(change)}% ${smaller ? 'fewer' : 'more'} tokens`,
        message:
          `${account}: 1% of the ${label} window now buys ${tokenCount.format(now1)} tokens, ${formatPct(change)}% ${smaller ? 'fewer' : 'more'} than ` +
          `the median of the last ${e.medianOf} windows (${tokenCount.format(mid)})`,
      };
    }
    case 'limit-hit':
      return {
        title: `Claude ${TITLE_LABEL[e.window]} limit reached`,
        message: withReset(`${account}: ${label} window at ${pct}%`, e.resetsAt, now),
      };
  }
}

/** The alert for an event: `limit-hit` is critical, the others warnings. */
export function alertFor(e: InsightEvent, account: string): Alert {
  const now = new Date(e.at);
  const { title, message } = titleAndMessage(e, account, now);
  return makeAlert(
    {
      title,
      message,
      account,
      kind: e.kind,
      limit_type: e.window,
      pct: e.pct,
      threshold: null,
      resetsAt: e.resetsAt,
      level: e.kind === 'limit-hit' ? 'critical' : 'warning',
    },
    now,
  );
}
