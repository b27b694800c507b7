'use strict';
// Tools the suite and the benchmarks run but the package must not depend on (other Node
// and Node-RED versions, the ccusage reference) go into their own npm prefixes under
// .cache/, installed on first use. Never into node_modules: a node binary in
// node_modules/.bin would take over every npm script, and ccusage's per-platform optional
// builds are not all on the registry, which makes `npm ci` refuse the lock file.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const cacheDir = path.join(root, '.cache');

/**
 * The prefix .cache/<name> holding exactly `packages` (npm specs), installed now if it
 * holds anything else or nothing. Throws when npm fails.
 */
function cachedInstall(name, packages) {
  const prefix = path.join(cacheDir, name);
  const stamp = path.join(prefix, 'installed.json');
  const want = JSON.stringify(packages);
  if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want) return prefix;
  console.log(`== installing ${packages.join(' and ')} into ${path.relative(root, prefix)}`);
  fs.rmSync(prefix, { recursive: true, force: true });
  fs.mkdirSync(prefix, { recursive: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['install', '--prefix', prefix, '--no-save', '--no-audit', '--no-fund', '--loglevel', 'error', ...packages], {
    cwd: prefix,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.status !== 0) throw new Error(`npm could not install ${packages.join(', ')} into ${prefix}`);
  fs.writeFileSync(stamp, want);
  return prefix;
}

/** The ccusage version the log reader is compared with. */
const CCUSAGE_VERSION = '20.0.24';

/** Path of the ccusage command (installed on first use). */
function ccusageBin() {
  return path.join(cachedInstall('ccusage', [`ccusage@${CCUSAGE_VERSION}`]), 'node_modules', '.bin', 'ccusage');
}

module.exports = { cachedInstall, ccusageBin, CCUSAGE_VERSION };
