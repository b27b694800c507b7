// What a message into claude-hass is: a claude-usage poll, a claude-code-usage scan,
// an account alert or a Catch-node error (account status), Home Assistant's birth
// message, or a removal request. Payloads are checked with zod: only the fields the
// sensors read are required, anything else may come and go.

import { z } from 'zod';
import type { UsagePayload } from '../types';

const nullableNumber = z.number().finite().nullable();
const isoOrNull = z.string().nullable();

const limitSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['session', 'weekly', 'weekly_scoped', 'other']).catch('other'),
  label: z.string(),
  pct: z.number().finite(),
  resetsAt: isoOrNull.catch(null),
  resetsInMinutes: nullableNumber.catch(null),
});

const usageSchema = z.object({
  account: z.string().min(1),
  organization: z.object({ uuid: z.string(), name: z.string() }).nullable().catch(null),
  plan: z.enum(['pro', 'max_5x', 'max_20x', 'team', 'enterprise', 'free']).nullable().catch(null),
  fetchedAt: z.string(),
  session: z.unknown(),
  weekly: z.unknown(),
  limits: z.array(limitSchema),
  extraUsage: z
    .object({
      enabled: z.boolean(),
      usedCredits: z.number().finite(),
      monthlyLimit: nullableNumber,
      currency: z.string().catch('USD'),
      pct: nullableNumber,
    })
    .nullable()
    .catch(null),
  pace: z.unknown(),
  cookie: z.object({ expiresAt: isoOrNull, daysLeft: nullableNumber }).nullable().catch(null),
});

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

export type CodeUsagePayload = z.infer<typeof codeSchema>;

/** Poll failure codes of claude-usage, as a Catch node sees them in msg.error.code. */
const POLL_ERROR_CODES = ['SESSION_EXPIRED', 'BLOCKED', 'RATE_LIMITED', 'NETWORK', 'HTTP_ERROR', 'BAD_RESPONSE', 'NO_CREDENTIALS', 'TOKEN_EXPIRED'];

/** Account alert kinds that change the account status sensor. */
const ALERT_STATUS: Record<string, string> = { 'session-expired': 'session_expired', blocked: 'blocked', recovered: 'ok' };

export type HassInput =
  | { kind: 'usage'; payload: UsagePayload }
  | { kind: 'code'; payload: CodeUsagePayload }
  | { kind: 'status'; account: string; status: string }
  | { kind: 'birth' }
  | { kind: 'remove'; label: string | null; payload: UsagePayload | CodeUsagePayload | null }
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

function parsePayload(payload: unknown): { usage?: UsagePayload; code?: CodeUsagePayload; problem?: string } {
  const body = asObject(payload);
  if (!body) return { problem: 'msg.payload is not an object' };
  if ('host' in body && 'period' in body) {
    const r = codeSchema.safeParse(body);
    return r.success ? { code: r.data } : { problem: `not a claude-code-usage payload (${firstIssue(r.error)})` };
  }
  if ('account' in body && 'limits' in body) {
    const r = usageSchema.safeParse(body);
    return r.success ? { usage: r.data as UsagePayload } : { problem: `not a claude-usage payload (${firstIssue(r.error)})` };
  }
  return { problem: 'msg.payload is neither a claude-usage nor a claude-code-usage payload' };
}

export function classifyMessage(msg: IncomingMessage, prefix: string): HassInput {
  if (msg.remove === true) {
    const parsed = parsePayload(msg.payload);
    const label = typeof msg.topic === 'string' && msg.topic ? msg.topic : null;
    return { kind: 'remove', label, payload: parsed.usage ?? parsed.code ?? null };
  }
  if (msg.topic === `${prefix}/status`) {
    return payloadText(msg.payload).trim() === 'online' ? { kind: 'birth' } : { kind: 'ignored', reason: 'Home Assistant went offline', quiet: true };
  }
  const alert = asObject(msg.alert);
  if (alert && typeof alert.account === 'string' && alert.account) {
    const status = ALERT_STATUS[String(alert.kind)];
    return status ? { kind: 'status', account: alert.account, status } : { kind: 'ignored', reason: `alert kind ${String(alert.kind)} has no sensor`, quiet: true };
  }
  const error = asObject(msg.error);
  if (error && typeof error.code === 'string' && POLL_ERROR_CODES.includes(error.code)) {
    if (typeof msg.topic === 'string' && msg.topic) return { kind: 'status', account: msg.topic, status: error.code.toLowerCase() };
    return { kind: 'ignored', reason: 'an error message without msg.topic (the account)' };
  }
  const parsed = parsePayload(msg.payload);
  if (parsed.usage) return { kind: 'usage', payload: parsed.usage };
  if (parsed.code) return { kind: 'code', payload: parsed.code };
  return { kind: 'ignored', reason: parsed.problem ?? 'unknown message' };
}
