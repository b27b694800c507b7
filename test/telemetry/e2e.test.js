'use strict';
// claude-code-telemetry in a real Node-RED: three simulated machines post gzip'd OTLP
// batches; Node-RED restarts with a file (localfilesystem) context store and reports the
// same totals from what it kept.
const assert = require('node:assert/strict');
const zlib = require('node:zlib');
const { startNodeRed } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');
const { apiRequest, logsBody } = require('./otlp');

const TOKEN = 'e2e-telemetry-token-0123456789abcdef';
const SETTINGS = { contextStorage: { default: { module: 'localfilesystem' } } };

function flows(collectorUrl) {
  return [
    { id: 'tab', type: 'tab', label: 'telemetry' },
    { id: 'ask', z: 'tab', type: 'inject', once: true, onceDelay: 1, repeat: '', topic: '', payload: '', payloadType: 'date', props: [{ p: 'payload' }], wires: [['tele']] },
    { id: 'tele', z: 'tab', type: 'claude-code-telemetry', name: 'machines', path: '/claude-usage/otlp', billingDay: '1', timezone: 'UTC', monthlySessions: '50', blockEndingMinutes: '30', inactivityMinutes: '10', credentials: { token: TOKEN }, wires: [['post'], []] },
    collectorNode('post', 'tab', collectorUrl, 'usage'),
  ];
}

describe('claude-code-telemetry end to end (real Node-RED, restart with a file context store)', function () {
  this.timeout(90_000);
  let red;
  let collector;
  after(async () => {
    if (red) {
      await red.stop();
      red.cleanup();
    }
    if (collector) await collector.close();
  });

  it('merges three machines, answers OTLP, and reports the same totals after a restart', async () => {
    collector = await startCollector();
    red = await startNodeRed({ settings: SETTINGS });
    await red.deploy(flows(collector.url));
    const now = Date.now();
    const machines = ['desk', 'laptop', 'server'];
    let sent = 0;
    for (const [m, host] of machines.entries()) {
      for (let batch = 0; batch < 3; batch++) {
        const records = [];
        for (let i = 0; i < 20; i++) {
          const t = now - (3 * 3600_000 - (batch * 20 + i) * 60_000) - m * 17_000;
          records.push(apiRequest(new Date(t).toISOString(), `${host}-${batch}-${i}`, { input_tokens: 10 + i, output_tokens: 100 * (m + 1), cost_usd: 0.01 * (m + 1) }));
        }
        sent += records.length;
        const body = zlib.gzipSync(JSON.stringify(logsBody(host, records)));
        const res = await fetch(`${red.url}/claude-usage/otlp/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` }, body });
        assert.equal(res.status, 200);
        assert.deepEqual(await res.json(), { partialSuccess: {} });
      }
    }
    // the exporter retries one batch: it counts once
    const retry = zlib.gzipSync(JSON.stringify(logsBody('desk', [apiRequest(new Date(now - 3 * 3600_000).toISOString(), 'desk-0-0', { input_tokens: 10, output_tokens: 100, cost_usd: 0.01 })])));
    assert.equal((await fetch(`${red.url}/claude-usage/otlp/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` }, body: retry })).status, 200);

    const full = await collector.waitFor((m) => m.path === '/usage' && m.body.hosts.length === 3 && m.body.hosts.every((h) => h.entries === 60), 20_000);
    const before = full.body;
    assert.equal(before.host, null);
    assert.equal(before.source, 'telemetry');
    assert.equal(before.activeBlock.entries + before.blocks.filter((b) => !b.isActive).reduce((s, b) => s + b.entries, 0), sent);
    assert.deepEqual(before.hosts.map((h) => h.host), machines);

    await red.stop();
    const mark = collector.messages.length;
    red = await startNodeRed({ userDir: red.userDir, settings: SETTINGS });
    const answer = await collector.waitFor((m) => m.path === '/usage', 20_000, mark);
    const after = answer.body;
    const totals = (p) => ({ period: { ...p.period, costUSD: Math.round(p.period.costUSD * 1e9) }, blocks: p.blocks.map((b) => [b.id, b.entries, b.totalTokens, Math.round(b.costUSD * 1e9)]), hosts: p.hosts.map((h) => [h.host, h.entries, h.totalTokens, Math.round(h.costUSD * 1e9), h.lastSeenAt]) });
    assert.deepEqual(totals(after), totals(before));
    assert.doesNotMatch(red.log, /\[error\]/);
  });
});
