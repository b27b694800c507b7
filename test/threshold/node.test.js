'use strict';
const assert = require('node:assert/strict');
const sinon = require('sinon');
const { testHelper, node } = require('../support/node-red');
const { usagePayload, HOUR, MIN } = require('./timeline');

const helper = testHelper();
const thresholdNode = node('claude-threshold');

// In the past, so the node trusts the samples' fetchedAt as its clock.
const T0 = Date.parse('2026-11-02T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString();

function flow(props = {}) {
  return [
    { id: 't1', type: 'claude-threshold', name: '', timezone: 'UTC', wires: [['out']], ...props },
    { id: 'out', type: 'helper' },
    { id: 'done', type: 'complete', scope: ['t1'], uncaught: false, wires: [['completed']] },
    { id: 'completed', type: 'helper' },
    { id: 'caught', type: 'catch', scope: ['t1'], uncaught: false, wires: [['errors']] },
    { id: 'errors', type: 'helper' },
  ];
}

/** Sends messages one by one and collects what came out, waiting for each `done()`. */
async function feed(messages) {
  const t1 = helper.getNode('t1');
  const out = [];
  const onOut = (msg) => out.push(msg);
  helper.getNode('out').on('input', onOut);
  try {
    for (const msg of messages) {
      const completed = new Promise((resolve) => helper.getNode('completed').once('input', resolve));
      t1.receive(msg);
      await completed;
    }
  } finally {
    helper.getNode('out').removeListener('input', onOut);
  }
  return out;
}

const sample = (account, minute, pct, extra = {}) => ({ topic: account, payload: usagePayload(account, T0 + minute * MIN, { session: { pct, resetsAt: iso(T0 + 5 * HOUR) }, ...extra }) });

describe('claude-threshold node', () => {
  afterEach(async () => {
    sinon.restore();
    await helper.unload();
  });

  it('loads with the spec defaults and waits for usage', async () => {
    await helper.load(thresholdNode, [{ id: 't1', type: 'claude-threshold', name: 'limits' }]);
    const t1 = helper.getNode('t1');
    assert.equal(t1.name, 'limits');
    assert.equal(t1.status.lastCall.args[0].text, 'waiting for usage');
    assert.equal(t1.warn.callCount, 0);
  });

  it('sends the spec alert message and shows what it is doing in the status', async () => {
    await helper.load(thresholdNode, flow());
    const out = await feed([sample('work', 0, 62), sample('work', 5, 91.2)]);
    assert.equal(out.length, 1);
    const [msg] = out;
    assert.equal(msg.topic, 'Claude 5-hour usage at 91%');
    assert.equal(msg.payload, 'work: 5-hour window at 91.2% (threshold 90%), resets 15:00 (in 4h 55m)');
    assert.deepEqual(Object.keys(msg.alert), ['title', 'message', 'account', 'kind', 'limit_type', 'pct', 'threshold', 'resetsAt', 'level', 'at']);
    assert.equal(msg.alert.at, iso(T0 + 5 * MIN));
    const t1 = helper.getNode('t1');
    assert.deepEqual(t1.status.lastCall.args[0], { fill: 'yellow', shape: 'dot', text: 'fired 90% · 5h 91.2%' });
  });

  it('shows its state line in German', async () => {
    await helper.load(node('claude-threshold', 'de'), flow());
    await feed([sample('work', 0, 62)]);
    const t1 = helper.getNode('t1');
    assert.deepEqual(t1.status.lastCall.args[0], { fill: 'green', shape: 'dot', text: 'scharf · 5h 62 %' });
    await feed([sample('work', 5, 91.2)]);
    assert.deepEqual(t1.status.lastCall.args[0], { fill: 'yellow', shape: 'dot', text: 'ausgelöst 90 % · 5h 91.2 %' });
    await feed([sample('home', 0, 40, { weekly: { pct: 44, resetsAt: iso(T0 + 48 * HOUR) } })]);
    assert.equal(t1.status.lastCall.args[0].text, 'home: scharf · 5h 40 % · Wo. 44 %');
  });

  it('sends one message per alert when several windows cross at once', async () => {
    await helper.load(thresholdNode, flow());
    const msg = sample('work', 0, 96, { weekly: { pct: 80, resetsAt: iso(T0 + 48 * HOUR) } });
    const out = await feed([msg]);
    assert.deepEqual(out.map((m) => [m.alert.limit_type, m.alert.threshold, m.alert.level]), [['session', 95, 'critical'], ['weekly', 75, 'warning']]);
  });

  it('takes properties as the editor saves them (strings)', async () => {
    await helper.load(thresholdNode, flow({ session: ' 50 ,80', weekly: '', cooldownHours: '0.5', rearmPct: '0', notifyReset: true }));
    const out = await feed([sample('work', 0, 55), sample('work', 10, 49), sample('work', 20, 55), sample('work', 30, 55), sample('work', 40, 49), sample('work', 60, 50)]);
    assert.deepEqual(out.map((m) => m.alert.at), [iso(T0), iso(T0 + 30 * MIN), iso(T0 + 60 * MIN)]);
    assert.equal(helper.getNode('t1').warn.callCount, 0);
  });

  it('warns about bad properties and keeps the defaults', async () => {
    await helper.load(thresholdNode, flow({ session: '80, lots', cooldownHours: 'x' }));
    const warnings = helper.getNode('t1').warn.getCalls().map((c) => String(c.args[0]));
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /session thresholds: ignoring "lots"/);
  });

  it('warns in German about bad properties and bad input', async () => {
    await helper.load(node('claude-threshold', 'de'), flow({ session: '80, lots', cooldownHours: 'x', rearmPct: 'y', timezone: 'Mars/Olympus' }));
    const t1 = helper.getNode('t1');
    const warned = () => t1.warn.getCalls().map((c) => String(c.args[0]));
    assert.deepEqual(warned(), [
      'session-Schwellwerte: ignoriere "lots" (keine Zahl von 0 bis 1000)',
      'cooldownHours "x" ist keine Stundenzahl >= 0; nehme 4',
      'rearmPct "y" ist keine Zahl >= 0; nehme 5',
      'timezone "Mars/Olympus" ist keine IANA-Zeitzone; nehme die des Systems',
    ]);
    t1.warn.resetHistory();
    await feed([{ payload: 'text' }, sample('work', 0, 1001), { topic: 'work', payload: usagePayload('work', T0 + MIN, { session: { pct: 50, resetsAt: iso(T0 + 5 * HOUR) } }, { extraPct: -2 }) }]);
    assert.deepEqual(warned(), [
      'keine claude-usage-Nutzlast (ungültig oder fehlend: payload)',
      'work: 5-hour pct 1001 ist keine Zahl von 0 bis 1000',
      'Zusatznutzung: pct -2 ist keine Zahl von 0 bis 1000',
    ]);
    assert.equal(t1.status.lastCall.args[0].text, 'ungültige Eingabe · scharf · 5h 50 %');
  });

  it('keeps several accounts apart', async () => {
    await helper.load(thresholdNode, flow());
    const out = await feed([sample('work', 0, 80), sample('home', 0, 80), sample('work', 5, 81), sample('home', 5, 92)]);
    assert.deepEqual(out.map((m) => [m.alert.account, m.alert.threshold]), [['work', 75], ['home', 75], ['home', 90]]);
    assert.match(helper.getNode('t1').status.lastCall.args[0].text, /^home: fired 90%/);
  });

  it('clears one account on msg.reset with its topic, all with an empty topic, and sends nothing', async () => {
    await helper.load(thresholdNode, flow());
    await feed([sample('work', 0, 80), sample('home', 0, 80)]);
    assert.equal((await feed([{ topic: 'work', reset: true }])).length, 0);
    let out = await feed([sample('work', 5, 80), sample('home', 5, 80)]);
    assert.deepEqual(out.map((m) => m.alert.account), ['work']);
    assert.equal((await feed([{ topic: '', reset: true }])).length, 0);
    out = await feed([sample('work', 10, 80), sample('home', 10, 80)]);
    assert.deepEqual(out.map((m) => m.alert.account), ['work', 'home']);
  });

  it('warns on bad input, sends nothing, calls done without an error and never throws', async () => {
    await helper.load(thresholdNode, flow());
    const t1 = helper.getNode('t1');
    const errors = [];
    helper.getNode('errors').on('input', (m) => errors.push(m));
    const bad = [{ payload: 'text' }, { payload: null }, { payload: { account: 'work' } }, sample('work', 0, 'high'), sample('work', 0, -3), sample('work', 0, 1001), sample('work', 0, Number.NaN)];
    const out = await feed(bad);
    assert.equal(out.length, 0);
    assert.equal(errors.length, 0);
    assert.equal(t1.warn.callCount, bad.length);
    assert.match(t1.status.lastCall.args[0].text, /^bad input/);
    assert.equal((await feed([sample('work', 5, 76)])).length, 1, 'the bad samples changed no state');
  });

  // Redeploys and restarts with a persistent store are checked in a real Node-RED (e2e.test.js).
  it('keeps its state in node context with absolute times', async () => {
    await helper.load(thresholdNode, flow());
    await feed([sample('work', 0, 80)]);
    const stored = helper.getNode('t1').context().get('claudeThreshold');
    assert.deepEqual(stored.accounts.work.session.thresholds['75'], { armed: false, lastFiredAt: T0 });
    assert.deepEqual(JSON.parse(JSON.stringify(stored)), stored, 'plain JSON, as a file store keeps it');
  });

  it('reads what claude-usage sends (demo account): every window judged, no warning', async () => {
    const flowWithUsage = [
      { id: 'tab', type: 'tab', label: 'pipeline' },
      { id: 'acc', type: 'claude-account', name: 'demo', auth: 'demo' },
      { id: 'use', z: 'tab', type: 'claude-usage', account: 'acc', interval: 300, history: 100, wires: [['t1', 'usage'], []] },
      { id: 'usage', z: 'tab', type: 'helper' },
      // Threshold 0 is crossed by any usage, so every window alerts on the first sample.
      { id: 't1', z: 'tab', type: 'claude-threshold', session: '0', weekly: '0', scoped: '0', extra: '0', timezone: 'UTC', wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
    ];
    await helper.load([node('claude-account'), node('claude-usage'), thresholdNode], flowWithUsage);
    const alerts = [];
    helper.getNode('out').on('input', (m) => alerts.push(m.alert));
    const { payload } = await new Promise((resolve) => helper.getNode('usage').once('input', resolve));
    const judged = payload.limits.filter((l) => ['session', 'weekly', 'weekly_scoped'].includes(l.kind)).map((l) => l.id);
    if (payload.extraUsage && payload.extraUsage.pct !== null) judged.push('extra');
    assert.ok(judged.length >= 3, JSON.stringify(payload.limits));
    while (alerts.length < judged.length) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(alerts.map((a) => a.limit_type), judged);
    for (const a of alerts) {
      assert.equal(a.account, 'demo');
      assert.equal(a.at, new Date(payload.fetchedAt).toISOString());
    }
    assert.equal(helper.getNode('t1').warn.callCount, 0);
  });

  it('uses the wall clock for samples without fetchedAt (cooldown with fake time)', async () => {
    const clock = sinon.useFakeTimers({ now: T0, toFake: ['Date'] });
    await helper.load(thresholdNode, flow({ session: '80', cooldownHours: 1 }));
    const noTime = (pct) => {
      const m = sample('work', 0, pct);
      delete m.payload.fetchedAt;
      return m;
    };
    const times = [];
    for (const [advance, pct] of [[0, 85], [10, 50], [10, 85], [39, 85], [1, 85]]) {
      clock.tick(advance * MIN);
      for (const m of await feed([noTime(pct)])) times.push(m.alert.at);
    }
    assert.deepEqual(times, [iso(T0), iso(T0 + 60 * MIN)]);
    assert.equal(helper.getNode('t1').status.lastCall.args[0].text, 'fired 80% · 5h 85%');
  });
});
