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

  it('reads the fixture tree and sends the report after the scan on deploy and in answer to an input', async () => {
    collector = await startCollector();
    red = await startNodeRed();
    const flows = [
      { id: 'tab', type: 'tab', label: 'code usage' },
      // An inject node answered on output 1 (its id must not equal a type name: Node-RED
      // would take it for a config-node reference).
      { id: 'trigger', z: 'tab', type: 'inject', once: true, onceDelay: 0.3, repeat: '', topic: 'ask', payload: '', payloadType: 'date', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], wires: [['usage']] },
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
    // The fixture has one corrupt line: the node says so once.
    await red.waitForLog(/skipped 1 unreadable log line/, 20_000);
    // One report after the scan on deploy, one answering the inject node.
    await collector.waitFor((m) => m.path === '/usage', 20_000, 1);
    const [first, second] = collector.messages.map((m) => m.body);
    assert.equal(second.host, 'e2e-box');
    assert.equal(second.period.sessions, first.period.sessions);
    const payload = first;
    assert.equal(payload.host, 'e2e-box');
    assert.ok(payload.period && typeof payload.period.sessions === 'number');
    assert.ok(Array.isArray(payload.blocks));
    assert.equal(typeof payload.today.costUSD, 'number');
    assert.doesNotMatch(red.log, /claude-code-usage.*error/i);
  });
});
