'use strict';
// claude-code-usage in a real Node-RED process, reading the fixture tree; the flow
// posts what the node sends to a loopback collector.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
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

  it('after a Node-RED restart sends the same report, reading only the bytes appended meanwhile', async () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-code-usage-'));
    fs.cpSync(path.join(root, 'test', 'fixtures', 'claude-logs'), tree, { recursive: true });
    const restartCollector = await startCollector();
    const settings = { logging: { console: { level: 'debug', metrics: false, audit: false } } };
    let nr = await startNodeRed({ settings });
    const userDir = nr.userDir;
    try {
      const flows = [
        { id: 'tab', type: 'tab', label: 'code usage' },
        { id: 'usage', z: 'tab', type: 'claude-code-usage', configDir: tree, interval: '3600', host: 'e2e-box', timezone: 'UTC', billingDay: '1', monthlySessions: '50', blockEndingMinutes: '30', inactivityMinutes: '10', prices: '', wires: [['post'], []] },
        collectorNode('post', 'tab', restartCollector.url, 'usage'),
      ];
      await nr.deploy(flows);
      const first = (await restartCollector.waitFor((m) => m.path === '/usage', 20_000)).body;
      await nr.stop();
      assert.ok(fs.existsSync(path.join(userDir, '.claude-usage', 'code-usage-usage.state')), 'state written on stop');

      nr = await startNodeRed({ userDir, settings });
      const again = (await restartCollector.waitFor((m) => m.path === '/usage', 20_000, 1)).body;
      const same = (p) => ({ ...p, scannedAt: undefined });
      assert.deepEqual(same(again), same(first));
      await nr.waitForLog(/read 0 bytes of 0 of 3 files/, 10_000);
      await nr.stop();

      const appended = JSON.stringify({ type: 'assistant', sessionId: 's2', timestamp: '2026-11-20T16:45:00.000Z', requestId: 'req_E2E', message: { id: 'msg_E2E', model: 'claude-haiku-4-5', usage: { input_tokens: 2, output_tokens: 3 } } }) + '\n';
      fs.appendFileSync(path.join(tree, 'projects', '-home-dev-app', 's2.jsonl'), appended);
      nr = await startNodeRed({ userDir, settings });
      await restartCollector.waitFor((m) => m.path === '/usage', 20_000, 2);
      await nr.waitForLog(new RegExp(`read ${Buffer.byteLength(appended)} bytes of 1 of 3 files`), 10_000);
      assert.doesNotMatch(nr.log, /from the start/);
    } finally {
      await nr.stop();
      nr.cleanup();
      await restartCollector.close();
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
