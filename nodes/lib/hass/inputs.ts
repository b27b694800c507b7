// What a message into claude-hass is: a claude-usage poll, a claude-code-usage scan,
// a claude-code-telemetry timeline, a claude-insight report, an account alert or a Catch-node error (account status), Home Assistant's birth
// message, or a removal request. Payloads are checked with zod: only the fields the
// sensors read are required, anything else may come and go.

import { z } from 'zod';
import { parseUsagePayload, type ReadUsagePayload } from '../schemas';

const nullableNumber = z.number().finite().nullable();

const blockSchema = z.object({
  id: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  totalTokens: z.number().finite(),
  costUSD: z.number().finite(),
  projection: z.object({ remainingMinutes: z.number().finite() }).nullable().catch(null),
});

const codeSchema = z.object({
  host: z.string().min(1),
  scannedAt: z.string(),
  activeBlock: blockSchema.nullable(),
  period: z.object({
    costUSD: z.number().finite(),
    sessions: z.number().finite(),
    sessionsLeft: z.number().finite(),
  }),
  today: z.object({ costUSD: z.number().finite() }),
});

export type HassCodePayload = z.infer<typeof codeSchema>;

/** Hosts named in one telemetry message: more are dropped, so the sensor set stays bounded. */
export const MAX_TELEMETRY_HOSTS = 64;

const telemetrySchema = codeSchema.extend({
  host: z.null(),
  source: z.literal('telemetry'),
  hosts: z
    .array(
      z.object({
        host: z.string().min(1).max(256),
        costUSD: z.number().finite(),
        totalTokens: z.number().finite(),
        today: z.object({ costUSD: z.number().finite(), totalTokens: z.number().finite() }),
      }),
    )
    .transform((hosts) => hosts.slice(0, MAX_TELEMETRY_HOSTS)),
});

export type HassTelemetryPayload = z.infer<typeof telemetrySchema>;

const insightWindowSchema = z
  .object({ tokensPerPct: nullableNumber, elsewherePct: z.number().finite() })
  .nullable();

const insightSchema = z.object({
  account: z.string().min(1),
  windows: z.object({ session: insightWindowSchema, weekly: insightWindowSchema }),
  ledger: z.array(z.object({ at: z.string().nullable(), limit: z.string().nullable() })),
});

export type HassInsightPayload = z.infer<typeof insightSchema>;

/** A claude-usage payload as claude-hass reads it. */
export type HassUsagePayload = ReadUsagePayload;

/** Any payload claude-hass makes a device of. */
export type HassPayload =
  | { kind: 'usage'; payload: HassUsagePayload }
  | { kind: 'code'; payload: HassCodePayload }
  | { kind: 'telemetry'; payload: HassTelemetryPayload }
  | { kind: 'insight'; payload: HassInsightPayload };

/** Poll failure codes of claude-usage, as a Catch node sees them in msg.error.code. */
const POLL_ERROR_CODES = ['SESSION_EXPIRED', 'FORBIDDEN', 'BLOCKED', 'RATE_LIMITED', 'NETWORK', 'HTTP_ERROR', 'BAD_RESPONSE', 'NO_CREDENTIALS', 'TOKEN_EXPIRED'];

/** Account alert kinds that change the account status sensor. */
const ALERT_STATUS = new Map<string, string>([
  ['session-expired', 'session_expired'],
  ['forbidden', 'forbidden'],
  ['blocked', 'blocked'],
  ['recovered', 'ok'],
]);

export type HassInput =
  | { kind: 'usage'; payload: HassUsagePayload }
  | { kind: 'code'; payload: HassCodePayload }
  | { kind: 'telemetry'; payload: HassTelemetryPayload }
  | { kind: 'insight'; payload: HassInsightPayload }
  | { kind: 'status'; account: string; status: string }
  | { kind: 'birth' }
  | { kind: 'remove'; label: string | null; payload: HassPayload | null }
  | { kind: 'ignored'; reason: string; quiet?: boolean };

