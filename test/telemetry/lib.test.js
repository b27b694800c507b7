'use strict';
// OTLP JSON parsing and the telemetry fold (plain modules, no Node-RED).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib } = require('../support/node-red');
const { apiRequest, apiError, logsBody, attrs } = require('./otlp');

const { parseLogsBody, OtlpBodyError, scalarOf, nanosToMs, MAX_ATTRIBUTE_STRING, MAX_RECORDS_PER_REQUEST } = lib('schemas/otlp');
const { TelemetryFold } = lib('telemetry/fold');
const { partialSuccess } = lib('telemetry/endpoint');
const { limitWall } = lib('code-usage/limit-wall');
const { Pricer } = lib('code-usage/pricing');
const { EntryStore, limitLineOf } = lib('code-usage/entries');
const { BlockAlerts } = lib('code-usage/alerts');
const { LogReader, projectRoots } = lib('code-usage/reader');
const { buildReport } = lib('code-usage/report');

const OPTS = { billingDay: 1, timeZone: 'UTC', monthlySessions: 50 };
const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-9, `${msg}: ${a} != ${b}`);
const parse = (body) => parseLogsBody(Buffer.from(JSON.stringify(body)));
function fold(bodies, now, opts = OPTS) {
  const f = new TelemetryFold(new Pricer(), opts);
  const results = bodies.map((b) => f.ingest(parse(b).records, now));
  return { f, results };
}

describe('OTLP JSON parsing', () => {
  it('reads every value encoding: stringValue, intValue as number and as decimal string, doubleValue as number and string, boolValue', () => {
    assert.equal(scalarOf({ stringValue: 'x' }), 'x');
    assert.equal(scalarOf({ intValue: 42 }), 42);
    assert.equal(scalarOf({ intValue: '9007199254740' }), 9007199254740);
    assert.equal(scalarOf({ intValue: '-3' }), -3);
    assert.equal(scalarOf({ intValue: '4.5' }), undefined, 'an integer string with a fraction is no integer');
    assert.equal(scalarOf({ doubleValue: 0.25 }), 0.25);
    assert.equal(scalarOf({ doubleValue: '0.5' }), 0.5);
    assert.equal(scalarOf({ doubleValue: 'NaN' }), undefined);
    assert.equal(scalarOf({ doubleValue: 'Infinity' }), undefined);
    assert.equal(scalarOf({ boolValue: false }), false);
    assert.equal(scalarOf({ arrayValue: { values: [{ stringValue: 'a' }] } }), undefined);
    assert.equal(scalarOf({ kvlistValue: { values: [] } }), undefined);
    assert.equal(scalarOf({ bytesValue: 'AAEC' }), undefined);
    assert.equal(scalarOf({}), undefined);
    assert.equal(scalarOf({ stringValue: 'x'.repeat(MAX_ATTRIBUTE_STRING + 1) }), undefined, 'over-long strings count as absent');
  });

  it('reads nanosecond times as strings or numbers; 0 is no time', () => {
    assert.equal(nanosToMs('1791447318137000000'), 1791447318137);
    assert.equal(nanosToMs(1791447318137000000), 1791447318137);
    assert.equal(nanosToMs('0'), null);
    assert.equal(nanosToMs('12abc'), null);
  });

  it('keeps resource and record attributes apart, arrays and kvlists skipped without harm', () => {
    const body = logsBody('laptop', [
      { ...apiRequest('2026-11-20T10:00:00.000Z', 'a'), attributes: [...apiRequest('2026-11-20T10:00:00.000Z', 'a').attributes, { key: 'list', value: { arrayValue: { values: [{ intValue: 1 }] } } }, { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: {} }] } } }] },
    ]);
    const parsed = parse(body);
    assert.equal(parsed.rejected, 0);
    const [r] = parsed.records;
    assert.equal(r.resource.get('host.name'), 'laptop');
    assert.equal(r.attributes.get('input_tokens'), 10);
    assert.equal(r.attributes.has('list'), false);
    assert.equal(r.body, 'claude_code.api_request');
    assert.equal(r.timeMs, Date.parse('2026-11-20T10:00:00.000Z'));
  });

  it('refuses bodies that are not OTLP JSON, saying what was wrong', () => {
    const refuse = (text, re) => assert.throws(() => parseLogsBody(Buffer.from(text)), (e) => e instanceof OtlpBodyError && re.test(e.message));
    refuse('', /empty/);
    refuse('{"resourceLogs": [', /not JSON/);
    refuse('[1,2]', /not a JSON object/);
    refuse('{"resourceLogs": {"a": 1}}', /resourceLogs: .*array/i);
    refuse('{"resourceLogs": [{"scopeLogs": [{"logRecords": 5}]}]}', /resourceLogs\.0\.scopeLogs\.0\.logRecords/);
    refuse('{"resourceLogs": [{"resource": {"attributes": [{"key": 1}]}}]}', /resource\.attributes\.0\.key/);
    assert.deepEqual(parse({}).records, [], 'an empty request is a valid request');
  });

  it('counts malformed records as rejected and keeps the rest; caps the records of one request', () => {
    const good = apiRequest('2026-11-20T10:00:00.000Z', 'a');
    const parsed = parse(logsBody('h', [good, 'not a record', { attributes: 'x' }]));
    assert.equal(parsed.records.length, 1);
    assert.equal(parsed.rejected, 2);
    assert.match(parsed.problems.join(' '), /malformed/);
    const many = parse(logsBody('h', Array.from({ length: MAX_RECORDS_PER_REQUEST + 2 }, () => ({}))));
    assert.equal(many.records.length, MAX_RECORDS_PER_REQUEST);
    assert.equal(many.rejected, 2);
  });

  it('answers partial success as the OTLP JSON mapping writes it', () => {
    assert.deepEqual(partialSuccess(0, []).json, { partialSuccess: {} });
    assert.deepEqual(partialSuccess(2, ['x', 'y']).json, { partialSuccess: { rejectedLogRecords: '2', errorMessage: 'x; y' } });
  });
});

