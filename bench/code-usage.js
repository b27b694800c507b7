'use strict';
// Side-by-side benchmark: claude-code-usage's reader vs ccusage 20 (`blocks --json --offline`)
// on trees from test/support/claude-logs.js (or the generator GEN_CLAUDE_LOGS names, a
// script taking the same --out/--size-mb/--end options). ccusage is installed into
// .cache/ccusage on first use. Prints wall time and peak RSS of each (as separate
// processes, measured with /usr/bin/time when present) and the ratio, then idle rescans,
// and checks that both found the same blocks.
//   npm run bench:code-usage -- [--size 200,1024] [--runs 5]
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const { ccusageBin } = require('../scripts/cache-install');

const GENERATOR = process.env.GEN_CLAUDE_LOGS || path.join(root, 'test', 'support', 'claude-logs.js');
const CCUSAGE = ccusageBin();
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('size', '200,1024').split(',').map(Number);
const runs = Number(arg('runs', 5));
const END = '2026-11-22T06:30:00Z';

function timed(cmd, args, env) {
  const useTime = fs.existsSync('/usr/bin/time');
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [secs, kb] = useTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN];
  return { ms: secs * 1000, rssMB: kb / 1024, stdout: r.stdout };
}

/** Whether our blocks match ccusage's: same starts and token counts, cost within 0.01 %. */
function agreement(ours, theirs) {
  const blocks = theirs.filter((b) => !b.isGap);
  const same = blocks.length === ours.length && blocks.every((b, i) => b.startTime === ours[i][0] && b.totalTokens === ours[i][1]);
  const worst = same ? Math.max(0, ...blocks.map((b, i) => Math.abs(ours[i][2] - b.costUSD) / (b.costUSD || 1))) : Infinity;
  if (!same || worst > 1e-4) {
    process.exitCode = 1;
    return `DIFFERENT from ccusage (${ours.length} blocks vs ${blocks.length}, largest cost difference ${(worst * 100).toExponential(1)} %)`;
  }
  return `same ${blocks.length} blocks and token counts as ccusage, largest cost difference ${(worst * 100).toExponential(1)} %`;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `min ${Math.min(...xs).toFixed(0)} / median ${median(xs).toFixed(0)}`;

for (const size of sizes) {
  const dir = path.join(root, 'bench', '.data', `claude-${size}`);
  if (!fs.existsSync(path.join(dir, 'expected.json'))) {
    console.log(`generating ${size} MiB into ${path.relative(root, dir)} …`);
    execFileSync(process.execPath, [GENERATOR, '--out', dir, '--size-mb', String(size), '--end', END], { stdio: 'ignore' });
  }
  const ours = [];
  const theirs = [];
  for (let i = 0; i < runs; i++) {
    ours.push(timed(process.execPath, [path.join(__dirname, 'code-usage-scan.js'), dir]));
    theirs.push(timed(CCUSAGE, ['blocks', '--json', '--offline'], { CLAUDE_CONFIG_DIR: dir }));
  }
  const { idleMs: idle, all } = JSON.parse(timed(process.execPath, [path.join(__dirname, 'code-usage-scan.js'), dir, '50']).stdout);
  const ow = ours.map((r) => r.ms);
  const tw = theirs.map((r) => r.ms);
  console.log(`\n${size} MiB, ${runs} runs each (wall ms, whole process):`);
  console.log(`  claude-code-usage first scan: ${fmt(ow)} ms, peak RSS ${median(ours.map((r) => r.rssMB)).toFixed(0)} MB`);
  console.log(`  ccusage 20 blocks --offline:  ${fmt(tw)} ms, peak RSS ${median(theirs.map((r) => r.rssMB)).toFixed(0)} MB`);
  console.log(`  ratio (ours / ccusage, medians): ${(median(ow) / median(tw)).toFixed(2)}`);
  const inProcess = ours.map((r) => JSON.parse(r.stdout).firstMs);
  console.log(`  first scan inside the process (what a running Node-RED pays): ${fmt(inProcess)} ms`);
  console.log(`  idle rescan (nothing new, in process): ${fmt(idle)} ms over ${idle.length} rescans`);
  console.log(`  results: ${agreement(all, JSON.parse(theirs[0].stdout).blocks)}`);
}
