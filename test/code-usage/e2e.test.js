'use strict';
// claude-code-usage in a real Node-RED process, reading the fixture tree; the flow
// posts what the node sends to a loopback collector.
const assert = require('node:assert/strict');
const path = require('node:path');
const { startNodeRed } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { root } = require('../support/node-red');

describe('claude-code-usage end to end (real Node-RED)', function () {
  this.timeout(60_000);
  let red;
  let collector;
  after(async () => {
    if (red) {
      await red.stop();
      red.cleanup();
    }
    if (collector) await collector.close();
  });

  it('reads the fixture tree and sends the report after the scan on deploy', async () => {
    collector = await startCollector();
    red = await startNodeRed();
    const flows = [
      { id: 'tab', type: 'tab', label: 'code usage' },
      {
        id: 'usage',
        z: 'tab',
        type: 'claude-code-usage',
        configDir: path.join(root, 'test', 'fixtures', 'claude-logs'),
        interval: '3600',
        host: 'e2e-box',
        timezone: 'UTC',
        billingDay: '1',
        monthlySessions: '50',
        blockEndingMinutes: '30',
        inactivityMinutes: '10',
        prices: '',
        wires: [['post'], []],
      },
      collectorNode('post', 'tab', collector.url, 'usage'),
    ];
    await red.deploy(flows);
    await red.waitForLog(/skipped 1 unreadable log line/, 20_000).catch(() => assert.fail(red.log.slice(-3000)));
    await collector.waitFor((m) => m.path === '/usage', 20_000).catch((e) => assert.fail(e.message + red.log.slice(-3000)));
    const payload = collector.messages[0].body;
    assert.equal(payload.host, 'e2e-box');
    assert.ok(payload.period && typeof payload.period.sessions === 'number');
    assert.ok(Array.isArray(payload.blocks));
    assert.equal(typeof payload.today.costUSD, 'number');
    assert.doesNotMatch(red.log, /claude-code-usage.*error/i);
  });
});
