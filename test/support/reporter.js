'use strict';
// Mocha's spec reporter, plus the run's counts and every skipped test (title, file and
// why) written to TEST_STATS_FILE, so that scripts/test.js can total the runs on every
// runtime and name what did not run.
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
    runner.on('pending', (test) => {
      skipped.push({ title: test.fullTitle(), file: test.file ? path.relative(root, test.file) : '', reason: skipReason(test) });
    });
    runner.once('end', () => {
      const file = process.env.TEST_STATS_FILE;
      if (file) fs.writeFileSync(file, JSON.stringify({ ...this.stats, skipped }));
    });
  }
}

module.exports = SpecWithStats;
