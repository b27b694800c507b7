'use strict';
// OTLP/HTTP JSON bodies as Claude Code exports them, written by the tests (shapes from the
// OTLP JSON mapping: typed values, int64 as decimal strings, nanosecond times as strings).

/** An AnyValue: strings stay strings, integers become intValue (a JSON number unless `asString`), others doubleValue. */
function value(v, { asString = false } = {}) {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (Number.isInteger(v)) return { intValue: asString ? String(v) : v };
  return { doubleValue: v };
}

const attrs = (obj, opts) => Object.entries(obj).map(([key, v]) => ({ key, value: value(v, opts) }));

/** One api_request record; `over` overrides or adds attributes (undefined removes one). */
function apiRequest(iso, id, over = {}, opts = {}) {
  const a = {
    'event.name': 'api_request',
    'event.timestamp': iso,
    'event.sequence': 1,
    'session.id': 'sess-1',
    'prompt.id': 'prompt-should-never-be-emitted',
    model: 'claude-sonnet-4-6',
    input_tokens: 10,
    output_tokens: 1000,
    cache_read_tokens: 0,
    cache_creation_tokens: 0,
    duration_ms: 900,
    speed: 'normal',
    request_id: `req_${id}`,
    ...over,
  };
  for (const k of Object.keys(a)) if (a[k] === undefined) delete a[k];
  const nanos = `${Date.parse(iso)}000000`;
  return { timeUnixNano: nanos, observedTimeUnixNano: nanos, body: { stringValue: 'claude_code.api_request' }, attributes: attrs(a, opts) };
}

function apiError(iso, error, status = 429) {
  const nanos = `${Date.parse(iso)}000000`;
  return {
    timeUnixNano: nanos,
    body: { stringValue: 'claude_code.api_error' },
    attributes: attrs({ 'event.name': 'api_error', 'event.timestamp': iso, error, status_code: status, model: 'claude-sonnet-4-6' }),
  };
}

/** An ExportLogsServiceRequest from one machine. */
function logsBody(host, records, resource = {}) {
  const res = { 'service.name': 'claude-code', 'service.version': '2.1.300', ...resource };
  if (host !== null) res['host.name'] = host;
  return { resourceLogs: [{ resource: { attributes: attrs(res) }, scopeLogs: [{ scope: { name: 'com.anthropic.claude_code.events' }, logRecords: records }] }] };
}

module.exports = { value, attrs, apiRequest, apiError, logsBody };
