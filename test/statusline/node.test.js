'use strict';
// The claude-statusline node behind Node-RED's HTTP-in app, on a real socket: auth, every bad
// request, the throttle on a fake clock with its trailing edge, several senders, windows that
// come alone or go, history replay, and kept state that comes back damaged.
const assert = require('node:assert/strict');
const http = require('node:http');
const sinon = require('sinon');
const { testHelper, node } = require('../support/node-red');

const helper = testHelper();
const statuslineNode = node('claude-statusline');
const TOKEN = 'statusline-test-token-0123456789ab';
const PATH = '/claude-usage/statusline';

/** Captures the HTTP-in app the node registers its route on. */
let nodeApp = null;
function wrapped(RED) {
  nodeApp = RED.httpNode;
  return statuslineNode(RED);
}

function flow(extra = {}) {
  return [
    { id: 'tab', type: 'tab', label: 'test' },
    { id: 'sl', z: 'tab', type: 'claude-statusline', name: '', account: 'laptops', path: PATH, throttle: 5, history: 100, wires: [['out']], ...extra },
    { id: 'out', z: 'tab', type: 'helper' },
  ];
}

/** The calls of a Node method (status, warn, …) made by node `n` (the helper spies on every node's). */
function callsOf(n, method) {
  return n[method].getCalls().filter((c) => c.thisValue === n);
}

function collect(n) {
  const got = [];
  n.on('input', (msg) => got.push(msg));
  return got;
}

/** Leaves a window out of report(). */
const ABSENT = Symbol('absent');

/** A report as Claude Code's status line gets it on stdin. */
function report({ five = { used_percentage: 42, resets_at: null }, seven = { used_percentage: 18, resets_at: null }, extra = {} } = {}) {
  const rate_limits = {};
  if (five !== ABSENT) rate_limits.five_hour = five;
  if (seven !== ABSENT) rate_limits.seven_day = seven;
  return {
    session_id: '65f4714e-3848-434d-b684-9068108338d1',
    model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
    version: '2.1.281',
    cost: { total_cost_usd: 0.25, total_lines_added: 3 },
    context_window: { used_percentage: 12, context_window_size: 200000 },
    rate_limits,
    ...extra,
  };
}

