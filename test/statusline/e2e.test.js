'use strict';
// The status-line script, run by dash, posts to claude-statusline in a real Node-RED; the
// thresholds turn the figures into an alert; after a restart with a file context store the
// node sends the kept values again.
const assert = require('node:assert/strict');
const { spawn } = require('node:child_process');
const path = require('node:path');
const { root } = require('../support/node-red');
const { startNodeRed } = require('../support/red-process');
const { startCollector, collectorNode } = require('../support/collector');

const TOKEN = 'e2e-statusline-token-0123456789abcdef';
const SETTINGS = { contextStorage: { default: { module: 'localfilesystem' } } };

function flows(collectorUrl) {
  return [
    { id: 'tab', type: 'tab', label: 'status line' },
    { id: 'sl', z: 'tab', type: 'claude-statusline', name: 'laptops', account: 'laptops', path: '/claude-usage/statusline', throttle: 0, history: 100, credentials: { token: TOKEN }, wires: [['th', 'usage']] },
    { id: 'th', z: 'tab', type: 'claude-threshold', name: 'thresholds', session: '90', weekly: '90', scoped: '', extra: '', cooldownHours: 4, rearmPct: 5, notifyReset: false, pace: false, timezone: 'UTC', wires: [['alert']] },
    collectorNode('usage', 'tab', collectorUrl, 'usage'),
    collectorNode('alert', 'tab', collectorUrl, 'alert'),
  ];
}

function runScript(input, env) {
  return new Promise((resolve, reject) => {
    const child = spawn('dash', [path.join(root, 'scripts', 'claude-statusline.sh')], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
    child.stdin.end(JSON.stringify(input));
  });
}

describe('claude-statusline end to end (script → real Node-RED → threshold → alert, restart)', function () {
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

  it('alerts on the status line’s own figures and sends the kept values after a restart', async () => {
    collector = await startCollector();
    red = await startNodeRed({ settings: SETTINGS });
    await red.deploy(flows(collector.url));
    const now = Math.floor(Date.now() / 1000);
    const input = {
      session_id: 'e2e-session',
      cwd: '/home/me/SECRET-MARK',
      transcript_path: '/home/me/.claude/projects/SECRET-MARK.jsonl',
      model: { id: 'claude-opus-5-5', display_name: 'Opus 5.5' },
      version: '2.1.281',
      rate_limits: { five_hour: { used_percentage: 91, resets_at: now + 3600 }, seven_day: { used_percentage: 40, resets_at: now + 3 * 86400 } },
    };
    const env = { CLAUDE_USAGE_URL: `${red.url}/claude-usage/statusline`, CLAUDE_USAGE_TOKEN: TOKEN, CLAUDE_USAGE_HOST: 'e2e-laptop' };
    const r = await runScript(input, env);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^5h 91% ↻ (59m|1h0m) · 7d 40%\n$/);

    const usage = (await collector.waitFor((m) => m.path === '/usage', 20_000)).body;
    assert.equal(usage.source, 'statusline');
    assert.equal(usage.session.pct, 91);
    assert.equal(usage.claudeCode.host, 'e2e-laptop');
    // the collector gets the alert's payload: its text
    const alert = (await collector.waitFor((m) => m.path === '/alert', 20_000)).body;
    assert.match(alert, /^laptops: 5-hour window at 91% \(threshold 90%\)/);
    assert.doesNotMatch(JSON.stringify(collector.messages) + red.log, /SECRET-MARK/);

    const userDir = red.userDir;
    await red.stop();
    const mark = collector.messages.length;
    red = await startNodeRed({ settings: SETTINGS, userDir });
    const again = (await collector.waitFor((m) => m.path === '/usage', 20_000, mark)).body;
    assert.equal(again.session.pct, 91);
    assert.equal(again.weekly.pct, 40);
    assert.equal(again.claudeCode.host, 'e2e-laptop');
  });
});
