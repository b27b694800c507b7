'use strict';
// The real OTLP/HTTP JSON body Claude Code 2.1.294 posted to /v1/logs, through the parser
// and the telemetry fold.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { requireReal, realPath } = require('./support');
const { lib } = require('../support/node-red');

const FILE = ['otlp', 'otlp-logs-2026-10-cc-2.1.294-api-request.json'];

describe('real capture: Claude Code OTLP logs export', function () {
  requireReal(this);

  it('parses every record and folds the api_request into one entry with Claude Code\'s own cost', () => {
    const { parseLogsBody } = lib('schemas/otlp');
    const { TelemetryFold } = lib('telemetry/fold');
    const { Pricer } = lib('code-usage/pricing');
    const body = fs.readFileSync(realPath(...FILE));
    const parsed = parseLogsBody(body);
    assert.equal(parsed.rejected, 0);
    assert.ok(parsed.records.length > 1, 'other events come in the same batch');
    const requests = parsed.records.filter((r) => r.attributes.get('event.name') === 'api_request');
    assert.equal(requests.length, 1);
    const r = requests[0];
    assert.equal(r.timeMs, Date.parse(r.attributes.get('event.timestamp')));

    const at = Date.parse(r.attributes.get('event.timestamp')) + 60_000;
    const fold = new TelemetryFold(new Pricer(), { billingDay: 1, timeZone: 'UTC', monthlySessions: 50 });
    const result = fold.ingest(parsed.records, at);
    assert.equal(result.rejected, 0);
    assert.equal(result.accepted, parsed.records.length);
    const report = fold.report(at);
    const block = report.activeBlock;
    assert.equal(block.entries, 1);
    assert.equal(block.tokenCounts.inputTokens, r.attributes.get('input_tokens'));
    assert.equal(block.tokenCounts.cacheCreationInputTokens, r.attributes.get('cache_creation_tokens'));
    assert.equal(block.costUSD, r.attributes.get('cost_usd'));
    assert.deepEqual(report.hosts.map((h) => h.host), ['unknown'], 'the capture sets no host.name');
    // the same batch again (an exporter retry) changes nothing
    assert.equal(fold.ingest(parseLogsBody(body).records, at).changed, false);
    const text = JSON.stringify({ report, state: fold.toState() });
    assert.doesNotMatch(text, new RegExp(r.attributes.get('prompt.id')));
    assert.doesNotMatch(text, new RegExp(r.attributes.get('session.id')));
    assert.doesNotMatch(text, /REDACTED|worker-probe/);
  });
});
