'use strict';
// What a user waits for, in a real Node-RED: deploy → the first claude-code-usage message,
// and restart → the first message (the kept scan state read back), beside ccusage 20
// (`blocks --json --offline`, the Rust build as npm installs it) on the same log tree in the
// same run. Trees come from test/support/claude-logs.js (or GEN_CLAUDE_LOGS, a generator
// taking the same --out/--size-mb/--end options).
//   npm run bench:first-message -- [--size 200] [--runs 3]
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const { ccusageBin } = require('../scripts/cache-install');
const { startNodeRed } = require('../test/support/red-process');
const { startCollector, collectorNode } = require('../test/support/collector');

const GENERATOR = process.env.GEN_CLAUDE_LOGS || path.join(root, 'test', 'support', 'claude-logs.js');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('size', '200').split(',').map(Number);
const runs = Number(arg('runs', 3));
const END = '2026-11-22T06:30:00Z';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} ms`;

function flow(dir, collectorUrl) {
  return [
    { id: 'bench', type: 'tab', label: 'bench' },
    { id: 'ccu', z: 'bench', type: 'claude-code-usage', name: 'bench', configDir: dir, interval: 3600, billingDay: 1, timezone: 'UTC', monthlySessions: 50, blockEndingMinutes: 30, inactivityMinutes: 10, host: 'bench', prices: '', wires: [['probe'], []] },
    collectorNode('probe', 'bench', collectorUrl, 'first'),
  ];
}

/** ms until the collector holds a message newer than `from`, counted from `t0`. */
async function firstMessage(collector, from, t0) {
  await collector.waitFor(() => true, 600_000, from);
  return performance.now() - t0;
}

async function main() {
  const CCUSAGE = ccusageBin();
  const collector = await startCollector();
  for (const size of sizes) {
    const dir = path.join(root, 'bench', '.data', `claude-${size}`);
    if (!fs.existsSync(path.join(dir, 'expected.json'))) {
      console.log(`generating ${size} MiB into ${path.relative(root, dir)} …`);
      execFileSync(process.execPath, [GENERATOR, '--out', dir, '--size-mb', String(size), '--end', END], { stdio: 'ignore' });
    }
    const deploy = [];
    const restart = [];
    const listening = [];
    const cold = [];
    const theirs = [];
    for (let i = 0; i < runs; i++) {
      let red = await startNodeRed();
      const userDir = red.userDir;
      try {
        let from = collector.messages.length;
        let t0 = performance.now();
        await red.request('POST', '/flows', flow(dir, collector.url), { 'Node-RED-Deployment-Type': 'full' });
        deploy.push(await firstMessage(collector, from, t0));
        await new Promise((r) => setTimeout(r, 500)); // the scan state is written after the first scan
        await red.stop();
        from = collector.messages.length;
        t0 = performance.now();
        red = await startNodeRed({ userDir });
        listening.push(performance.now() - t0);
        restart.push(await firstMessage(collector, from, t0));
        // the same restart without the kept scan state: everything is read again
        await red.stop();
        fs.rmSync(path.join(userDir, '.claude-usage'), { recursive: true, force: true });
        from = collector.messages.length;
        t0 = performance.now();
        red = await startNodeRed({ userDir });
        cold.push(await firstMessage(collector, from, t0));
      } finally {
        await red.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
      }
      const t = performance.now();
      const r = spawnSync(CCUSAGE, ['blocks', '--json', '--offline'], { env: { ...process.env, CLAUDE_CONFIG_DIR: dir }, encoding: 'utf8', maxBuffer: 1 << 28 });
      if (r.status !== 0) throw new Error(`ccusage failed: ${r.stderr}`);
      theirs.push(performance.now() - t);
    }
    console.log(`\n${size} MiB, ${runs} runs (wall time a user waits):`);
    console.log(`  deploy → first message (running Node-RED, first scan):          ${fmt(deploy)}`);
    console.log(`  restart → first message (Node-RED start-up, kept scan state):   ${fmt(restart)}`);
    console.log(`    of which Node-RED's own start-up (spawn → HTTP answers):     ${fmt(listening)}`);
    console.log(`  restart → first message without the kept state (full rescan):  ${fmt(cold)}`);
    console.log(`  ccusage 20.0.24 blocks --json --offline (whole process):        ${fmt(theirs)}`);
    console.log(`  deploy / ccusage (medians): ${(median(deploy) / median(theirs)).toFixed(2)}; a restart is Node-RED's start-up plus ${Math.max(0, median(restart) - median(listening)).toFixed(0)} ms`);
  }
  await collector.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
