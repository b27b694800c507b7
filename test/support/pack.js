'use strict';
// `npm pack` of the repository, one at a time across processes (the runtimes' suites run
// side by side and npm must not read the tree for two packs at once): a lock directory
// under .cache/, created atomically, removed when done, taken over when older than 2 minutes.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { root } = require('./node-red');

const LOCK = path.join(root, '.cache', 'npm-pack.lock');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function locked(fn) {
  fs.mkdirSync(path.dirname(LOCK), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(LOCK).mtimeMs > 120_000) fs.rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // removed by its owner meanwhile
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

/** `npm pack` with `args` (scripts not run), its --json answer parsed. */
function npmPack(args) {
  // npm 10 (node-red's own, first on an npm script's PATH) runs `prepare` even with
  // --ignore-scripts; the build it would start empties dist/ under the suites running beside
  // this one, so the build is told to keep the tree the suite runs on.
  const env = { ...process.env, CLAUDE_USAGE_KEEP_DIST: '1' };
  return locked(() => JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', ...args], { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0]);
}

/** The paths `npm publish` would ship. */
function packedFiles() {
  return new Set(npmPack(['--dry-run']).files.map((f) => f.path));
}

/** Packs the tarball into `dir`; returns its path. */
function packInto(dir) {
  return path.join(dir, npmPack(['--pack-destination', dir]).filename);
}

module.exports = { packedFiles, packInto };
