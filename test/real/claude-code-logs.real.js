'use strict';
// Real Claude Code log lines (../shared/fixtures/real/claude-code) through the log reader:
// every limit wall is recognised with its limit and reset time, the errors that are not
// walls are not, null fields do not drop a line and progress records are not counted.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { requireReal, realPath, readLines } = require('./support');
const { lib } = require('../support/node-red');

const iso = (epochSeconds) => new Date(epochSeconds * 1000).toISOString();

async function readFile(file, timeZone = 'UTC') {
  const { EntryStore } = lib('code-usage/entries');
  const { Pricer } = lib('code-usage/pricing');
  const { ChunkReader } = lib('code-usage/reader');
  const store = new EntryStore(new Pricer(), '', timeZone);
  const reader = new ChunkReader(store, Infinity);
  await reader.readFile(file, 0, fs.statSync(file).size);
  return { store, reader };
}

describe('real capture: Claude Code log lines through the reader', function () {
  requireReal(this);
  let tmp;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'real-code-logs-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('zerocode-ide: the Fable cap and the session wall are walls; the server and login errors are not', async () => {
    const { store } = await readFile(realPath('claude-code', 'cjy5507-zerocode-ide-part.jsonl'));
    const lines = readLines('claude-code', 'cjy5507-zerocode-ide-part.jsonl').map((l) => JSON.parse(l));
    assert.deepEqual(
      store.limitLines.map((l) => [l.at, l.limit, l.model, l.resetsAt]),
      [
        [lines[0].timestamp, 'model', 'Fable', null],
        [lines[3].timestamp, 'session', null, iso(lines[3].quotaLimits.resetsAt)],
      ],
    );
    assert.equal(store.size, 0, 'no usage entries');
  });

  it('the apiError / quotaLimits / rate_limit_info lines: each a wall with the structured limit and reset', async () => {
    // these lines come without timestamps: give each one, as a tree would
    const lines = readLines('claude-code', 'claude-code-limit-walls-2026-09-10-apiError-overage.jsonl').map((l) => JSON.parse(l));
    const at = ['2026-10-08T10:00:00.000Z', '2026-10-08T11:00:00.000Z', '2026-10-08T12:00:00.000Z'];
    const file = path.join(tmp, 'walls.jsonl');
    fs.writeFileSync(file, lines.map((l, i) => `${JSON.stringify({ ...l, timestamp: at[i], sessionId: 's' })}\n`).join(''));
    const { store } = await readFile(file, 'Asia/Seoul');
    const info = (l) => l.quotaLimits ?? l.apiErrorParams.rate_limit_info;
    const kinds = { five_hour: 'session', seven_day: 'weekly' };
    assert.deepEqual(
      store.limitLines.map((l) => [l.at, l.limit, l.resetsAt]),
      lines.map((l, i) => [at[i], kinds[info(l).rateLimitType], iso(info(l).resetsAt)]),
    );
  });

  it('ccusage fixtures: a null iterations[].model keeps its line, a progress record is not counted', async () => {
    const { store } = await readFile(realPath('claude-code', 'ryoppippi-ccusage.jsonl'));
    const lines = readLines('claude-code', 'ryoppippi-ccusage.jsonl').map((l) => JSON.parse(l));
    const entries = [...store.entries()];
    const nullModel = lines.find((l) => l.message?.usage?.iterations?.some((it) => it.model === null));
    assert.ok(nullModel, 'the capture has a line with iterations[].model null');
    assert.ok(entries.some((e) => e.model === nullModel.message.model && e.output === nullModel.message.usage.output_tokens), 'that line is counted');
    const progress = lines.find((l) => l.data?.message?.message?.usage);
    assert.ok(progress, 'the capture has a progress-style line');
    assert.ok(!entries.some((e) => e.model === progress.data.message.message.model && e.cacheRead === progress.data.message.message.usage.cache_read_input_tokens && e.output === progress.data.message.message.usage.output_tokens), 'the progress record is not counted');
    assert.equal(store.limitLines.length, 0);
  });

  it('claudit: bad lines are skipped, never fatal; the unknown model costs 0 and is named', async () => {
    const { store } = await readFile(realPath('claude-code', 'kurofune-claudit.jsonl'));
    const models = new Set([...store.entries()].map((e) => e.model));
    assert.ok(models.has('claude-opus-4-7') && models.has('claude-sonnet-4-6'), [...models].join(', '));
    assert.ok([...store.entries()].filter((e) => e.model === 'unknown-model-xyz').every((e) => e.costUSD === 0));
    assert.equal(store.limitLines.length, 0);
  });
});
