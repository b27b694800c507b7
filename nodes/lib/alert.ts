// The alert message shared by claude-threshold, claude-usage output 2,
// claude-code-usage output 2 and every channel node.

export type AlertKind =
  | 'threshold'
  | 'reset'
  | 'pace'
  | 'cookie-expiring'
  | 'session-expired'
  | 'blocked'
  | 'forbidden'
  | 'recovered'
  | 'block-started'
  | 'block-ending'
  | 'inactive'
  | 'limit-reached'
  | 'message';

export type AlertLevel = 'info' | 'warning' | 'critical';

export interface Alert {
  title: string;
  message: string;
  account: string;
  kind: AlertKind | string;
  limit_type: string;
  pct: number | null;
  threshold: number | null;
  resetsAt: string | null;
  level: AlertLevel;
  at: string;
  /** the machine an alert applies to, from sources that merge several (claude-code-telemetry) */
  host?: string;
  /** limit-reached: which limit was hit ("session", "weekly", "model"), null when the source does not say */
  limit?: 'session' | 'weekly' | 'model' | null;
  /** limit-reached: the capped model of a "model" limit, else null */
  model?: string | null;
}

export interface AlertMessage {
  topic: string;
  payload: string;
  alert: Alert;
}

export type AlertFields = Pick<Alert, 'title' | 'message' | 'account' | 'kind' | 'limit_type' | 'level'> &
  Partial<Pick<Alert, 'pct' | 'threshold' | 'resetsAt' | 'at'>>;

export function makeAlert(fields: AlertFields, now: Date = new Date()): Alert {
  return {
    title: fields.title,
    message: fields.message,
    account: fields.account,
    kind: fields.kind,
    limit_type: fields.limit_type,
    pct: fields.pct ?? null,
    threshold: fields.threshold ?? null,
    resetsAt: fields.resetsAt ?? null,
    level: fields.level,
    at: fields.at ?? now.toISOString(),
  };
}

/** The three message properties an alert travels in. */
export function alertMessage(alert: Alert): AlertMessage {
  return { topic: alert.title, payload: alert.message, alert };
}

const LEVELS: readonly string[] = ['info', 'warning', 'critical'];

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * The alert a channel node delivers for any incoming message: `msg.alert` when it
 * is there (missing fields filled in), else one made from `msg.topic` and `msg.payload`.
 */
export function alertFromMessage(msg: { topic?: unknown; payload?: unknown; alert?: unknown }, now: Date = new Date()): Alert {
  const given = msg.alert && typeof msg.alert === 'object' ? (msg.alert as Record<string, unknown>) : null;
  if (given) {
    const level = LEVELS.includes(String(given.level)) ? (given.level as AlertLevel) : 'info';
    return makeAlert(
      {
        title: asText(given.title) || asText(msg.topic) || 'Claude usage',
        message: asText(given.message) || asText(msg.payload),
        account: asText(given.account),
        kind: asText(given.kind) || 'message',
        limit_type: asText(given.limit_type),
        level,
        pct: finiteOrNull(given.pct),
        threshold: finiteOrNull(given.threshold),
        resetsAt: typeof given.resetsAt === 'string' ? given.resetsAt : null,
        at: typeof given.at === 'string' ? given.at : undefined,
      },
      now,
    );
  }
  return makeAlert(
    {
      title: asText(msg.topic),
      message: asText(msg.payload),
      account: '',
      kind: 'message',
      limit_type: '',
      level: 'info',
    },
    now,
  );
}
