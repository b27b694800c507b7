'use strict';
// The price table against a figure the service computed itself: Claude Code's own
// `cost_usd` of the real api_request record in the OTLP capture.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const { requireReal, realPath } = require('./support');
const { lib } = require('../support/node-red');

describe('real capture: the price table against Claude Code\'s own cost', function () {
  requireReal(this);

  it("prices the captured request as Claude Code did, at the row in force at the request's time", () => {
    const { parseLogsBody } = lib('schemas/otlp');
    const { Pricer } = lib('code-usage/pricing');
    const parsed = parseLogsBody(fs.readFileSync(realPath('otlp', 'otlp-logs-2026-10-cc-2.1.294-api-request.json')));
    const [r] = parsed.records.filter((rec) => rec.attributes.get('event.name') === 'api_request');
    const a = (k) => r.attributes.get(k);
    const at = Date.parse(a('event.timestamp'));
    const pricer = new Pricer();
    const row = pricer.priceOf(a('model'), at);
    assert.ok(row, `the table has ${a('model')}`);
    assert.ok(Date.parse(`${row.from}T00:00:00Z`) <= at, 'a row in force at the request');
    const tokens = { input: a('input_tokens'), output: a('output_tokens'), cacheRead: a('cache_read_tokens'), cacheWrite: a('cache_creation_tokens') };
    assert.ok(tokens.cacheWrite > 0 && tokens.cacheRead > 0, 'the record has cache writes and reads to check');
    // Claude Code writes its prompt cache with the 1-hour TTL: with every write at the
    // 1-hour rate the table gives Claude Code's figure to the micro-dollar
    const asOneHour = pricer.cost(a('model'), { ...tokens, cacheWrite1h: tokens.cacheWrite }, at);
    assert.ok(Math.abs(asOneHour - a('cost_usd')) < 1e-9, `${asOneHour} vs Claude Code's ${a('cost_usd')}`);
    assert.equal(Math.round(asOneHour * 1e6), a('cost_usd_micros'));
    // the telemetry fallback (no TTL split: 5-minute writes) is the lower bound
    const asFiveMinutes = pricer.cost(a('model'), { ...tokens, cacheWrite1h: 0 }, at);
    assert.ok(asFiveMinutes < a('cost_usd'));
    // this request ran with the default (global) inference and no web search: neither term may change it
    assert.equal(pricer.cost(a('model'), { ...tokens, cacheWrite1h: tokens.cacheWrite }, at, { webSearches: 0, usOnly: false }), asOneHour);
  });
});
