'use strict';
// What a user waits for, in a real Node-RED: deploy → the first claude-code-usage message,
// and restart → the first message (the kept scan state read back), beside ccusage 20
// (`blocks --json --offline`, the Rust build as npm installs it) on the same log tree in the
// same run. Trees come from test/support/claude-logs.js (or GEN_CLAUDE_LOGS, a generator
// taking the same --out/--size-mb/--end options). Also: an idle rescan (an input message when
// no file changed → the message), and peak memory: Node-RED's resident set above its idle
// level while it scans (the peak is reset before the deploy), beside ccusage's maximum RSS.
//   npm run bench:first-message -- [--size 200,1024] [--runs 3]
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

const IDLE_RESCANS = 5;

/** A field of /proc/<pid>/status in KiB (Linux). */
const procStatusKiB = (pid, field) => {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
};
/** Resets the process's peak resident set to its current one, so VmHWM measures from now. */
const resetPeak = (pid) => fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
const TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} ms`;
const fmtMiB = (xs) => (xs.some(Number.isNaN) ? 'n/a' : `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)} MiB`);

/** Node-RED with debug logs, so the node's per-scan line says how many bytes it read. */
const startRed = (userDir) => startNodeRed({ userDir, settings: { logging: { console: { level: 'debug', metrics: false, audit: false } } } });
const bytesReadSince = (red, mark) => {
  const m = /read (\d+) bytes of \d+ of \d+ files/.exec(red.log.slice(mark));
  return m ? Number(m[1]) : NaN;
};
const treeBytes = (dir) => {
  let total = 0;
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.jsonl')) total += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return total;
};

function flow(dir, collectorUrl) {
  return [
    { id: 'bench', type: 'tab', label: 'bench' },
    // marks when the flows have started: the node's own part of a restart is measured from here
    { id: 'mark', z: 'bench', type: 'inject', name: 'started', props: [{ p: 'payload' }], repeat: '', crontab: '', once: true, onceDelay: 0.1, topic: '', payload: '', payloadType: 'date', wires: [['mark-out']] },
    collectorNode('mark-out', 'bench', collectorUrl, 'started'),
    { id: 'again', z: 'bench', type: 'inject', name: 'rescan', props: [{ p: 'payload' }], repeat: '', crontab: '', once: false, topic: '', payload: '', payloadType: 'date', wires: [['ccu']] },
    { id: 'ccu', z: 'bench', type: 'claude-code-usage', name: 'bench', configDir: dir, interval: 3600, billingDay: 1, timezone: 'UTC', monthlySessions: 50, blockEndingMinutes: 30, inactivityMinutes: 10, host: 'bench', prices: '', wires: [['probe'], []] },
    collectorNode('probe', 'bench', collectorUrl, 'first'),
  ];
}

/** ms until the node's first message after `from`, counted from `t0`, and from the flows' start mark. */
async function firstMessage(collector, from, t0) {
  const started = collector.waitFor((m) => m.path === '/started', 600_000, from).then(() => performance.now());
  await collector.waitFor((m) => m.path === '/first', 600_000, from);
  const at = performance.now();
  // the mark fires 100 ms (its onceDelay) after the flows started
  return { ms: at - t0, afterStart: Math.max(0, at - ((await started) - 100)) };
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
    const restartNode = [];
    const restartBytes = [];
    const cold = [];
    const idleFirst = [];
    const idle = [];
    const peak = [];
    const peakAbs = [];
    const theirs = [];
    const theirPeak = [];
    const total = treeBytes(dir);
    for (let i = 0; i < runs; i++) {
      let red = await startRed();
      const userDir = red.userDir;
      try {
        const idleKiB = procStatusKiB(red.pid, 'VmRSS');
        resetPeak(red.pid);
        let from = collector.messages.length;
        let t0 = performance.now();
        await red.request('POST', '/flows', flow(dir, collector.url), { 'Node-RED-Deployment-Type': 'full' });
        deploy.push((await firstMessage(collector, from, t0)).ms);
        // the scan, its report and writing the kept scan state all fall inside this peak
        const hwm = procStatusKiB(red.pid, 'VmHWM');
        peak.push((hwm - idleKiB) / 1024);
        peakAbs.push(hwm / 1024);
        for (let k = 0; k < IDLE_RESCANS; k++) {
          from = collector.messages.length;
          t0 = performance.now();
          await red.request('POST', '/inject/again');
          await collector.waitFor((m) => m.path === '/first', 60_000, from);
          (k === 0 ? idleFirst : idle).push(performance.now() - t0);
        }
        await new Promise((r) => setTimeout(r, 500)); // the scan state is written after the first scan
        await red.stop();
        from = collector.messages.length;
        t0 = performance.now();
        red = await startRed(userDir);
        const again = await firstMessage(collector, from, t0);
        restart.push(again.ms);
        restartNode.push(again.afterStart);
        restartBytes.push(bytesReadSince(red, 0));
        // the same restart without the kept scan state: everything is read again
        await red.stop();
        fs.rmSync(path.join(userDir, '.claude-usage'), { recursive: true, force: true });
        from = collector.messages.length;
        t0 = performance.now();
        red = await startRed(userDir);
        cold.push((await firstMessage(collector, from, t0)).ms);
      } finally {
        await red.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
      }
      // GNU time prints the maximum RSS (KiB) as the last line of stderr
      const [cmd, args] = TIME ? [TIME, ['-f', '%M', CCUSAGE]] : [CCUSAGE, []];
      const t = performance.now();
      const r = spawnSync(cmd, [...args, 'blocks', '--json', '--offline'], { env: { ...process.env, CLAUDE_CONFIG_DIR: dir }, encoding: 'utf8', maxBuffer: 1 << 28 });
      theirs.push(performance.now() - t);
      if (r.status !== 0) throw new Error(`ccusage failed: ${r.stderr}`);
      theirPeak.push(TIME ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN);
    }
    console.log(`\n${size} MiB, ${runs} runs (wall time a user waits):`);
    console.log(`  deploy → first message (running Node-RED, first scan):          ${fmt(deploy)}`);
    console.log(`  restart → first message (spawn → message, kept scan state):      ${fmt(restart)}`);
    console.log(`    flows started → first message (the node's part):            ${fmt(restartNode)}`);
    console.log(`    bytes read after the restart: ${median(restartBytes)} of ${total} (${((100 * median(restartBytes)) / total).toFixed(2)} %)`);
    console.log(`  restart → first message without the kept state (full rescan):  ${fmt(cold)}`);
    console.log(`  idle rescan (input message → message, no file changed, ${IDLE_RESCANS - 1} per run): ${fmt(idle)}`);
    console.log(`    the first rescan after the first scan (stats every file once, starts change notices): ${fmt(idleFirst)}`);
    console.log(`  peak memory above Node-RED's idle during the first scan:       ${fmtMiB(peak)} (Node-RED's whole peak ${fmtMiB(peakAbs)})`);
    console.log(`  ccusage 20.0.24 blocks --json --offline (whole process):        ${fmt(theirs)}`);
    console.log(`    ccusage maximum RSS (its largest process, GNU time):         ${fmtMiB(theirPeak)}`);
    console.log(`  ratios of medians: deploy / ccusage ${(median(deploy) / median(theirs)).toFixed(2)}, restart (node's part) / ccusage ${(median(restartNode) / median(theirs)).toFixed(2)}`);
  }
  await collector.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