interface IncomingMessage {
  topic?: unknown;
  payload?: unknown;
  alert?: unknown;
  error?: unknown;
  remove?: unknown;
}

function asObject(value: unknown): Record<string, unknown> | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function payloadText(payload: unknown): string {
  if (typeof payload === 'string') return payload;
  if (Buffer.isBuffer(payload)) return payload.toString('utf8');
  return '';
}

/** The first zod issue, in words: "limits.0.pct: Invalid input: expected number, received string". */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid';
}

/**
 * Shapes, told apart by their fields: a telemetry timeline has `source: "telemetry"`
 * (its `host` is null) beside a code scan's `host` and `period`; an insight report has
 * `account`, `windows` and `ledger`; a usage poll has `account` and `limits`.
 */
function parsePayload(payload: unknown): { parsed?: HassPayload; problem?: string; quiet?: boolean } {
  const body = asObject(payload);
  if (!body) return { problem: 'msg.payload is not an object' };
  if ('host' in body && 'period' in body) {
    if (body.source === 'telemetry' || body.host === null) {
      const r = telemetrySchema.safeParse(body);
      return r.success ? { parsed: { kind: 'telemetry', payload: r.data } } : { problem: `not a claude-code-telemetry payload (${firstIssue(r.error)})` };
    }
    const r = codeSchema.safeParse(body);
    return r.success ? { parsed: { kind: 'code', payload: r.data } } : { problem: `not a claude-code-usage payload (${firstIssue(r.error)})` };
  }
  if ('account' in body && 'windows' in body && 'ledger' in body) {
    if (body.account === null) return { problem: 'a claude-insight report that names no account yet', quiet: true };
    const r = insightSchema.safeParse(body);
    return r.success ? { parsed: { kind: 'insight', payload: r.data } } : { problem: `not a claude-insight payload (${firstIssue(r.error)})` };
  }
  if ('account' in body && 'limits' in body) {
    const r = parseUsagePayload(body);
    if (!r.ok) return { problem: r.problem };
    if (r.dropped.length) return { problem: `not a claude-usage payload (${r.dropped[0].problem})` };
    return { parsed: { kind: 'usage', payload: r.payload } };
  }
  return { problem: 'msg.payload is none of claude-usage, claude-code-usage, claude-code-telemetry or claude-insight' };
}

export function classifyMessage(msg: IncomingMessage, prefix: string): HassInput {
  if (msg.remove === true) {
    const parsed = parsePayload(msg.payload);
    const label = typeof msg.topic === 'string' && msg.topic ? msg.topic : null;
    return { kind: 'remove', label, payload: parsed.parsed ?? null };
  }
  if (msg.topic === `${prefix}/status`) {
    return payloadText(msg.payload).trim() === 'online' ? { kind: 'birth' } : { kind: 'ignored', reason: 'Home Assistant went offline', quiet: true };
  }
  const alert = asObject(msg.alert);
  if (alert && typeof alert.account === 'string' && alert.account) {
    const status = ALERT_STATUS.get(String(alert.kind));
    return status ? { kind: 'status', account: alert.account, status } : { kind: 'ignored', reason: `alert kind ${String(alert.kind)} has no sensor`, quiet: true };
  }
  const error = asObject(msg.error);
  if (error && typeof error.code === 'string' && POLL_ERROR_CODES.includes(error.code)) {
    if (typeof msg.topic === 'string' && msg.topic) return { kind: 'status', account: msg.topic, status: error.code.toLowerCase() };
    return { kind: 'ignored', reason: 'an error message without msg.topic (the account)' };
  }
  const parsed = parsePayload(msg.payload);
  if (parsed.parsed) return parsed.parsed;
  return { kind: 'ignored', reason: parsed.problem ?? 'unknown message', ...(parsed.quiet ? { quiet: true } : {}) };
}
