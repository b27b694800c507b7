// The OTLP/HTTP routes of claude-code-telemetry: `/v1/logs` (JSON encoding) and
// `/v1/metrics` (accepted and ignored). Answers follow the OTLP specification: 200 with
// `partialSuccess` (`rejectedLogRecords` as a decimal string, the JSON mapping of int64),
// and a `Status` object `{ code, message }` for every refusal.
import type { ReceivedRequest, ReceiverAnswer, ReceiverRoute } from '../receiver';
import { isJsonType } from '../receiver';
import { OtlpBodyError, parseLogsBody } from '../schemas/otlp';
import type { IngestResult } from './fold';
import type { OtlpLogRecord } from '../schemas/otlp';

/** Largest body accepted, before and after gzip. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

const PROTOBUF = new Set(['application/x-protobuf', 'application/protobuf', 'application/vnd.google.protobuf']);

export const PROTOBUF_REFUSAL =
  'this endpoint takes OTLP JSON, not protobuf: set OTEL_EXPORTER_OTLP_PROTOCOL=http/json in the env block of ~/.claude/settings.json';

/** The OTLP `Status` body of a refusal (gRPC code 3 INVALID_ARGUMENT, 13 INTERNAL). */
export function otlpStatus(status: number, message: string): { code: number; message: string } {
  return { code: status >= 500 ? 13 : 3, message };
}

function logsContentType(type: string): string | null {
  if (isJsonType(type)) return null;
  if (PROTOBUF.has(type)) return PROTOBUF_REFUSAL;
  return `send OTLP JSON with Content-Type: application/json (got ${type ? type.slice(0, 60) : 'none'}); set OTEL_EXPORTER_OTLP_PROTOCOL=http/json`;
}

/** The answer to an accepted request. */
export function partialSuccess(rejected: number, problems: string[]): ReceiverAnswer {
  if (rejected === 0) return { status: 200, json: { partialSuccess: {} } };
  return { status: 200, json: { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: problems.join('; ') } } };
}

export function telemetryRoutes(ingest: (records: OtlpLogRecord[]) => IngestResult | Promise<IngestResult>): ReceiverRoute[] {
  return [
    {
      suffix: '/v1/logs',
      maxBytes: MAX_BODY_BYTES,
      checkContentType: logsContentType,
      async handle(req: ReceivedRequest): Promise<ReceiverAnswer> {
        let parsed;
        try {
          parsed = parseLogsBody(req.body);
        } catch (err) {
          if (err instanceof OtlpBodyError) return { status: 400, json: otlpStatus(400, err.message) };
          throw err;
        }
        const result = await ingest(parsed.records);
        return partialSuccess(parsed.rejected + result.rejected, [...parsed.problems, ...result.problems].slice(0, 4));
      },
    },
    {
      suffix: '/v1/metrics',
      maxBytes: MAX_BODY_BYTES,
      checkContentType: () => null,
      handle(req: ReceivedRequest): ReceiverAnswer {
        // protobuf senders get an empty body: an empty ExportMetricsServiceResponse
        return isJsonType(req.contentType) ? { status: 200, json: { partialSuccess: {} } } : { status: 200 };
      },
    },
  ];
}
