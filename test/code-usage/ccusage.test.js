'use strict';
// Agreement with ccusage 20 (`ccusage blocks --json --offline`, the reference) on trees
// from the repository's own generator (test/support/claude-logs.js); ccusage is installed
// into .cache/ccusage on first use (it is no dependency of the package). The generated trees use Opus 4.7, Sonnet 4.6 and Haiku 4.5
// only, so the deliberate long-context difference (Sonnet 4/4.5) does not apply.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { lib } = require('../support/node-red');
const { generateClaudeLogs } = require('../support/claude-logs');
const { ccusageBin } = require('../../scripts/cache-install');

const { Pricer } = lib('code-usage/pricing');
const { EntryStore, sortEntries } = lib('code-usage/entries');
const { LogReader } = lib('code-usage/reader');
const { buildBlocks } = lib('code-usage/blocks');

let CCUSAGE;

function generate(dir, end, seed) {
  generateClaudeLogs({ out: dir, sizeMb: 3, days: 12, seed, end });
}

function ccusageBlocks(dir) {
  const out = execFileSync(CCUSAGE, ['blocks', '--json', '--offline'], { env: { ...process.env, CLAUDE_CONFIG_DIR: dir }, maxBuffer: 64 << 20 });
  return JSON.parse(out).blocks.filter((b) => !b.isGap);
}

async function ourBlocks(dir, now, parallelMinBytes = Infinity) {
  const store = new EntryStore(new Pricer());
  const stats = await new LogReader([path.join(dir, 'projects')], store, parallelMinBytes).scan();
  assert.equal(stats.unreadable, 0);
  const limits = store.limitLines.map((l) => ({ at: Date.parse(l.at), resetsAt: l.resetsAt }));
  return buildBlocks(sortEntries(store.entries()), now, limits);
}

function assertSameBlocks(ours, theirs) {
  assert.equal(ours.length, theirs.length, 'number of blocks');
  for (let i = 0; i < theirs.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    const where = `block ${b.id}`;
    for (const k of ['id', 'startTime', 'endTime', 'actualEndTime', 'isActive', 'entries', 'totalTokens']) assert.equal(a[k], b[k], `${where} ${k}`);
    assert.deepEqual(a.tokenCounts, b.tokenCounts, `${where} tokens`);
    assert.ok(Math.abs(a.costUSD - b.costUSD) <= b.costUSD * 1e-4, `${where} cost ${a.costUSD} vs ${b.costUSD}`);
    assert.deepEqual([...a.models].sort(), [...b.models].sort(), `${where} models`);
    assert.equal(a.usageLimitResetTime, b.usageLimitResetTime, `${where} usageLimitResetTime`);
  }
}

describe('code-usage agrees with ccusage 20', function () {
  this.timeout(60_000);
  let dir;
  before(function () {
    this.timeout(180_000);
    CCUSAGE = ccusageBin();
  });
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccusage-cmp-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('gives the same blocks, tokens and cost on a finished tree (no active block)', async () => {
    // Ends 12 hours ago: no block can be active for either tool, whatever "now" is.
    generate(dir, new Date(Date.now() - 12 * 3600_000).toISOString(), 7);
    const theirs = ccusageBlocks(dir);
    assert.ok(theirs.length > 5);
    assertSameBlocks(await ourBlocks(dir, Date.now()), theirs);
    // The same with a worker thread reading part of the files (as large first scans do).
    assertSameBlocks(await ourBlocks(dir, Date.now(), 0), theirs);
  });

  it('agrees on the active block and its burn rate when the tree ends now', async () => {
    generate(dir, new Date().toISOString(), 11);
    const theirs = ccusageBlocks(dir);
    const ours = await ourBlocks(dir, Date.now());
    assertSameBlocks(ours, theirs);
    const a = ours[ours.length - 1];
    const b = theirs[theirs.length - 1];
    assert.equal(a.isActive, true);
    for (const k of ['tokensPerMinute', 'tokensPerMinuteForIndicator', 'costPerHour']) {
      assert.ok(Math.abs(a.burnRate[k] - b.burnRate[k]) <= Math.abs(b.burnRate[k]) * 1e-4, `burnRate.${k}`);
    }
    // The projection depends on the clock of each run: both must still be close.
    assert.ok(Math.abs(a.projection.remainingMinutes - b.projection.remainingMinutes) <= 1);
  });
});