describe('limit walls from telemetry', () => {
  it("recognizes the account's rate limit and the legacy text, not a server throttle", () => {
    const w = limitWall({ text: '429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}', timestamp: 0, timeZone: 'UTC' });
    assert.equal(w.resetsAt, null);
    assert.equal(w.limit, null);
    assert.equal(limitWall({ text: 'Claude AI usage limit reached|1795000000', timestamp: 0, timeZone: 'UTC' }).resetsAt, new Date(1795000000 * 1000).toISOString());
    assert.equal(limitWall({ text: 'Rate limited', timestamp: 0, timeZone: 'UTC' }), null);
    assert.equal(limitWall({ text: 'x'.repeat(4_000_000), timestamp: 0, timeZone: 'UTC' }), null);
  });
});

describe('telemetry fold', () => {
  const now = Date.parse('2026-11-20T12:00:00Z');

  it('turns api_request records into entries: cost_usd, else cost_usd_micros, else the price table (cache writes at 5 minutes)', () => {
    const { f } = fold(
      [
        logsBody('a', [
          apiRequest('2026-11-20T10:00:00.000Z', '1', { cost_usd: 0.5 }),
          apiRequest('2026-11-20T10:01:00.000Z', '2', { cost_usd_micros: 250000 }),
          apiRequest('2026-11-20T10:02:00.000Z', '3', { input_tokens: 1e6, output_tokens: 0, cache_creation_tokens: 1e6 }),
        ]),
      ],
      now,
    );
    const r = f.report(now);
    assert.equal(r.host, null);
    assert.equal(r.source, 'telemetry');
    assert.equal(r.activeBlock.entries, 3);
    close(r.activeBlock.costUSD, 0.5 + 0.25 + 3 + 3.75, 'cost');
  });

  it('takes numbers sent as strings (older Claude Code) and intValue as decimal strings', () => {
    const strings = apiRequest('2026-11-20T10:00:00.000Z', 's', { input_tokens: '10', output_tokens: '1000', cost_usd: '0.02' });
    const decimal = apiRequest('2026-11-20T10:01:00.000Z', 'd', {}, { asString: true });
    const { f, results } = fold([logsBody('a', [strings, decimal])], now);
    assert.equal(results[0].rejected, 0);
    assert.equal(f.report(now).activeBlock.totalTokens, 2020);
  });

  it('counts a retried record once: by request_id, else by session, timestamp, sequence, model and tokens', () => {
    const a = apiRequest('2026-11-20T10:00:00.000Z', 'x');
    const noId = (iso, seq) => apiRequest(iso, 'ignored', { request_id: undefined, 'event.sequence': seq });
    const { f } = fold(
      [
        logsBody('h', [a, noId('2026-11-20T10:05:00.000Z', 3)]),
        logsBody('h', [a, noId('2026-11-20T10:05:00.000Z', 3)]), // the exporter's retry
        logsBody('h', [noId('2026-11-20T10:09:00.000Z', 3)]), // a resumed session: the sequence starts again
      ],
      now,
    );
    assert.equal(f.report(now).activeBlock.entries, 3);
  });

  it('orders records from several hosts by time and keeps per-host figures', () => {
    const { f } = fold(
      [
        logsBody('desk', [apiRequest('2026-11-20T11:00:00.000Z', 'd1', { cost_usd: 1 }), apiRequest('2026-11-19T08:00:00.000Z', 'd0', { cost_usd: 2 })]),
        logsBody('laptop', [apiRequest('2026-11-20T10:30:00.000Z', 'l1', { cost_usd: 4 })]),
        logsBody(null, [apiRequest('2026-11-20T10:40:00.000Z', 'u1', { cost_usd: 8, 'host.name': 'from-record' })]),
        logsBody(null, [apiRequest('2026-11-20T10:50:00.000Z', 'u2', { cost_usd: 16 })]),
      ],
      now,
    );
    const r = f.report(now);
    assert.deepEqual(r.blocks.map((b) => [b.startTime, b.entries]), [['2026-11-19T08:00:00.000Z', 1], ['2026-11-20T10:00:00.000Z', 4]]);
    const hosts = Object.fromEntries(r.hosts.map((h) => [h.host, h]));
    assert.deepEqual(Object.keys(hosts), ['desk', 'from-record', 'laptop', 'unknown']);
    assert.equal(hosts.desk.entries, 2);
    assert.equal(hosts.desk.costUSD, 3);
    assert.equal(hosts.desk.today.costUSD, 1);
    assert.equal(hosts.desk.today.totalTokens, 1010);
    assert.equal(hosts.desk.lastSeenAt, new Date(now).toISOString());
    assert.equal(hosts.unknown.costUSD, 16);
    assert.equal(f.hostOfBlock(r.activeBlock, 'block-started'), 'laptop');
    assert.equal(f.hostOfBlock(r.activeBlock, 'inactive'), 'desk');
  });

  it('never filters on service.name and ignores other events; rejects unusable api_request records', () => {
    const other = { body: { stringValue: 'claude_code.user_prompt' }, attributes: attrs({ 'event.name': 'user_prompt', prompt: 'secret' }) };
    const noModel = apiRequest('2026-11-20T10:01:00.000Z', 'm', { model: undefined });
    const badTokens = apiRequest('2026-11-20T10:02:00.000Z', 't', { output_tokens: 'many' });
    const noTime = { ...apiRequest('2026-11-20T10:03:00.000Z', 'n', { 'event.timestamp': undefined }), timeUnixNano: '0', observedTimeUnixNano: undefined };
    const { f, results } = fold([logsBody('h', [apiRequest('2026-11-20T10:00:00.000Z', 'ok'), other, noModel, badTokens, noTime], { 'service.name': 'claude-code-desktop' })], now);
    assert.equal(results[0].accepted, 2);
    assert.equal(results[0].rejected, 3);
    assert.match(results[0].problems.join(' '), /no model/);
    assert.equal(f.report(now).activeBlock.entries, 1);
  });

  it('takes the time from timeUnixNano when event.timestamp is missing', () => {
    const r = apiRequest('2026-11-20T10:00:00.000Z', 'x', { 'event.timestamp': undefined });
    const { f } = fold([logsBody('h', [r])], now);
    assert.equal(f.report(now).activeBlock.actualEndTime, '2026-11-20T10:00:00.000Z');
  });

  it('keeps the current and the previous billing period only, and counts the period from its first instant', () => {
    const at = Date.parse('2026-11-15T12:00:00Z');
    const opts = { ...OPTS, billingDay: 10 };
    const { f } = fold(
      [
        logsBody('h', [
          apiRequest('2026-09-30T12:00:00.000Z', 'too-old'),
          apiRequest('2026-10-10T00:00:00.000Z', 'previous-first'),
          apiRequest('2026-11-09T12:00:00.000Z', 'previous-last'),
          apiRequest('2026-11-10T00:00:00.000Z', 'current-first'),
        ]),
      ],
      at,
      opts,
    );
    assert.equal(f.size, 3);
    const r = f.report(at);
    assert.equal(r.period.start, '2026-11-10T00:00:00.000Z');
    assert.deepEqual(r.blocks.map((b) => b.startTime), ['2026-11-10T00:00:00.000Z']);
    assert.equal(r.hosts[0].entries, 1, 'per-host figures count the current period');
    // A month later the previous period moves on.
    f.prune(Date.parse('2026-12-12T00:00:00Z'));
    assert.equal(f.size, 1);
  });

  it('turns api_error 429 limit walls into limit lines with their host; not plain throttles', () => {
    const { f } = fold(
      [
        logsBody('desk', [
          apiError('2026-11-20T11:00:00.000Z', '429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}'),
          apiError('2026-11-20T11:01:00.000Z', 'Rate limited'),
          apiError('2026-11-20T11:02:00.000Z', "would exceed your account's rate limit", 500),
          { ...apiError('2026-11-20T11:03:00.000Z', 'Claude AI usage limit reached|1795000000'), attributes: attrs({ 'event.name': 'api_error', error: 'Claude AI usage limit reached|1795000000', status_code: '429' }) },
        ]),
      ],
      now,
    );
    assert.deepEqual(
      f.limitLines.map((l) => [l.host, l.resetsAt]),
      [
        ['desk', null],
        ['desk', new Date(1795000000 * 1000).toISOString()],
      ],
    );
  });

  describe('limit-reached alerts name the limit as claude-code-usage does for the same text', () => {
    const zone = 'Europe/Berlin';
    const texts = [
      ["You've hit your session limit · resets 7:30pm (Asia/Seoul)", 'session', null],
      ["You've hit your weekly limit · resets Oct 12, 8am (Europe/Paris)", 'weekly', null],
      ['5-hour limit reached ∙ resets 3pm', 'session', null],
      ["You've hit your limit · resets 5pm (Europe/Berlin)", null, null],
      ["You've reached your Fable limit. Run /usage-credits to keep going.", 'model', 'Fable'],
      ["You're out of usage credits. Switch to another model to continue.", 'model', null],
      ['Claude AI usage limit reached|1795000000', null, null],
      ['429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}', null, null],
    ];
    const at = (i) => new Date(Date.parse('2026-11-20T09:00:00.000Z') + i * 60_000).toISOString();

    it('gives each wall the limit, model and reset time a log line of the same text gives', () => {
      const { f } = fold([logsBody('desk', texts.map(([text], i) => apiError(at(i), text)))], now, { ...OPTS, timeZone: zone });
      assert.equal(f.limitLines.length, texts.length);
      texts.forEach(([text, limit, model], i) => {
        const fromLog = limitLineOf({ isApiErrorMessage: true, model: '<synthetic>', timestamp: at(i), content: [{ type: 'text', text }] }, zone);
        const got = f.limitLines[i];
        assert.deepEqual(
          { limit: got.limit, model: got.model, resetsAt: got.resetsAt, text: got.text },
          { limit: fromLog.limit, model: fromLog.model, resetsAt: fromLog.resetsAt, text: fromLog.text },
          text,
        );
        assert.equal(got.limit, limit, `${text}: limit`);
        assert.equal(got.model, model, `${text}: model`);
      });
      assert.ok(f.limitLines[0].resetsAt, 'a clock time in the text is a reset time');
    });

    it('sends them as limit-reached alerts with alert.limit, alert.model and alert.resetsAt, and keeps them across a restart', () => {
      const { f } = fold([], now, { ...OPTS, timeZone: zone });
      const alerts = new BlockAlerts({ host: 'all machines', blockEndingMinutes: 30, inactivityMinutes: 10, timeZone: zone });
      alerts.evaluate(f.report(now), f.limitLines, now); // the first look sends only a wall still in force
      f.ingest(parse(logsBody('desk', texts.map(([text], i) => apiError(at(i), text)))).records, now);
      const sent = alerts.evaluate(f.report(now), f.limitLines, now).filter((a) => a.kind === 'limit-reached');
      assert.deepEqual(
        sent.map((a) => [a.limit, a.model, a.host]),
        texts.map(([, limit, model]) => [limit, model, 'desk']),
      );
      assert.deepEqual(sent.map((a) => a.resetsAt), f.limitLines.map((l) => l.resetsAt));
      const g = new TelemetryFold(new Pricer(), { ...OPTS, timeZone: zone });
      g.restore(JSON.parse(JSON.stringify(f.toState())), now);
      assert.deepEqual(g.limitLines, f.limitLines);
    });

    it('takes back a state kept before walls named their limit, with limit and model null', () => {
      const { f } = fold([logsBody('desk', [apiError(at(0), texts[0][0])])], now);
      const state = JSON.parse(JSON.stringify(f.toState()));
      for (const l of state.limits) {
        delete l.limit;
        delete l.model;
      }
      const g = new TelemetryFold(new Pricer(), OPTS);
      g.restore(state, now);
      assert.deepEqual(g.limitLines.map((l) => [l.limit, l.model, l.text]), [[null, null, texts[0][0]]]);
    });

    it('keeps a long wall text through a restart', () => {
      const long = `You've hit your weekly limit · resets Oct 12, 8am (Europe/Paris). ${'More words. '.repeat(40)}`;
      const { f } = fold([logsBody('desk', [apiError(at(0), long)])], now);
      assert.ok(f.limitLines[0].text.length > 200);
      const g = new TelemetryFold(new Pricer(), OPTS);
      g.restore(JSON.parse(JSON.stringify(f.toState())), now);
      assert.equal(g.limitLines[0].text, f.limitLines[0].text);
    });
  });

  it('prices records without a cost at their own time from the price table', () => {
    // Opus 4.7 from the table (no cost_usd): fast mode at 6x, at the record's time
    const { f } = fold(
      [logsBody('a', [apiRequest('2026-11-20T10:00:00.000Z', '1', { model: 'claude-opus-4-7', input_tokens: 1e6, output_tokens: 0, speed: 'fast' })])],
      now,
    );
    close(f.report(now).activeBlock.costUSD, 30, 'fast at 6x');
    assert.deepEqual(f.report(now).activeBlock.models, ['claude-opus-4-7-fast']);
  });

  it('keeps its state compactly and takes it back; refuses a damaged state', () => {
    const { f } = fold([logsBody('a', [apiRequest('2026-11-20T10:00:00.000Z', '1'), apiRequest('2026-11-20T10:30:00.000Z', '2', { cost_usd: 1 })]), logsBody('b', [apiError('2026-11-20T11:00:00.000Z', "exceed your account's rate limit")])], now);
    const state = JSON.parse(JSON.stringify(f.toState()));
    const text = JSON.stringify(state);
    assert.doesNotMatch(text, /prompt|sess-1|req_/, 'no prompt id, session id or request id is kept');
    const g = new TelemetryFold(new Pricer(), OPTS);
    g.restore(state, now);
    assert.deepEqual(g.report(now), f.report(now));
    // a retry after the restore still counts once
    g.ingest(parse(logsBody('a', [apiRequest('2026-11-20T10:00:00.000Z', '1')])).records, now);
    assert.equal(g.report(now).activeBlock.entries, 2);
    for (const damaged of [null, { v: 2 }, { ...state, n: state.n.slice(1) }, { ...state, hosts: [] }, { ...state, n: state.n.map((x, i) => (i === 3 ? -1 : x)) }]) {
      assert.throws(() => new TelemetryFold(new Pricer(), OPTS).restore(damaged, now));
    }
  });
});

