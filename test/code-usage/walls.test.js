'use strict';
// Usage-limit walls read from Claude Code's logs: every shape the log generator writes,
// with and without a usage block or a message, through both line parsers and a worker;
// null fields; progress records.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib } = require('../support/node-red');
const { generateClaudeLogs, limitWallLine } = require('../support/claude-logs');

const { Pricer } = lib('code-usage/pricing');
const { EntryStore } = lib('code-usage/entries');
const { LogReader, ChunkReader, projectRoots, readInWorker } = lib('code-usage/reader');
const { jsonLineParser, readWallLines } = lib('code-usage/line-parser');
const { createLineParser } = lib('code-usage/line-scanner');

const AT = '2026-10-08T10:00:00.000Z';
const RESET = 1791511200; // 2026-10-09T02:00:00Z
const RESET_ISO = '2026-10-09T02:00:00.000Z';

// form → [limit, model, resetsAt] for a line at AT (10:00Z), timezone America/New_York
const WALLS = {
  legacy: [null, null, RESET_ISO],
  session: ['session', null, '2026-10-08T10:30:00.000Z'], // 19:30 Seoul
  weekly: ['weekly', null, '2026-10-12T06:00:00.000Z'], // Oct 12 08:00 Paris
  fiveHour: ['session', null, '2026-10-08T19:00:00.000Z'], // 3pm in the node's timezone (New York)
  bare: [null, null, '2026-10-08T15:00:00.000Z'], // 17:00 Berlin
  fable: ['model', 'Fable', null],
  creditsReset: [null, null, '2026-10-08T20:40:00.000Z'],
  creditsSwitch: ['model', null, null],
  creditsModel: ['model', null, null],
  quota: ['session', null, RESET_ISO], // the structured block wins over "resets 10pm"
  quotaOnly: ['model', 'Opus', RESET_ISO],
  rateLimitInfo: ['weekly', null, RESET_ISO],
};
const NOT_WALLS = ['login', 'server', 'safeguard', 'throttle', 'onHold'];

function tree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-walls-'));
  generateClaudeLogs({ out: dir, sizeMb: 0.3, days: 2, seed: 7, end: '2026-10-08T12:00:00Z' });
  const project = path.join(dir, 'projects', '-home-dev-walls');
  fs.mkdirSync(project, { recursive: true });
  const lines = [...Object.keys(WALLS), ...NOT_WALLS].map((form, i) => limitWallLine(form, { at: AT, resetSec: RESET, id: `w${i}` }));
  fs.writeFileSync(path.join(project, 'walls.jsonl'), lines.join(''));
  return dir;
}

function expectedWalls(store) {
  const mine = store.limitLines.filter((l) => l.at === AT);
  assert.equal(mine.length, Object.keys(WALLS).length, mine.map((l) => l.text).join('\n'));
  const byText = new Map(mine.map((l) => [l.text, l]));
  for (const [form, [limit, model, resetsAt]] of Object.entries(WALLS)) {
    const text = form === 'rateLimitInfo' ? '' : JSON.parse(limitWallLine(form, { at: AT, resetSec: RESET })).message.content[0].text.replace(/\|\d+$/, '');
    const l = byText.get(text);
    assert.ok(l, `${form} is a wall`);
    assert.deepEqual([l.limit, l.model, l.resetsAt], [limit, model, resetsAt], form);
  }
}

