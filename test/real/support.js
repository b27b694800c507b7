'use strict';
// The real captures live outside the repository, in ../shared/fixtures/real (each data file
// with a .txt naming its source). They are read from there, never copied in. Without the
// folder these tests skip with a word saying so; under CI (CI=true) a missing folder fails.
const fs = require('node:fs');
const path = require('node:path');

const realDir = process.env.CLAUDE_USAGE_REAL_FIXTURES || path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures', 'real');

function available() {
  return fs.existsSync(realDir);
}

/** Call at the top of a describe(): skips the suite (or fails under CI) when the folder is absent. */
function requireReal(suite) {
  suite.beforeAll(function () {
    if (available()) return;
    if (process.env.CI) throw new Error(`real captures not found at ${realDir}`);
    console.log(`    (skipped: no real captures at ${realDir})`);
    this.skip();
  });
}

function realPath(...parts) {
  return path.join(realDir, ...parts);
}

function readJson(...parts) {
  return JSON.parse(fs.readFileSync(realPath(...parts), 'utf8'));
}

function readLines(...parts) {
  return fs.readFileSync(realPath(...parts), 'utf8').split('\n').filter((l) => l.trim() !== '');
}

module.exports = { realDir, available, requireReal, realPath, readJson, readLines };