describe('telemetry and claude-code-usage give equal blocks for the same requests', () => {
  let dir;
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('three machines as OTLP records equal one log tree of all their lines', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'telemetry-equal-'));
    const hosts = ['desk', 'laptop', 'server'];
    const models = ['claude-sonnet-4-6', 'claude-opus-4-7', 'claude-haiku-4-5'];
    const start = Date.parse('2026-11-02T06:13:00Z');
    const bodies = [];
    let n = 0;
    let last = 0;
    for (const [h, host] of hosts.entries()) {
      const lines = [];
      const records = [];
      for (let i = 0; i < 60; i++) {
        // bursts and gaps over several days; each machine offset so they interleave
        const t = start + i * 37 * 60_000 + (i % 11 === 0 ? 7 * 3600_000 : 0) + h * 13 * 60_000 + Math.floor(i / 20) * 26 * 3600_000 + n;
        n += 1000;
        last = Math.max(last, t);
        const iso = new Date(t).toISOString();
        const usage = { input_tokens: 5 + i, output_tokens: 300 + 17 * i, cache_creation_input_tokens: 1000 * (i % 3), cache_read_input_tokens: 20000 + i };
        const model = models[(i + h) % 3];
        const id = `${host}-${i}`;
        lines.push(JSON.stringify({ type: 'assistant', sessionId: `s-${host}`, timestamp: iso, requestId: `req_${id}`, message: { id: `msg_${id}`, model, usage } }));
        records.push(apiRequest(iso, id, { model, input_tokens: usage.input_tokens, output_tokens: usage.output_tokens, cache_creation_tokens: usage.cache_creation_input_tokens, cache_read_tokens: usage.cache_read_input_tokens }));
      }
      fs.mkdirSync(path.join(dir, 'projects', host), { recursive: true });
      fs.writeFileSync(path.join(dir, 'projects', host, 'session.jsonl'), lines.join('\n') + '\n');
      bodies.push(logsBody(host, records));
    }
    const now = last + 20 * 60_000; // inside the last block: its burn rate and projection compare too
    const store = new EntryStore(new Pricer());
    await new LogReader(projectRoots(dir, {}, '/nonexistent'), store).scan();
    const logs = buildReport(store, { host: 'all', ...OPTS }, now);
    const { f } = fold(bodies, now);
    const tele = f.report(now);
    assert.ok(logs.blocks.length >= 3, 'the data spans several blocks');
    assert.ok(logs.activeBlock && tele.activeBlock);
    assert.deepEqual(tele.blocks.map((b) => [b.startTime, b.entries]), logs.blocks.map((b) => [b.startTime, b.entries]));
    const strip = (b) => ({ ...b, costUSD: Math.round(b.costUSD * 1e9), burnRate: b.burnRate && Math.round(b.burnRate.costPerHour * 1e6), projection: b.projection && b.projection.totalTokens });
    assert.deepEqual(tele.blocks.map(strip), logs.blocks.map(strip));
    assert.deepEqual({ ...tele.period, costUSD: Math.round(tele.period.costUSD * 1e9), maxBlockCostUSD: 0 }, { ...logs.period, costUSD: Math.round(logs.period.costUSD * 1e9), maxBlockCostUSD: 0 });
    assert.equal(tele.today.totalTokens, logs.today.totalTokens);
    close(tele.today.costUSD, logs.today.costUSD, 'today');
    assert.equal(tele.hosts.reduce((s, h) => s + h.entries, 0), 180);
  });
});
