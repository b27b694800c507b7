'use strict';
const assert = require('node:assert/strict');
const sinon = require('sinon');
const { testHelper, node, lib } = require('../support/node-red');
const { T0, MIN, HOUR, iso, SESSION_END, official, logs, limitReached } = require('./messages');

const helper = testHelper();
const insightNode = node('claude-insight');
const STATE_KEY = 'claudeInsight';

function flow(props = {}) {
  return [
    { id: 'i1', type: 'claude-insight', name: '', account: '', elsewherePct: 3, capChangePct: 25, minCalibrationPct: 10, windowsKept: 12, wires: [['out1'], ['out2']], ...props },
    { id: 'out1', type: 'helper' },
    { id: 'out2', type: 'helper' },
    { id: 'done', type: 'complete', scope: ['i1'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper' },
    { id: 'caught', type: 'catch', scope: ['i1'], uncaught: false, wires: [['errors']] },
    { id: 'errors', type: 'helper' },
  ];
}

/** Sends messages one by one, waiting for each `done()`; returns what came out of each output. */
async function feed(messages) {
  const i1 = helper.getNode('i1');
  const out = { insight: [], alerts: [], errors: [] };
  const on = [
    ['out1', (m) => out.insight.push(m)],
    ['out2', (m) => out.alerts.push(m)],
    ['errors', (m) => out.errors.push(m)],
  ];
  for (const [id, fn] of on) helper.getNode(id).on('input', fn);
  try {
    for (const msg of messages) {
      const completed = new Promise((resolve) => helper.getNode('completed').once('input', resolve));
      i1.receive(msg);
      await completed;
    }
  } finally {
    for (const [id, fn] of on) helper.getNode(id).removeListener('input', fn);
  }
  return out;
}

/** Calls of a Node.prototype spy made by the node with id `id`. */
const callsOf = (spy, id = 'i1') => spy.getCalls().filter((c) => c.thisValue && c.thisValue.id === id);
const warnings = () => callsOf(helper.getNode('i1').warn).map((c) => String(c.args[0]));
const lastStatus = () => callsOf(helper.getNode('i1').status).at(-1).args[0];

describe('claude-insight node', () => {
  afterEach(async () => {
    sinon.restore();
    await helper.unload();
  });

  it('loads with the spec defaults and waits for usage', async () => {
    await helper.load(insightNode, [{ id: 'i1', type: 'claude-insight', name: 'split' }]);
    assert.equal(helper.getNode('i1').name, 'split');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(lastStatus(), { fill: 'grey', shape: 'ring', text: 'waiting for usage' });
    assert.deepEqual(warnings(), []);
  });

  it('splits the official rise over two hosts and sends output 1 after every official sample', async () => {
    const clock = sinon.useFakeTimers({ now: T0 + 20 * MIN, toFake: ['Date'] });
    await helper.load(insightNode, flow());
    const out = await feed([logs('laptop', 0), logs('desktop', 0), official(0, 10, 40), logs('laptop', 30_000), logs('desktop', 10_000), official(5, 14, 41)]);
    assert.equal(out.insight.length, 2, 'one per official sample, none per count');
    const last = out.insight[1];
    assert.equal(last.topic, 'work');
    assert.equal(last.payload.account, 'work');
    assert.equal(last.payload.at, iso(clock.now));
    assert.deepEqual(last.payload.windows.session.byHost, [{ host: 'laptop', pct: 3, tokens: 30_000 }, { host: 'desktop', pct: 1, tokens: 10_000 }]);
    assert.equal(last.payload.windows.session.unknownPct, 10);
    assert.deepEqual(last.payload.windows.weekly.byHost.map((h) => [h.host, h.pct]), [['laptop', 0.75], ['desktop', 0.25]]);
    assert.equal(out.alerts.length, 0);
    assert.deepEqual(warnings(), []);
    assert.deepEqual(lastStatus(), { fill: 'green', shape: 'dot', text: '5h 14% · wk 41% · 2 hosts' });
  });

  it('shows its status in German', async () => {
    sinon.useFakeTimers({ now: T0 + 20 * MIN, toFake: ['Date'] });
    await helper.load(node('claude-insight', 'de'), flow());
    assert.equal(lastStatus().text, 'warte auf Nutzungsdaten');
    await feed([logs('laptop', 0), official(0, 10, 40), logs('laptop', 30_000), official(5, 14, 41)]);
    assert.deepEqual(lastStatus(), { fill: 'green', shape: 'dot', text: '5h 14 % · Wo. 41 % · 1 Rechner' });
    await feed([logs('desktop', 0), official(6, 20, 42)]);
    assert.match(lastStatus().text, /^5h 20 % \(\d+(\.\d)? anderswo\) · Wo. 42 %/);
  });

  it('sends usage-elsewhere, limit-hit and cap-changed on output 2 as alert messages', async () => {
    const clock = sinon.useFakeTimers({ now: T0 + 30 * 24 * HOUR, toFake: ['Date'] });
    await helper.load(insightNode, flow({ elsewherePct: '2', minCalibrationPct: '5', windowsKept: '5' }));
    const msgs = [logs('laptop', 0)];
    let tokens = 0;
    let end = SESSION_END;
    let minute = 0;
    // Three windows where 1 % buys 1000 tokens, then one where it buys 500.
    for (const perPct of [1000, 1000, 1000, 500]) {
      msgs.push(official((minute += 1), { pct: 2, resetsAt: end }));
      tokens += perPct * 10;
      msgs.push(logs('laptop', tokens));
      msgs.push(official((minute += 1), { pct: 12, resetsAt: end }));
      end += 5 * HOUR;
    }
    end -= 5 * HOUR;
    msgs.push(official((minute += 1), { pct: 15, resetsAt: end })); // 3 points elsewhere
    msgs.push(official((minute += 1), { pct: 100, resetsAt: end })); // elsewhere again, and the limit
    msgs.push(official((minute += 1), { pct: 101, resetsAt: end }));
    const out = await feed(msgs);
    assert.deepEqual(out.alerts.map((m) => [m.alert.kind, m.alert.level, m.alert.limit_type]), [
      ['cap-changed', 'warning', 'session'],
      ['usage-elsewhere', 'warning', 'session'],
      ['limit-hit', 'critical', 'session'],
    ]);
    for (const m of out.alerts) {
      assert.equal(m.topic, m.alert.title);
      assert.equal(m.payload, m.alert.message);
      assert.deepEqual(Object.keys(m.alert), ['title', 'message', 'account', 'kind', 'limit_type', 'pct', 'threshold', 'resetsAt', 'level', 'at']);
      assert.equal(m.alert.account, 'work');
      assert.equal(m.alert.threshold, null);
    }
    assert.match(out.alerts[0].payload, /now buys 500 tokens, 50% fewer than the median of the last 3 windows \(1,000\)/);
    assert.equal(out.alerts[2].alert.at, iso(T0 + minute * MIN - MIN), 'the sample time');
    const last = out.insight.at(-1).payload;
    assert.deepEqual(last.ledger, [{ at: iso(T0 + (minute - 1) * MIN), limit: 'session', resetsAt: iso(end), source: 'official' }]);
    assert.deepEqual(last.calibration.session.map((c) => c.tokensPerPct), [1000, 1000, 1000]);
    assert.equal(last.at, iso(clock.now));
    assert.equal(lastStatus().fill, 'red');
  });

  it('takes limit-reached alerts into the ledger (and sends output 1); other alerts change nothing and say nothing', async () => {
    await helper.load(insightNode, flow());
    const blockEnding = { topic: 'Claude Code block ends in 20m', payload: 'laptop: …', alert: { kind: 'block-ending', at: iso(T0) } };
    const out = await feed([blockEnding, limitReached(iso(T0 + MIN), { limit: 'weekly', host: 'build', resetsAt: iso(SESSION_END) })]);
    assert.equal(out.insight.length, 1);
    assert.deepEqual(out.insight[0].payload.ledger, [{ at: iso(T0 + MIN), limit: 'weekly', resetsAt: iso(SESSION_END), source: 'build' }]);
    assert.equal(out.alerts.length, 0, 'a limit-reached alert passed in is not a limit-hit');
    assert.deepEqual(warnings(), []);
  });

  it('answers msg.insight = true with output 1, keeping the message', async () => {
    await helper.load(insightNode, flow({ account: 'work' }));
    const out = await feed([official(0, 20), { insight: true, topic: 'ask', req: 'kept' }]);
    assert.equal(out.insight.length, 2);
    const answer = out.insight[1];
    assert.equal(answer.req, 'kept');
    assert.equal(answer.topic, 'work');
    assert.equal(answer.payload.windows.session.pct, 20);
  });

  it('warns on anything else, sends nothing, calls done without an error and keeps its state', async () => {
    await helper.load(insightNode, flow());
    await feed([logs('laptop', 0), official(0, 10)]);
    const bad = [{ payload: 'text' }, { payload: null }, { payload: { account: 'work' } }, { payload: { period: { totalTokens: 'x' }, blocks: [] } }, { payload: { period: { totalTokens: 1 }, blocks: [] } }];
    const out = await feed(bad);
    assert.deepEqual([out.insight.length, out.alerts.length, out.errors.length], [0, 0, 0]);
    assert.equal(warnings().length, bad.length);
    assert.deepEqual(lastStatus(), { fill: 'yellow', shape: 'ring', text: 'bad input' });
    const after = await feed([logs('laptop', 2_000), official(5, 12)]);
    assert.deepEqual(after.insight[0].payload.windows.session.byHost, [{ host: 'laptop', pct: 2, tokens: 2_000 }]);
  });

  it('follows the configured account and warns once per other account', async () => {
    await helper.load(insightNode, flow({ account: 'work' }));
    const out = await feed([official(0, 10, 5, 'home'), official(1, 20, 5, 'home'), official(2, 30, 5, 'work')]);
    assert.deepEqual(out.insight.map((m) => m.payload.windows.session.pct), [30]);
    assert.deepEqual(warnings(), ['ignoring usage of account "home": this node follows "work"']);
  });

  it('handles messages one at a time in arrival order', async () => {
    await helper.load(insightNode, flow());
    const i1 = helper.getNode('i1');
    const insight = [];
    helper.getNode('out1').on('input', (m) => insight.push(m.payload));
    let completed = 0;
    helper.getNode('completed').on('input', () => completed++);
    const msgs = [logs('laptop', 0), official(0, 10), logs('laptop', 1_000), official(1, 11), logs('desktop', 0), logs('desktop', 3_000), logs('laptop', 2_000), official(2, 15)];
    for (const m of msgs) i1.receive(m); // all at once, before the kept state has even loaded
    while (completed < msgs.length) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(insight.at(-1).windows.session.byHost, [{ host: 'desktop', pct: 3, tokens: 3_000 }, { host: 'laptop', pct: 2, tokens: 2_000 }]);
  });

  // Without a configured context store Node-RED drops node context when a node closes, so a
  // redeploy is shown here by handing a new node what the first one kept (the context read is
  // stubbed); the real thing, a localfilesystem store through a redeploy and a restart, is in e2e.test.js.
  it('keeps its state in node context as plain JSON, bounded by windowsKept, and starts from it again', async () => {
    const f = flow({ windowsKept: 3 });
    await helper.load(insightNode, f);
    const msgs = [logs('laptop', 0)];
    for (let i = 0; i < 6; i++) msgs.push(official(i, { pct: 20 + i, resetsAt: SESSION_END + i * 5 * HOUR }));
    await feed(msgs);
    const stored = helper.getNode('i1').context().get(STATE_KEY);
    assert.deepEqual(JSON.parse(JSON.stringify(stored)), stored, 'plain JSON, as a file store keeps it');
    assert.equal(stored.calibration.session.length, 3);
    assert.equal(stored.account, 'work');
    await helper.unload();

    const contextGet = sinon.stub(lib('context'), 'contextGet').resolves(JSON.parse(JSON.stringify(stored)));
    await helper.load(insightNode, f);
    const out = await feed([logs('laptop', 5_000), official(10, { pct: 27, resetsAt: SESSION_END + 5 * 5 * HOUR })]);
    assert.equal(contextGet.firstCall.args[1], STATE_KEY);
    const w = out.insight[0].payload.windows.session;
    assert.deepEqual(w.byHost, [{ host: 'laptop', pct: 2, tokens: 5_000 }], 'the counter baseline and the window were kept');
    assert.equal(out.insight[0].payload.calibration.session.length, 3);
    assert.deepEqual(warnings(), []);
  });

  for (const [what, damaged] of [
    ['a wrong shape', { version: 1, account: 'work', counters: 'broken' }],
    ['text', 'not a state'],
    ['a negative count', { version: 1, account: 'work', counted: true, counters: [{ source: 'logs', host: 'x', tokens: -1, costUSD: 0, seenAt: 0 }], windows: { session: null, weekly: null }, calibration: { session: [], weekly: [] }, ledger: [] }],
  ]) {
    it(`drops a damaged kept value (${what}) with one warning and starts fresh`, async () => {
      sinon.stub(lib('context'), 'contextGet').resolves(damaged);
      await helper.load(insightNode, flow());
      const out = await feed([official(1, 12)]);
      assert.equal(out.insight[0].payload.windows.session.unknownPct, 12, 'a fresh start: the first sample is unknown');
      assert.deepEqual(warnings(), ['the kept insight state was damaged or not recognised; starting fresh']);
      assert.deepEqual(helper.getNode('i1').context().get(STATE_KEY).counters, [], 'the damaged value was replaced');
    });
  }

  it('warns and logs in German: bad properties, bad input, a damaged or other account\'s kept state', async () => {
    const get = sinon.stub(lib('context'), 'contextGet').resolves('not a state');
    await helper.load(node('claude-insight', 'de'), flow({ windowsKept: 'many', account: 'x'.repeat(201) }));
    await feed([{ payload: 'text' }, { payload: { period: { totalTokens: 1 }, blocks: [] } }, { payload: { period: { totalTokens: 1 }, blocks: [], hosts: [{ host: 'a' }] } }]);
    assert.deepEqual(warnings(), [
      'windowsKept "many" ist keine ganze Zahl von 0 bis 500; nehme 12',
      'account ist länger als 200 Zeichen; folge stattdessen dem ersten gesehenen Konto',
      'der gespeicherte Einblick-Zustand war beschädigt oder nicht erkannt; beginne neu',
      'weder eine offizielle Nutzlast (account und limits[]) noch eine Token-Zahlen-Nutzlast (period und blocks) noch eine limit-reached-Meldung',
      'eine Token-Zahlen-Nutzlast nennt keinen Rechner (weder host noch hosts[])',
      'hosts[0] ausgelassen (ungültig oder fehlend: totalTokens)',
    ]);
    await helper.unload();
    get.resolves({ version: 1, account: 'work', counted: false, counters: [], windows: { session: null, weekly: null }, calibration: { session: [], weekly: [] }, ledger: [] });
    await helper.load(node('claude-insight', 'de'), flow({ account: 'home' }));
    await feed([official(0, 10, 5, 'home')]);
    const logged = callsOf(helper.getNode('i1').log).map((c) => String(c.args[0]));
    assert.deepEqual(logged, ['der gespeicherte Einblick-Zustand gehörte zum Konto "work"; beginne neu für "home"']);
  });

  it('takes properties as the editor saves them (strings) and warns about bad ones', async () => {
    await helper.load(insightNode, flow({ elsewherePct: '0', windowsKept: 'many', capChangePct: '-1' }));
    assert.deepEqual(warnings(), ['capChangePct "-1" is not a percentage from 0 to 1000; using 25', 'windowsKept "many" is not a whole number from 0 to 500; using 12']);
    const out = await feed([logs('laptop', 0), official(0, 10), official(1, 30)]);
    assert.equal(out.alerts.length, 0, 'elsewherePct 0 turns usage-elsewhere off');
    assert.equal(out.insight[1].payload.windows.session.elsewherePct, 20);
  });

  it('reads what claude-usage sends (demo account) with no warning', async () => {
    const f = [
      { id: 'tab', type: 'tab', label: 'pipeline' },
      { id: 'acc', type: 'claude-account', name: 'demo', auth: 'demo' },
      { id: 'use', z: 'tab', type: 'claude-usage', account: 'acc', interval: 300, history: 100, wires: [['i1'], []] },
      { id: 'i1', z: 'tab', type: 'claude-insight', name: '', account: '', wires: [['out1'], ['out2']] },
      { id: 'out1', z: 'tab', type: 'helper' },
      { id: 'out2', z: 'tab', type: 'helper' },
    ];
    await helper.load([node('claude-account'), node('claude-usage'), insightNode], f);
    const { payload } = await new Promise((resolve) => helper.getNode('out1').once('input', resolve));
    assert.equal(payload.account, 'demo');
    assert.equal(typeof payload.windows.session.pct, 'number');
    assert.equal(payload.windows.session.unknownPct, payload.windows.session.pct);
    assert.equal(typeof payload.windows.weekly.pct, 'number');
    assert.deepEqual(warnings(), []);
  });
});