describe('code-usage limit walls in the logs', () => {
  let dir;
  before(() => (dir = tree()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every wall shape (with or without usage, message or quotaLimits) and none of the near-misses', async () => {
    const store = new EntryStore(new Pricer(), '', 'America/New_York');
    const stats = await new LogReader(projectRoots(dir, {}, '/nonexistent'), store).scan();
    expectedWalls(store);
    assert.equal(stats.limitLines, store.limitLines.length);
    assert.ok(store.size > 100, 'the generated usage is read alongside');
  });

  it('the WebAssembly scanner and JSON.parse find the same walls and entries', async () => {
    const read = async (parser) => {
      const store = new EntryStore(new Pricer(), '', 'America/New_York');
      const reader = new ChunkReader(store, Infinity, parser);
      for (const file of fs.readdirSync(path.join(dir, 'projects'), { recursive: true })) {
        const f = path.join(dir, 'projects', file);
        if (f.endsWith('.jsonl')) await reader.readFile(f, 0, fs.statSync(f).size);
      }
      return store;
    };
    const [fast, slow] = [await read(createLineParser()), await read(jsonLineParser)];
    expectedWalls(fast);
    assert.deepEqual(fast.limitLines, slow.limitLines);
    assert.deepEqual([...fast.entries()], [...slow.entries()]);
  });

  it('a worker thread reads walls in the timezone it is given', async () => {
    const f = path.join(dir, 'projects', '-home-dev-walls', 'walls.jsonl');
    const store = new EntryStore(new Pricer(), '', 'America/New_York');
    const worker = readInWorker([[f, { offset: 0 }, fs.statSync(f).size]], new Int32Array(new SharedArrayBuffer(4)), {}, 'w0.', (b) => store.merge(b.entries), 1, 'America/New_York');
    assert.equal(await worker.finished, true);
    expectedWalls(store);
  });

  it('a line that only mentions a wall (a prompt quoting one) is no wall', async () => {
    const file = path.join(dir, 'mention.jsonl');
    const quoted = limitWallLine('session', { at: AT });
    fs.writeFileSync(file, `${JSON.stringify({ type: 'user', timestamp: AT, message: { role: 'user', content: `why did I get ${quoted} with "apiError" and "quotaLimits"?` } })}\n`);
    const store = new EntryStore(new Pricer(), '', 'UTC');
    await new ChunkReader(store, Infinity).readFile(file, 0, fs.statSync(file).size);
    fs.rmSync(file);
    assert.deepEqual(store.limitLines, []);
  });

  it('reads each wall line once, whichever of its keys are found', () => {
    const buf = Buffer.from(limitWallLine('quota', { at: AT, resetSec: RESET }) + limitWallLine('rateLimitInfo', { at: AT, resetSec: RESET }));
    const seen = [];
    readWallLines(buf, buf.length, (f) => seen.push(f.apiError));
    assert.deepEqual(seen, ['usage_limit_reached', 'usage_limit_reached']);
  });
});

describe('code-usage null fields and progress records', () => {
  let dir;
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it('counts lines whose fields are null (iterations[].model, speed, inference_geo, server_tool_use, message.id) and not a progress record', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-nulls-'));
    const project = path.join(dir, 'projects', '-p');
    fs.mkdirSync(project, { recursive: true });
    const usage = { input_tokens: 2, cache_creation_input_tokens: 100, cache_read_input_tokens: 0, output_tokens: 300, speed: null, inference_geo: null, service_tier: null, server_tool_use: null, cache_creation: null, iterations: [{ type: 'message', model: null, input_tokens: 2, output_tokens: 300 }] };
    const lines = [
      { type: 'assistant', timestamp: '2026-10-08T10:00:00.000Z', sessionId: 's', requestId: 'req_1', message: { id: 'msg_1', model: 'claude-sonnet-4-6', role: 'assistant', usage, stop_reason: null, stop_sequence: null } },
      { type: 'assistant', timestamp: '2026-10-08T10:00:02.000Z', sessionId: 's', requestId: null, message: { id: null, model: 'claude-sonnet-4-6', usage: { input_tokens: 1, output_tokens: 7, cache_read_input_tokens: null } } },
      { type: 'progress', timestamp: '2026-10-08T10:00:01.000Z', sessionId: 's', data: { message: { requestId: 'req_2', message: { id: 'msg_2', model: 'claude-sonnet-4-6', usage: { input_tokens: 5, output_tokens: 50 } } } } },
    ];
    fs.writeFileSync(path.join(project, 's.jsonl'), lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    for (const parser of [createLineParser(), jsonLineParser]) {
      const store = new EntryStore(new Pricer());
      const reader = new ChunkReader(store, Infinity, parser);
      const f = path.join(project, 's.jsonl');
      await reader.readFile(f, 0, fs.statSync(f).size);
      const entries = [...store.entries()];
      assert.equal(entries.length, 2, 'the progress record is not counted');
      assert.deepEqual([entries[0].input, entries[0].output, entries[0].cacheWrite, entries[0].model], [2, 300, 100, 'claude-sonnet-4-6']);
      assert.deepEqual([entries[1].input, entries[1].output, entries[1].cacheRead], [1, 7, 0], 'a null message.id, requestId or count is absent');
      assert.ok(entries[0].costUSD > 0);
    }
  });
});
