// OTLP/HTTP log export requests in the OTLP JSON encoding. The envelope
// (resourceLogs → scopeLogs → logRecords) must be well formed, else the whole request is
// refused; each record is checked on its own, and one that is not a log record is counted
// as rejected. Attribute values keep their scalar forms only (string, integer, double,
// bool); arrays, kvlists and bytes are skipped. 64-bit integers may come as JSON numbers or
// decimal strings, doubles as numbers or the strings "NaN" / "Infinity" / "-Infinity".
import { z } from 'zod';

/** Longest attribute string kept; a longer value counts as absent. */
export const MAX_ATTRIBUTE_STRING = 1024;
/** Log records read from one request; the rest are rejected. */
export const MAX_RECORDS_PER_REQUEST = 50_000;

export type AttributeValue = string | number | boolean;
export type Attributes = Map<string, AttributeValue>;

export interface OtlpLogRecord {
  resource: Attributes;
  attributes: Attributes;
  /** the body when it is a string (Claude Code: `claude_code.<event>`) */
  body: string | null;
  /** the record's `eventName` field (newer SDKs), else null */
  eventName: string | null;
  /** timeUnixNano, else observedTimeUnixNano, in epoch ms; null when neither is set */
  timeMs: number | null;
}

export interface ParsedLogs {
  records: OtlpLogRecord[];
  rejected: number;
  /** why records were rejected, a few examples */
  problems: string[];
}

const int64 = z.union([z.number(), z.string().max(40)]);
const anyValue = z.object({
  stringValue: z.string().nullish(),
  intValue: int64.nullish(),
  doubleValue: z.union([z.number(), z.string().max(40)]).nullish(),
  boolValue: z.boolean().nullish(),
  arrayValue: z.unknown().optional(),
  kvlistValue: z.unknown().optional(),
  bytesValue: z.unknown().optional(),
});
const keyValue = z.object({ key: z.string(), value: anyValue.nullish() });
const attributeList = z.array(keyValue).nullish();

const logRecord = z.object({
  timeUnixNano: int64.nullish(),
  observedTimeUnixNano: int64.nullish(),
  eventName: z.string().nullish(),
  body: anyValue.nullish(),
  attributes: attributeList,
});

const request = z.object({
  resourceLogs: z
    .array(
      z.object({
        resource: z.object({ attributes: attributeList }).nullish(),
        scopeLogs: z.array(z.object({ logRecords: z.array(z.unknown()).nullish() })).nullish(),
      }),
    )
    .nullish(),
});

export class OtlpBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpBodyError';
  }
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid';
}

const INTEGER = /^-?\d{1,20}$/;
const DECIMAL = /^-?(?:\d{1,30}(?:\.\d{0,30})?|\.\d{1,30})(?:[eE][-+]?\d{1,4})?$/;

/** An OTLP integer (a JSON number or a decimal string) as a number, else undefined. */
export function int64Number(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && INTEGER.test(v)) return Number(v);
  return undefined;
}

/** The scalar an AnyValue holds, or undefined (arrays, kvlists, bytes, empty, malformed). */
export function scalarOf(value: z.infer<typeof anyValue> | null | undefined): AttributeValue | undefined {
  if (!value) return undefined;
  if (typeof value.stringValue === 'string') return value.stringValue.length <= MAX_ATTRIBUTE_STRING ? value.stringValue : undefined;
  if (value.intValue !== undefined && value.intValue !== null) return int64Number(value.intValue);
  if (value.doubleValue !== undefined && value.doubleValue !== null) {
    const d = value.doubleValue;
    if (typeof d === 'number') return Number.isFinite(d) ? d : undefined;
    return DECIMAL.test(d) ? Number(d) : undefined; // "NaN" and the infinities are no usable figure
  }
  if (typeof value.boolValue === 'boolean') return value.boolValue;
  return undefined;
}

function attributesOf(list: z.infer<typeof attributeList>): Attributes {
  const out: Attributes = new Map();
  for (const kv of list ?? []) {
    if (kv.key.length > 256) continue;
    const v = scalarOf(kv.value);
    if (v !== undefined) out.set(kv.key, v);
  }
  return out;
}

/** Epoch ms of an OTLP nanosecond time; null for 0 or a malformed value. */
export function nanosToMs(v: unknown): number | null {
  if (typeof v === 'string') {
    if (!/^\d{1,20}$/.test(v)) return null;
    const ms = v.length > 6 ? Number(v.slice(0, -6)) : 0;
    return ms > 0 ? ms : null;
  }
  if (typeof v === 'number' && Number.isFinite(v) && v > 0) return Math.floor(v / 1e6) || null;
  return null;
}

/**
 * Reads one `/v1/logs` body. Throws OtlpBodyError, saying what was wrong, when the body is
 * not OTLP JSON; records that are not log records are counted in `rejected`.
 */
export function parseLogsBody(body: Buffer | string): ParsedLogs {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new OtlpBodyError(text.trim() === '' ? 'the body is empty' : 'the body is not JSON');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new OtlpBodyError('the body is not a JSON object (ExportLogsServiceRequest)');
  const parsed = request.safeParse(json);
  if (!parsed.success) throw new OtlpBodyError(`not an OTLP logs request: ${issueText(parsed.error)}`);

  const out: ParsedLogs = { records: [], rejected: 0, problems: [] };
  const problem = (text: string): void => {
    if (out.problems.length < 3 && !out.problems.includes(text)) out.problems.push(text);
  };
  for (const rl of parsed.data.resourceLogs ?? []) {
    const resource = attributesOf(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const raw of sl.logRecords ?? []) {
        if (out.records.length >= MAX_RECORDS_PER_REQUEST) {
          out.rejected++;
          problem(`more than ${MAX_RECORDS_PER_REQUEST} log records in one request`);
          continue;
        }
        const r = logRecord.safeParse(raw);
        if (!r.success) {
          out.rejected++;
          problem(`a log record is malformed (${issueText(r.error)})`);
          continue;
        }
        const body = scalarOf(r.data.body);
        out.records.push({
          resource,
          attributes: attributesOf(r.data.attributes),
          body: typeof body === 'string' ? body : null,
          eventName: r.data.eventName || null,
          timeMs: nanosToMs(r.data.timeUnixNano) ?? nanosToMs(r.data.observedTimeUnixNano),
        });
      }
    }
  }
  return out;
}
