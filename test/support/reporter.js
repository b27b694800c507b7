'use strict';
// Mocha's spec reporter, plus the run's counts, every skipped test (title, file and why)
// and every failed one (title, file and the error's first lines) written to
// TEST_STATS_FILE, so that scripts/test.js can total the runs on every runtime and name
// what did not run or did not pass at the end of the output, where a CI log's tail shows it;
// also the time each test file took (printed by scripts/test.js with TEST_TIMES=1).
const fs = require('node:fs');
const path = require('node:path');
const Mocha = require('mocha');

const root = path.resolve(__dirname, '..', '..');

/** Why a pending test did not run: declared so (it.skip, xit, no body) or skipped while running. */
function skipReason(test) {
  if (typeof test.skipReason === 'string') return test.skipReason;
  if (!test.fn) return 'declared without a body (it.skip, xit or it(title) alone)';
  for (let suite = test.parent; suite; suite = suite.parent) {
    if (suite.pending) return `suite "${suite.title}" skipped (describe.skip, or this.skip() in one of its hooks)`;
  }
  return 'this.skip() in the test or in a hook before it';
}

class SpecWithStats extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const skipped = [];
    const failed = [];
    const fileMs = {};
    const started = new Map();
    runner.on('suite', (suite) => {
      if (suite.parent && suite.parent.root) started.set(suite, Date.now());
    });
    runner.on('suite end', (suite) => {
      if (!started.has(suite)) return;
      const file = suite.file ? path.relative(root, suite.file) : suite.title;
      fileMs[file] = (fileMs[file] || 0) + Date.now() - started.get(suite);
    });
    runner.on('pending', (test) => {
      skipped.push({ title: test.fullTitle(), file: test.file ? path.relative(root, test.file) : '', reason: skipReason(test) });
    });
    runner.on('fail', (test, err) => {
      const message = String((err && (err.stack || err.message)) || err).split('\n').slice(0, 6).join('\n');
      failed.push({ title: test.fullTitle(), file: test.file ? path.relative(root, test.file) : '', message });
    });
    runner.once('end', () => {
      const file = process.env.TEST_STATS_FILE;
      if (file) fs.writeFileSync(file, JSON.stringify({ ...this.stats, skipped, failed, fileMs }));
    });
  }
}

module.exports = SpecWithStats;
