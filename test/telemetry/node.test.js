'use strict';
// claude-code-telemetry in the Node-RED test helper: the OTLP/HTTP endpoint on the helper's
// HTTP-in app, and the alerts with a fake clock (sinon, Date only).
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const sinon = require('sinon');
const http = require('node:http');
const { isDeepStrictEqual } = require('node:util');
const { testHelper, node: loadNode } = require('../support/node-red');
const { apiRequest, apiError, logsBody } = require('./otlp');

const helper = testHelper();
const telemetryNode = loadNode('claude-code-telemetry');
const TOKEN = 'telemetry-test-token-0123456789ab';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('claude-code-telemetry node', function () {
  let app;
  let clock;
  const capture = (RED) => {
    app = RED.httpNode;
  };
  afterEach(async () => {
    if (clock) clock.restore();
    clock = null;
    await helper.unload();
  });

  async function deploy(props = {}, token = TOKEN) {
    const flow = [
      { id: 'n1', type: 'claude-code-telemetry', name: 'All machines', path: '/claude-usage/otlp', timezone: 'UTC', billingDay: '1', monthlySessions: '50', blockEndingMinutes: '30', inactivityMinutes: '10', wires: [['out'], ['alerts']], ...props },
      { id: 'out', type: 'helper' },
      { id: 'alerts', type: 'helper' },
    ];
    await helper.load([telemetryNode, capture], flow, token ? { n1: { token } } : {});
    const usage = [];
    const alerts = [];
    helper.getNode('out').on('input', (m) => usage.push(m));
    helper.getNode('alerts').on('input', (m) => alerts.push(m));
    await sleep(20);
    return { n1: helper.getNode('n1'), usage, alerts };
  }

  async function until(pred, what) {
    for (let i = 0; i < 300; i++) {
      if (pred()) return;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Posts with node:http to a server around the helper's HTTP-in app. */
  function post(body, { token = TOKEN, type = 'application/json', gzip = true, path = '/claude-usage/otlp/v1/logs', encoding } = {}) {
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    const data = gzip ? zlib.gzipSync(raw) : raw;
    const headers = { 'Content-Type': type, 'Content-Length': data.length };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (gzip || encoding) headers['Content-Encoding'] = encoding || 'gzip';
    return new Promise((resolve, reject) => {
      const server = http.createServer(app).listen(0, '127.0.0.1', () => {
        const req = http.request({ host: '127.0.0.1', port: server.address().port, path, method: 'POST', headers }, (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            server.close();
            const text = Buffer.concat(chunks).toString();
            let json = {};
            try {
              json = JSON.parse(text);
            } catch {
              /* empty answer */
            }
            resolve({ status: res.statusCode, body: json });
          });
        });
        req.on('error', (e) => {
          server.close();
          reject(e);
        });
        req.end(data);
      });
    });
  }

  it('accepts gzip\'d OTLP JSON with the token, answers as OTLP does, and sends output 1 over all machines', async () => {
    const ctx = await deploy();
    const now = Date.now();
    const iso = (ago) => new Date(now - ago * 60_000).toISOString();
    let res = await post(logsBody('desk', [apiRequest(iso(30), 'a', { cost_usd: 0.5 })]));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { partialSuccess: {} });
    res = await post(logsBody('laptop', [apiRequest(iso(20), 'b', { cost_usd: 0.25 }), apiRequest(iso(10), 'c', { model: undefined })]), { gzip: false });
    assert.equal(res.status, 200);
    assert.equal(res.body.partialSuccess.rejectedLogRecords, '1');
    assert.match(res.body.partialSuccess.errorMessage, /no model/);
    await until(() => ctx.usage.length > 0 && ctx.usage[ctx.usage.length - 1].payload.activeBlock?.entries === 2, 'output 1 with both machines');
    const p = ctx.usage[ctx.usage.length - 1].payload;
    assert.equal(ctx.usage[ctx.usage.length - 1].topic, 'All machines');
    assert.equal(p.host, null);
    assert.equal(p.source, 'telemetry');
    assert.deepEqual(p.hosts.map((h) => [h.host, h.entries, h.costUSD]), [['desk', 1, 0.5], ['laptop', 1, 0.25]]);
    assert.doesNotMatch(JSON.stringify(ctx.usage), /prompt|sess-1|req_/, 'no prompt, session or request id is emitted');

    assert.equal((await post({}, { token: 'wrong-token-0123456789abcdef' })).status, 401);
    assert.equal((await post({}, { token: null })).status, 401);
    res = await post(Buffer.from([0x0a, 0x00]), { type: 'application/x-protobuf', gzip: false });
    assert.equal(res.status, 415);
    assert.match(res.body.message, /OTEL_EXPORTER_OTLP_PROTOCOL=http\/json/);
    res = await post('{"resourceLogs": 3}');
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 3);
    assert.match(res.body.message, /resourceLogs/);
    res = await post(Buffer.from('garbage'), { gzip: false, encoding: 'gzip' });
    assert.equal(res.status, 415);
    res = await post({ resourceMetrics: [] }, { path: '/claude-usage/otlp/v1/metrics' });
    assert.equal(res.status, 200);
    res = await post(Buffer.from([0x0a, 0x00]), { path: '/claude-usage/otlp/v1/metrics', type: 'application/x-protobuf', gzip: false });
    assert.equal(res.status, 200);
    // a response to an input message
    const before = ctx.usage.length;
    ctx.n1.receive({ payload: 'x', keep: 1 });
    await until(() => ctx.usage.length > before, 'the answer');
    assert.equal(ctx.usage[ctx.usage.length - 1].keep, 1);
  });

  it('sends output 1 at most once a second while records arrive, the newest values included', async () => {
    const ctx = await deploy();
    const iso = new Date(Date.now() - 60_000).toISOString();
    for (let i = 0; i < 5; i++) await post(logsBody('desk', [apiRequest(iso.replace(/\d\dZ$/, `${String(i).padStart(2, '0')}Z`), `r${i}`)]));
    await until(() => ctx.usage.some((m) => m.payload.activeBlock?.entries === 5), 'all five records reported');
    assert.ok(ctx.usage.length <= 2, `${ctx.usage.length} messages for five quick requests`);
  });

  it('sends block-started, inactive, block-ending and limit-reached for the merged timeline, with alert.host', async () => {
    clock = sinon.useFakeTimers({ now: new Date('2026-11-20T12:00:00Z'), toFake: ['Date'] });
    const ctx = await deploy();
    const at = async (iso) => {
      clock.setSystemTime(new Date(iso));
      const before = ctx.usage.length;
      ctx.n1.receive({ payload: 'check' });
      await until(() => ctx.usage.length > before, 'the answer');
      await sleep(10);
    };
    await post(logsBody('desk', [apiRequest('2026-11-20T10:05:00.000Z', 'a'), apiRequest('2026-11-20T11:55:00.000Z', 'b')]));
    await until(() => ctx.usage.length >= 1, 'the first report');
    const kinds = () => ctx.alerts.map((a) => a.alert.kind);
    assert.deepEqual(kinds(), ['block-started'], 'the first records came while the node watched');
    assert.equal(ctx.alerts[0].alert.host, 'desk');
    assert.equal(ctx.alerts[0].alert.account, 'All machines');
    ctx.alerts.shift();
    await at('2026-11-20T12:06:00Z');
    assert.deepEqual(kinds(), ['inactive']);
    assert.equal(ctx.alerts[0].alert.host, 'desk');
    await post(logsBody('laptop', [apiRequest('2026-11-20T12:07:00.000Z', 'c')]));
    await at('2026-11-20T14:35:00Z');
    assert.deepEqual(kinds(), ['inactive', 'block-ending', 'inactive']);
    assert.equal(ctx.alerts[1].alert.host, 'laptop', 'the machine that worked last');
    clock.setSystemTime(new Date('2026-11-20T15:11:00Z'));
    await post(logsBody('server', [apiRequest('2026-11-20T15:10:00.000Z', 'd')]));
    await until(() => kinds().includes('block-started'), 'block-started');
    const started = ctx.alerts.find((a) => a.alert.kind === 'block-started');
    assert.equal(started.alert.host, 'server');
    await post(logsBody('desk', [apiError('2026-11-20T15:12:00.000Z', '429 {"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed your account\'s rate limit. Please try again later."}}')]));
    await until(() => kinds().includes('limit-reached'), 'limit-reached');
    const limit = ctx.alerts.find((a) => a.alert.kind === 'limit-reached');
    assert.equal(limit.alert.host, 'desk');
    assert.equal(limit.alert.resetsAt, null);
    assert.equal(limit.alert.level, 'critical');
  });

  it('keeps the timeline in node context, compactly and without ids', async () => {
    const first = await deploy();
    await post(logsBody('desk', [apiRequest(new Date(Date.now() - 60_000).toISOString(), 'k')]));
    await until(() => first.usage.length > 0, 'a report');
    // written at most every 10 s, and on close
    await sleep(10_500);
    const kept = first.n1.context().get('telemetry');
    assert.equal(kept.k.length, 1);
    assert.deepEqual(kept.hosts, ['desk']);
    assert.doesNotMatch(JSON.stringify(kept), /prompt|sess-1|req_k/);
  });

  it('refuses a path another node serves, with a red status', async () => {
    const flow = [
      { id: 'n1', type: 'claude-code-telemetry', path: '/same', wires: [[], []] },
      { id: 'n2', type: 'claude-code-telemetry', path: '/same', wires: [[], []] },
    ];
    await helper.load([telemetryNode, capture], flow, { n1: { token: TOKEN }, n2: { token: TOKEN } });
    await sleep(20);
    const n2 = helper.getNode('n2');
    assert.ok(n2.status.args.some((a) => /path taken/.test(a[0].text)) || helper.getNode('n1').status.args.some((a) => /path taken/.test(a[0].text)));
  });

  it('says in German why it cannot listen: a path in use, a bad path', async () => {
    const flow = [
      { id: 'n1', type: 'claude-code-telemetry', path: '/same', wires: [[], []] },
      { id: 'n2', type: 'claude-code-telemetry', path: '/same', wires: [[], []] },
      { id: 'n3', type: 'claude-code-telemetry', path: `/${'x'.repeat(201)}`, wires: [[], []] },
    ];
    await helper.load(loadNode('claude-code-telemetry', 'de'), flow, { n1: { token: TOKEN }, n2: { token: TOKEN }, n3: { token: TOKEN } });
    const said = (id) => {
      const n = helper.getNode(id);
      const calls = (spy) => spy.getCalls().filter((c) => c.thisValue === n);
      return { status: calls(n.status).at(-1).args[0].text, error: String(calls(n.error).at(-1)?.args[0]) };
    };
    const taken = { status: 'Pfad belegt: /same/v1/logs', error: 'ein anderer Node bedient bereits /same/v1/logs: gib diesem Node einen anderen Pfad' };
    const both = [said('n1'), said('n2')];
    assert.ok(both.some((s) => isDeepStrictEqual(s, taken)), JSON.stringify(both));
    assert.deepEqual(said('n3'), { status: 'kann nicht empfangen', error: 'ungültiger Pfad: er ist länger als 200 Zeichen' });
  });

  it('waits with a yellow status when it has no token, and keeps it', async () => {
    const ctx = await deploy({}, null);
    const own = ctx.n1.status.getCalls().filter((c) => c.thisValue === ctx.n1);
    assert.deepEqual(own.at(-1).args[0], { fill: 'yellow', shape: 'ring', text: 'no token: open the node and deploy' });
  });
});