describe('claude-statusline node', function () {
  let server;
  let port;
  let clock;
  /**
   * With a configured context store Node-RED keeps a node's context when the node closes (as a
   * persistent store does across a restart); the default unconfigured one drops it. The helper
   * does not load the configured stores itself, so load() does (internal API, as the helper's own
   * unload uses).
   */
  let persistent = false;
  function usePersistentContext() {
    persistent = true;
    helper.settings({ contextStorage: { default: { module: 'memory' } } });
  }

  beforeEach(async () => {
    await new Promise((r) => helper.startServer(r));
  });
  afterEach(async () => {
    clock?.restore();
    clock = null;
    if (persistent) helper.settings({ contextStorage: {} });
    persistent = false;
    await helper.unload();
    if (server) {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
      server = null;
    }
    await new Promise((r) => helper.stopServer(r));
  });

  async function load(f = flow(), creds = { sl: { token: TOKEN } }) {
    await helper.load(wrapped, f, creds);
    if (persistent) await helper._context.load();
    if (!server) {
      server = http.createServer((req, res) => nodeApp(req, res));
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      port = server.address().port;
    }
  }

  function post(body, { headers = {}, raw = false, path = PATH } = {}) {
    const data = Buffer.from(raw ? body : JSON.stringify(body));
    const h = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'Content-Length': data.length, ...headers };
    for (const k of Object.keys(h)) if (h[k] === null) delete h[k];
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: h }, (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString() }));
      });
      req.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: 'reset' }) : reject(e)));
      req.end(data);
    });
  }

  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };

  it('accepts a report with 204 and sends the claude-usage payload with source "statusline" and claudeCode', async () => {
    await load();
    const got = collect(helper.getNode('out'));
    const resetsAt = new Date(Date.now() + 72 * 60_000).toISOString();
    const r = await post(report({ five: { used_percentage: 42.3, resets_at: Math.floor(Date.parse(resetsAt) / 1000) } }), { headers: { 'X-Claude-Host': 'mbp' } });
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    await settle();
    assert.equal(got.length, 1);
    const msg = got[0];
    assert.equal(msg.topic, 'laptops');
    const p = msg.payload;
    assert.deepEqual(Object.keys(p).sort(), ['account', 'breakdown', 'claudeCode', 'cookie', 'extraUsage', 'fetchedAt', 'limits', 'organization', 'pace', 'plan', 'planTier', 'pools', 'session', 'source', 'weekly'].sort());
    assert.equal(p.account, 'laptops');
    assert.equal(p.source, 'statusline');
    assert.equal(p.organization, null);
    assert.equal(p.plan, null);
    assert.equal(p.planTier, null);
    assert.equal(p.extraUsage, null);
    assert.equal(p.breakdown, null);
    assert.equal(p.cookie, null);
    assert.deepEqual(p.pools, []);
    assert.equal(p.session.pct, 42.3);
    assert.equal(p.session.resetsAt, new Date(Math.floor(Date.parse(resetsAt) / 1000) * 1000).toISOString());
    assert.ok(p.session.resetsInMinutes >= 71 && p.session.resetsInMinutes <= 72);
    assert.deepEqual(p.weekly, { pct: 18, resetsAt: null, resetsInMinutes: null });
    assert.deepEqual(p.limits.map((l) => [l.id, l.kind, l.label, l.severity, l.active]), [
      ['session', 'session', '5-hour', null, null],
      ['weekly', 'weekly', 'Weekly', null, null],
    ]);
    assert.deepEqual(p.pace, { session: null, weekly: null });
    assert.deepEqual(p.claudeCode, { host: 'mbp', sessionId: '65f4714e-3848-434d-b684-9068108338d1', model: 'claude-opus-5-5', version: '2.1.281', sessionCostUSD: 0.25, contextPct: 12 });
    assert.ok(Math.abs(Date.parse(p.fetchedAt) - Date.now()) < 5000);
  });

  it('names the machine "unknown" without X-Claude-Host (or with an unusable one)', async () => {
    await load();
    const got = collect(helper.getNode('out'));
    await post(report());
    await post(report({ five: { used_percentage: 50 } }), { headers: { 'X-Claude-Host': 'x'.repeat(200) } });
    await settle();
    assert.equal(got[0].payload.claudeCode.host, 'unknown');
  });

  it('answers 401 with no detail for a missing or wrong token, and sends nothing', async () => {
    await load();
    const got = collect(helper.getNode('out'));
    for (const auth of [null, 'Bearer wrong-token-0123456789abcdef', `Basic ${TOKEN}`]) {
      const r = await post(report(), { headers: { Authorization: auth } });
      assert.equal(r.status, 401);
      assert.equal(r.text, '');
    }
    await settle();
    assert.equal(got.length, 0);
  });

  it('answers 400, 413 and 415 for bad requests, with a clear error that quotes nothing received', async () => {
    await load();
    const got = collect(helper.getNode('out'));
    const cases = [
      ['{"rate_limits": /home/me/secret-project', { raw: true }, 400, /not valid JSON/],
      ['[1,2]', { raw: true }, 400, /JSON object/],
      ['null', { raw: true }, 400, /JSON object/],
      ['"/home/me/secret-project"', { raw: true }, 400, /JSON object/],
      ['', { raw: true }, 400, /not valid JSON/],
      ['{"x":"' + 'a'.repeat(70 * 1024) + '"}', { raw: true }, 413, /larger than 65536/],
      ['rate_limits=1', { raw: true, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }, 415, /application\/json/],
      ['{}', { raw: true, headers: { 'Content-Type': 'text/plain' } }, 415, /application\/json/],
    ];
    for (const [body, opts, status, words] of cases) {
      const r = await post(body, opts);
      assert.equal(r.status, status, body.slice(0, 40));
      assert.match(JSON.parse(r.text).error, words);
      assert.doesNotMatch(r.text, /secret-project/);
    }
    await settle();
    assert.equal(got.length, 0);
    assert.equal((await post(report())).status, 204, 'still serving');
  });

  it('accepts a report without rate_limits (API-key login, first render) with 204 and sends nothing', async () => {
    await load();
    const got = collect(helper.getNode('out'));
    const body = report();
    delete body.rate_limits;
    assert.equal((await post(body)).status, 204);
    assert.equal((await post({ ...body, rate_limits: null })).status, 204);
    await settle();
    assert.equal(got.length, 0);
    assert.match(callsOf(helper.getNode('sl'), 'status').at(-1).args[0].text, /no rate_limits/);
    helper.getNode('sl').receive({ payload: 'now' });
    await settle();
    assert.equal(got.length, 1, 'an input message gets the (empty) values');
    assert.deepEqual(got[0].payload.limits, []);
  });

  it('throttles on a fake clock: a change within the throttle goes out when it ends, with the newest values', async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await load();
    const got = collect(helper.getNode('out'));
    await post(report({ five: { used_percentage: 40 } }));
    await settle();
    assert.equal(got.length, 1, 'the first report goes out at once');
    await clock.tickAsync(1000);
    await post(report({ five: { used_percentage: 41 } }));
    await clock.tickAsync(1000);
    await post(report({ five: { used_percentage: 43 } }));
    await settle();
    assert.equal(got.length, 1, 'changes inside the throttle wait');
    await clock.tickAsync(2999);
    assert.equal(got.length, 1);
    await clock.tickAsync(1);
    assert.equal(got.length, 2, 'the trailing edge');
    assert.equal(got[1].payload.session.pct, 43, 'with the newest values');
    await clock.tickAsync(10_000);
    assert.equal(got.length, 2, 'one trailing message only');
    await post(report({ five: { used_percentage: 43 } }));
    await settle();
    assert.equal(got.length, 2, 'an unchanged report sends nothing');
    await post(report({ five: { used_percentage: 44 } }));
    await settle();
    assert.equal(got.length, 3, 'after the throttle a change goes out at once');
    // the throttle counts from the last message, so a change right after it waits again
    await post(report({ five: { used_percentage: 45 } }));
    await clock.tickAsync(5000);
    assert.deepEqual(got.map((m) => m.payload.session.pct), [40, 43, 44, 45]);
  });

  it('a resetsAt change alone is a change; throttle 0 sends every change at once', async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await load(flow({ throttle: 0 }));
    const got = collect(helper.getNode('out'));
    await post(report({ five: { used_percentage: 40, resets_at: '2026-12-07T12:00:00Z' } }));
    await post(report({ five: { used_percentage: 40, resets_at: '2026-12-07T12:00:00Z' } }));
    await post(report({ five: { used_percentage: 40, resets_at: '2026-12-07T15:00:00Z' } }));
    await settle();
    assert.deepEqual(got.map((m) => m.payload.session.resetsAt), ['2026-12-07T12:00:00.000Z', '2026-12-07T15:00:00.000Z']);
  });

  it('takes reports from several machines: the newest wins, a window one lacks keeps its last value', async () => {
    await load(flow({ throttle: 0 }));
    const got = collect(helper.getNode('out'));
    await post(report({ five: { used_percentage: 40 }, seven: { used_percentage: 20 } }), { headers: { 'X-Claude-Host': 'desk' } });
    await post(report({ five: { used_percentage: 44 }, seven: ABSENT, extra: { session_id: 'other-session' } }), { headers: { 'X-Claude-Host': 'laptop' } });
    await post(report({ five: { used_percentage: 39 }, seven: { used_percentage: 21 } }), { headers: { 'X-Claude-Host': 'desk' } });
    await settle();
    assert.equal(got.length, 3);
    assert.deepEqual([got[1].payload.session.pct, got[1].payload.weekly.pct, got[1].payload.claudeCode.host, got[1].payload.claudeCode.sessionId], [44, 20, 'laptop', 'other-session']);
    assert.deepEqual([got[2].payload.session.pct, got[2].payload.weekly.pct, got[2].payload.claudeCode.host], [39, 21, 'desk']);
  });

  it('reads windows that come alone, null, with a null used_percentage or a null resets_at', async () => {
    await load(flow({ throttle: 0 }));
    const got = collect(helper.getNode('out'));
    const epoch = Math.floor(Date.now() / 1000) + 3 * 86_400;
    await post(report({ five: ABSENT, seven: { used_percentage: 30, resets_at: String(epoch) } }));
    await settle();
    assert.equal(got[0].payload.session, null);
    assert.deepEqual(got[0].payload.limits.map((l) => l.id), ['weekly']);
    assert.equal(got[0].payload.weekly.resetsAt, new Date(epoch * 1000).toISOString());
    await post(report({ five: { used_percentage: 10, resets_at: null }, seven: null }));
    await settle();
    assert.equal(got[1].payload.session.resetsAt, null);
    assert.equal(got[1].payload.weekly.pct, 30, 'a null window keeps its last value');
    await post(report({ five: { used_percentage: null, resets_at: epoch }, seven: { used_percentage: 31 } }));
    await settle();
    assert.equal(got[2].payload.session.pct, 10, 'a null used_percentage is absent');
    assert.equal(got[2].payload.weekly.pct, 31);
    const nulls = report({ extra: { session_id: null, model: null, version: null, cost: null, context_window: { used_percentage: null } } });
    assert.equal((await post(nulls)).status, 204);
    await settle();
    assert.deepEqual({ ...got.at(-1).payload.claudeCode, host: 'x' }, { host: 'x', sessionId: null, model: null, version: null, sessionCostUSD: null, contextPct: null });
  });

  it('leaves out a window that is not a number in 0–1000 with a warning; the rest still counts', async () => {
    await load(flow({ throttle: 0 }));
    const got = collect(helper.getNode('out'));
    const r = await post(report({ five: { used_percentage: 1200 }, seven: { used_percentage: 25 } }));
    assert.equal(r.status, 204);
    await post(report({ five: { used_percentage: 'lots' }, seven: { used_percentage: 26, resets_at: 'not a time' } }));
    await settle();
    assert.equal(got.length, 1);
    assert.equal(got[0].payload.session, null);
    assert.equal(got[0].payload.weekly.pct, 25);
    const warnings = callsOf(helper.getNode('sl'), 'warn').map((c) => String(c.args[0]));
    assert.ok(warnings.some((w) => /five_hour\.used_percentage is 1200, not a number from 0 to 1000/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /five_hour\.used_percentage is text/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /seven_day\.resets_at is text, not a time/.test(w)), warnings.join('\n'));
    assert.ok(!warnings.some((w) => /lots|not a time"/.test(w)), 'no received text is quoted');
  });

  it('drops a kept window once its resetsAt passes, and says so in a message', async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await load();
    const got = collect(helper.getNode('out'));
    await post(report({ five: { used_percentage: 80, resets_at: '2026-12-07T10:30:00Z' }, seven: { used_percentage: 50, resets_at: '2026-12-10T00:00:00Z' } }));
    await settle();
    await clock.tickAsync(20 * 60_000);
    await post(report({ five: ABSENT, seven: { used_percentage: 50, resets_at: '2026-12-10T00:00:00Z' } }));
    await settle();
    assert.equal(got.length, 1, 'the kept session still holds');
    await clock.tickAsync(11 * 60_000);
    assert.equal(got.length, 2, 'the reset passed');
    assert.equal(got[1].payload.session, null);
    assert.equal(got[1].payload.weekly.pct, 50);
    // a report after the reset without the window does not bring it back
    await post(report({ five: ABSENT, seven: { used_percentage: 50, resets_at: '2026-12-10T00:00:00Z' } }));
    await settle();
    helper.getNode('sl').receive({});
    await settle();
    assert.equal(got.at(-1).payload.session, null);
  });

  it('answers msg.history with the current payload and the kept samples; pace from the samples', async () => {
    clock = sinon.useFakeTimers({ now: Date.parse('2026-12-07T10:00:00Z'), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await load();
    const got = collect(helper.getNode('out'));
    helper.getNode('sl').receive({ history: true });
    await settle();
    assert.equal(got[0].payload, null, 'nothing received yet');
    assert.deepEqual(got[0].history, []);
    await post(report({ five: { used_percentage: 40, resets_at: '2026-12-07T12:00:00Z' } }));
    await clock.tickAsync(30 * 60_000);
    await post(report({ five: { used_percentage: 45, resets_at: '2026-12-07T12:00:00Z' } }));
    await settle();
    const last = got.at(-1).payload;
    assert.equal(last.pace.session.pctPerHour, 10);
    assert.equal(last.pace.session.projectedPctAtReset, 60);
    assert.deepEqual(last.pace.weekly, { pctPerHour: 0, projectedPctAtReset: null, exhaustsAt: null }, 'no reset time: no projection');
    helper.getNode('sl').receive({ history: true, topic: 'chart' });
    await settle();
    const replay = got.at(-1);
    assert.equal(replay.topic, 'laptops');
    assert.equal(replay.payload.session.pct, 45);
    assert.deepEqual(replay.history.map((h) => h.pct.session), [40, 45]);
    assert.deepEqual(Object.keys(replay.history[0]), ['fetchedAt', 'pct']);
  });

  it('keeps the last values in context and sends them again after a redeploy', async () => {
    usePersistentContext();
    await load(flow({ throttle: 0 }));
    await post(report({ five: { used_percentage: 61 } }), { headers: { 'X-Claude-Host': 'desk' } });
    await settle();
    const kept = helper.getNode('sl').context().get('last');
    assert.equal(kept.windows.session.pct, 61);
    await helper.setFlows(flow({ throttle: 0, name: 'again' }), 'full', { sl: { token: TOKEN } });
    const got = collect(helper.getNode('out'));
    await settle();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(got.length, 1);
    assert.equal(got[0].payload.session.pct, 61);
    assert.equal(got[0].payload.claudeCode.host, 'desk');
  });

  it('drops damaged kept values with one warning each, and starts fresh', async () => {
    usePersistentContext();
    await load(flow({ throttle: 0 }));
    const ctx = helper.getNode('sl').context();
    ctx.set('last', { receivedAt: 'yesterday', windows: { session: { pct: 'x' } } });
    ctx.set('history', [{ fetchedAt: 12, pct: null }]);
    const warnings = [];
    const original = helper.log;
    await helper.setFlows(flow({ throttle: 0, name: 'again' }), 'full', { sl: { token: TOKEN } });
    const n = helper.getNode('sl');
    await new Promise((r) => setTimeout(r, 50));
    const logged = helper.log().args.filter((a) => a[0] && a[0].level === helper.log().WARN && a[0].id === 'sl').map((a) => String(a[0].msg));
    warnings.push(...logged);
    assert.equal(warnings.filter((w) => /dropped the kept last/.test(w)).length, 1, warnings.join('\n'));
    assert.equal(warnings.filter((w) => /dropped the kept history/.test(w)).length, 1, warnings.join('\n'));
    assert.equal(ctx.get('last'), undefined);
    assert.ok(original);
    const got = collect(helper.getNode('out'));
    n.receive({ history: true });
    await settle();
    assert.equal(got[0].payload, null);
    assert.deepEqual(got[0].history, []);
    assert.equal((await post(report())).status, 204);
  });

  it('refuses a path another node serves, with a red "path in use" status, and serves nothing without a token', async () => {
    await load([...flow(), { id: 'sl2', z: 'tab', type: 'claude-statusline', account: 'b', path: PATH, throttle: 5, history: 10, wires: [[]] }, { id: 'sl3', z: 'tab', type: 'claude-statusline', account: 'c', path: '/other', throttle: 5, history: 10, wires: [[]] }], { sl: { token: TOKEN }, sl2: { token: TOKEN } });
    await settle();
    const sl2 = helper.getNode('sl2');
    assert.ok(callsOf(sl2, 'status').some((c) => c.args[0].fill === 'red' && /path in use: \/claude-usage\/statusline/.test(c.args[0].text)));
    assert.ok(callsOf(helper.getNode('sl3'), 'status').some((c) => c.args[0].fill === 'yellow' && /no token/.test(c.args[0].text)));
    const logged = helper.log().args.map((a) => a[0]).filter((e) => e && e.id === 'sl2' && e.level === helper.log().ERROR);
    assert.ok(logged.some((e) => /already serves \/claude-usage\/statusline/.test(String(e.msg))), JSON.stringify(logged));
    assert.equal((await post(report())).status, 204, 'the first owner still serves');
    assert.equal((await post(report(), { path: '/other' })).status, 404, 'no token: no route');
  });

  it('says in German why it cannot listen: a path in use, a bad path, a short token', async () => {
    const flows = [
      { id: 'tab', type: 'tab', label: 'test' },
      { id: 'sa', z: 'tab', type: 'claude-statusline', account: 'one', path: '/taken', wires: [[]] },
      { id: 'sb', z: 'tab', type: 'claude-statusline', account: 'two', path: '/taken', wires: [[]] },
      { id: 'sc', z: 'tab', type: 'claude-statusline', account: 'three', path: '/a//b', wires: [[]] },
      { id: 'sd', z: 'tab', type: 'claude-statusline', account: 'four', path: '/short', wires: [[]] },
    ];
    await helper.load(node('claude-statusline', 'de'), flows, { sa: { token: TOKEN }, sb: { token: TOKEN }, sc: { token: TOKEN }, sd: { token: 'short' } });
    const said = (id) => {
      const n = helper.getNode(id);
      return { status: callsOf(n, 'status').at(-1).args[0].text, error: String(callsOf(n, 'error').at(-1)?.args[0]) };
    };
    assert.deepEqual(said('sb'), { status: 'Pfad belegt: /taken', error: 'ein anderer Node bedient bereits /taken: gib diesem Node einen anderen Pfad' });
    assert.deepEqual(said('sc'), { status: 'kann nicht empfangen', error: 'ungültiger Pfad: erlaubt sind Buchstaben, Ziffern, "-", "_", ".", "~" und einzelne "/"' });
    assert.deepEqual(said('sd'), { status: 'kann nicht empfangen', error: 'das Token fehlt oder ist kürzer als 16 Zeichen: öffne den Node, der ein neues einträgt, und übernimm ihn (Deploy)' });
  });

  it('leaves no trace of paths, prompts or other fields of the body in messages, context, logs or status', async () => {
    await load(flow({ throttle: 0 }));
    const sl = helper.getNode('sl');
    const got = collect(helper.getNode('out'));
    const MARK = 'SECRET-PATH-MARK';
    const body = report({
      five: { used_percentage: 1500, resets_at: `/Users/me/${MARK}` },
      extra: {
        cwd: `/Users/me/${MARK}/project`,
        transcript_path: `/Users/me/.claude/projects/${MARK}.jsonl`,
        workspace: { current_dir: `/Users/me/${MARK}`, project_dir: `/Users/me/${MARK}` },
        worktree: { path: `/tmp/${MARK}` },
        prompt: `write my ${MARK} password`,
        output_style: { name: MARK },
        session_id: `../../${MARK}`,
        model: { id: `/etc/${MARK}`, display_name: `C:\\${MARK}` },
        version: `/${MARK}`,
        cost: { total_cost_usd: 1, note: MARK },
        context_window: { used_percentage: 5, note: MARK },
        rate_limits: { five_hour: { used_percentage: 20, resets_at: null, note: MARK }, seven_day: { used_percentage: `${MARK}` }, [MARK]: { used_percentage: 1 } },
      },
    });
    assert.equal((await post(body, { headers: { 'X-Claude-Host': `/home/${MARK}` } })).status, 204);
    assert.equal((await post(`{"cwd":"/${MARK}",`, { raw: true })).status, 400);
    await settle();
    sl.receive({ history: true });
    sl.receive({});
    await settle();
    assert.ok(got.length >= 2);
    const traces = {
      messages: JSON.stringify(got),
      context: JSON.stringify({ last: sl.context().get('last'), history: sl.context().get('history') }),
      logs: JSON.stringify(helper.log().args),
      status: JSON.stringify(callsOf(sl, 'status').map((c) => c.args)),
      warnings: JSON.stringify(callsOf(sl, 'warn').map((c) => c.args)),
    };
    for (const [where, text] of Object.entries(traces)) assert.ok(!text.includes(MARK), `${where} holds part of the body: ${text.slice(0, 400)}`);
    assert.equal(got[0].payload.session.pct, 20);
    assert.deepEqual(got[0].payload.claudeCode, { host: 'unknown', sessionId: null, model: null, version: null, sessionCostUSD: 1, contextPct: 5 });
  });

  it('removes its route on close', async () => {
    await load();
    assert.equal((await post(report())).status, 204);
    await helper.setFlows([{ id: 'tab', type: 'tab', label: 'test' }], 'full');
    assert.equal((await post(report())).status, 404);
  });
});
