'use strict';
// claude-threshold in a real Node-RED with a localfilesystem context store: a long
// random timeline goes in over HTTP, alerts go out to a collector. Mid-timeline the
// flows are redeployed and, later, Node-RED is restarted on the same user dir.
// What comes out must be exactly what the spec's rules (the reference) give for an
// uninterrupted run.
const assert = require('node:assert/strict');
const { startNodeRed } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { lib } = require('../support/node-red');
const { randomTimeline, HOUR } = require('./timeline');
const { referenceAlerts } = require('./reference');

const { parseSettings } = lib('threshold/settings');

const PROPS = { session: '75,90,95', weekly: '75, 90,95', scoped: '80', extra: '50,90', cooldownHours: '1.5', rearmPct: '5', notifyReset: true, pace: true, timezone: 'UTC' };

function flows(collectorUrl) {
  return [
    { id: 'tab1', type: 'tab', label: 'threshold e2e' },
    { id: 'in1', z: 'tab1', type: 'http in', name: '', url: '/threshold-sample', method: 'post', upload: false, swaggerDoc: '', x: 0, y: 0, wires: [['th1', 'res1']] },
    { id: 'res1', z: 'tab1', type: 'http response', name: '', statusCode: '', headers: {}, x: 0, y: 0, wires: [] },
    { id: 'th1', z: 'tab1', type: 'claude-threshold', name: '', ...PROPS, x: 0, y: 0, wires: [['fn1']] },
    { id: 'fn1', z: 'tab1', type: 'function', name: 'alert to payload', func: 'msg.payload = msg.alert;\nreturn msg;', outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: 0, y: 0, wires: [['post1']] },
    collectorNode('post1', 'tab1', collectorUrl, 'alerts'),
  ];
}

const key = (a) => `${a.at} ${a.account} ${a.limit_type} ${a.kind}`;
const brief = (a) => ({ kind: a.kind, account: a.account, limit_type: a.limit_type, threshold: a.threshold, pct: a.pct, level: a.level, at: a.at });
const sorted = (list) => [...list].sort((a, b) => key(a).localeCompare(key(b)));

/** A split point after which a node with forgotten state would send something else. */
function splitThatMatters(payloads, settings, from, to, wall) {
  const whole = referenceAlerts(payloads, settings, wall);
  for (let i = from; i < to; i++) {
    const before = referenceAlerts(payloads.slice(0, i), settings, wall).length;
    const fresh = referenceAlerts(payloads.slice(i), settings, wall);
    if (JSON.stringify(fresh) !== JSON.stringify(whole.slice(before))) return i;
  }
  throw new Error('no split point where state matters; pick another seed');
}

describe('claude-threshold end to end (real Node-RED, localfilesystem context)', function () {
  this.timeout(120_000);
  let red;
  let collector;

  after(async () => {
    if (red) {
      await red.stop();
      red.cleanup();
    }
    if (collector) await collector.close();
  });

  it('sends the same alerts through a redeploy and a restart as an uninterrupted run', async () => {
    const wall = Date.now();
    const payloads = randomTimeline(7, 360, { start: wall - 60 * 24 * HOUR });
    const { settings } = parseSettings(PROPS);
    const expected = referenceAlerts(payloads, settings, wall);
    assert.ok(expected.length > 30, `the timeline gives only ${expected.length} alerts`);
    const redeployAt = splitThatMatters(payloads, settings, 100, 180, wall);
    const restartAt = splitThatMatters(payloads, settings, 200, 300, wall);
    const expectedUpTo = (i) => referenceAlerts(payloads.slice(0, i), settings, wall).length;

    collector = await startCollector();
    const contextStorage = { default: { module: 'localfilesystem' } };
    red = await startNodeRed({ settings: { contextStorage } });
    await red.deploy(flows(collector.url));

    const feed = async (from, to) => {
      for (let i = from; i < to; i++) {
        const res = await red.request('POST', '/threshold-sample', payloads[i]);
        assert.equal(res.status, 200);
      }
      const count = expectedUpTo(to);
      await collector.waitFor(() => collector.messages.length >= count, 30_000);
      assert.equal(collector.messages.length, count, `alerts after sample ${to}`);
    };

    await feed(0, redeployAt);
    await red.deploy(flows(collector.url));
    await feed(redeployAt, restartAt);

    const userDir = red.userDir;
    await red.stop();
    red = await startNodeRed({ settings: { contextStorage }, userDir });
    await feed(restartAt, payloads.length);

    const got = collector.messages.map((m) => m.body);
    assert.deepEqual(sorted(got.map(brief)), sorted(expected));
    for (const a of got) assert.ok(a.title && a.message.startsWith(`${a.account}: `), JSON.stringify(a));
    assert.doesNotMatch(red.log, /\[error\]/);
  });
});
