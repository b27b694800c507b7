// Output-2 events of claude-code-usage: block-started, block-ending, inactive and
// limit-reached, each sent once (per block, per idle spell, per limit line).
import { makeAlert, type Alert, type AlertFields } from '../alert';
import { formatClock, formatDuration, formatReset } from '../format';
import type { LimitLine } from './entries';
import type { CodeUsagePayload } from './report';
import { MINUTE_MS } from '../constants';

export interface BlockAlertOptions {
  host: string;
  blockEndingMinutes: number;
  inactivityMinutes: number;
  timeZone: string;
  /** The machine a block alert applies to, when blocks merge several machines' usage. */
  hostOf?(block: CodeUsagePayload['blocks'][number], kind: 'block-started' | 'block-ending' | 'inactive'): string | null;
}

function formatTokens(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${Math.round(n / 1e3)}k`;
  return String(n);
}

export class BlockAlerts {
  private started = false;
  private activeId: string | null = null;
  private endingSentFor: string | null = null;
  private idleSpell: string | null = null;
  private readonly limitsSeen = new Set<string>();

  constructor(private readonly opts: BlockAlertOptions) {}

  /** The alerts due at `now` for this report; `limitLines` are all usage-limit lines read so far. */
  evaluate(report: CodeUsagePayload, limitLines: readonly LimitLine[], now: number): Alert[] {
    const alerts: Alert[] = [];
    const block = report.activeBlock;
    const at = new Date(now);
    const { host, timeZone } = this.opts;
    const alert = (fields: Omit<AlertFields, 'account' | 'limit_type'> & { kind: 'block-started' | 'block-ending' | 'inactive' }): void => {
      const made = makeAlert({ ...fields, account: host, limit_type: 'block' }, at);
      const machine = block && this.opts.hostOf ? this.opts.hostOf(block, fields.kind) : null;
      alerts.push(machine ? { ...made, host: machine } : made);
    };

    if (block && this.started && block.id !== this.activeId) {
      alert({
        kind: 'block-started',
        level: 'info',
        title: 'Claude Code block started',
        message: `${host}: a new 5-hour block started at ${formatClock(new Date(block.startTime), timeZone, at)}, ${formatReset(block.endTime, timeZone, at)}`,
        resetsAt: block.endTime,
      });
    }
    this.activeId = block ? block.id : null;

    if (block) {
      const minutesLeft = (Date.parse(block.endTime) - now) / MINUTE_MS;
      if (minutesLeft <= this.opts.blockEndingMinutes && this.endingSentFor !== block.id) {
        this.endingSentFor = block.id;
        alert({
          kind: 'block-ending',
          level: 'warning',
          title: `Claude Code block ends in ${formatDuration(minutesLeft)}`,
          message: `${host}: 5-hour block ${formatReset(block.endTime, timeZone, at)}; $${block.costUSD.toFixed(2)} and ${formatTokens(block.totalTokens)} tokens so far`,
          resetsAt: block.endTime,
        });
      }
      const last = block.actualEndTime ?? block.startTime;
      const idleMinutes = (now - Date.parse(last)) / MINUTE_MS;
      if (idleMinutes >= this.opts.inactivityMinutes && this.idleSpell !== last) {
        this.idleSpell = last;
        alert({
          kind: 'inactive',
          level: 'info',
          title: `Claude Code idle for ${formatDuration(idleMinutes)}`,
          message: `${host}: no Claude Code activity since ${formatClock(new Date(last), timeZone, at)}; the block ${formatReset(block.endTime, timeZone, at).replace(/^resets/, 'ends')}`,
          resetsAt: block.endTime,
        });
      }
    }

    alerts.push(...this.limitAlerts(limitLines, now));
    this.started = true;
    return alerts;
  }

  /**
   * A limit line read after the first scan alerts once. On the first scan only the
   * newest one alerts, and only while its limit is still in force.
   */
  private limitAlerts(lines: readonly LimitLine[], now: number): Alert[] {
    const fresh = lines.filter((l) => !this.limitsSeen.has(`${l.at}|${l.text}`));
    for (const l of fresh) this.limitsSeen.add(`${l.at}|${l.text}`);
    let due = fresh;
    if (!this.started) {
      const newest = fresh.reduce<LimitLine | null>((a, b) => (!a || b.at > a.at ? b : a), null);
      due = newest && newest.resetsAt && Date.parse(newest.resetsAt) > now ? [newest] : [];
    }
    const at = new Date(now);
    const { host, timeZone } = this.opts;
    return due.map((l) => {
      const made = makeAlert(
        {
          kind: 'limit-reached',
          level: 'critical',
          account: host,
          limit_type: 'block',
          title: 'Claude Code usage limit reached',
          message: `${l.host ?? host}: ${limitName(l)} reached at ${formatClock(new Date(l.at), timeZone, at)}${l.resetsAt ? `, ${formatReset(l.resetsAt, timeZone, at)}` : ''}`,
          resetsAt: l.resetsAt,
        },
        at,
      );
      const alert = { ...made, limit: l.limit ?? null, model: l.model ?? null };
      return l.host ? { ...alert, host: l.host } : alert;
    });
  }
}

/** The limit a wall line names, in words. */
function limitName(l: LimitLine): string {
  if (l.limit === 'session') return 'session limit';
  if (l.limit === 'weekly') return 'weekly limit';
  if (l.limit === 'model') return l.model ? `${l.model} limit` : 'model limit';
  return 'usage limit';
}
