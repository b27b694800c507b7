'use strict';
// claude-code-usage in the Node-RED test helper, with a fake clock (sinon) for the alerts.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const sinon = require('sinon');
const { testHelper, node: loadNode } = require('../support/node-red');
const { limitWallLine } = require('../support/claude-logs');

const helper = testHelper();
const codeUsageNode = loadNode('claude-code-usage');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function line(iso, id, extra = {}) {
  return (
    JSON.stringify({
      type: 'assistant',
      sessionId: 's',
      timestamp: iso,
      requestId: `req_${id}`,
      message: { id: `msg_${id}`, model: 'claude-sonnet-4-6', usage: { input_tokens: 10, output_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 } },
      ...extra,
    }) + '\n'
  );
}

function limitLine(iso, resetIso) {
  return (
    JSON.stringify({
      type: 'assistant',
      sessionId: 's',
      timestamp: iso,
      isApiErrorMessage: true,
      message: { id: `lim-${iso}`, model: '<synthetic>', content: [{ type: 'text', text: `Claude AI usage limit reached|${Date.parse(resetIso) / 1000}` }], usage: { input_tokens: 0, output_tokens: 0 } },
    }) + '\n'
  );
}

describe('claude-code-usage node', function () {
  let dir;
  let log;
  let clock;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-usage-node-'));
    fs.mkdirSync(path.join(dir, 'projects', 'p'), { recursive: true });
    log = path.join(dir, 'projects', 'p', 's.jsonl');
  });
  afterEach(async () => {
    if (clock) clock.restore();
    clock = null;
    await helper.unload();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function deploy(props = {}) {
    const flow = [
      { id: 'n1', type: 'claude-code-usage', configDir: dir, interval: '3600', host: 'box', timezone: 'UTC', billingDay: '1', monthlySessions: '50', blockEndingMinutes: '30', inactivityMinutes: '10', wires: [['out'], ['alerts']], ...props },
      { id: 'out', type: 'helper' },
      { id: 'alerts', type: 'helper' },
    ];
    await helper.load(codeUsageNode, flow);
    const usage = [];
    const alerts = [];
    helper.getNode('out').on('input', (m) => usage.push(m));
    helper.getNode('alerts').on('input', (m) => alerts.push(m));
    return { n1: helper.getNode('n1'), usage, alerts };
  }

  async function until(pred, what) {
    for (let i = 0; i < 200; i++) {
      if (pred()) return;
      await sleep(10);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Sends one input at the fake time and waits for its answer and any alerts. */
  async function scanAt(ctx, iso, msg = {}) {
    clock.setSystemTime(new Date(iso));
    const before = ctx.usage.length;
    ctx.n1.receive({ payload: 'scan', ...msg });
    await until(() => ctx.usage.length > before, 'the answer on output 1');
    await sleep(20);
    return ctx.usage[ctx.usage.length - 1];
  }

  const kinds = (alerts) => alerts.map((a) => a.alert.kind);

  it('sends block-started, inactive (once per idle spell), block-ending and limit-reached at the right times', async () => {
    fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a') + line('2026-11-20T11:55:00.000Z', 'b'));
    clock = sinon.useFakeTimers({ now: new Date('2026-11-20T12:00:00Z'), toFake: ['Date'] });
    const ctx = await deploy();
    await until(() => ctx.usage.length === 1, 'the first scan');
    const first = ctx.usage[0].payload;
    assert.equal(ctx.usage[0].topic, 'box');
    assert.equal(first.activeBlock.startTime, '2026-11-20T10:00:00.000Z');
    assert.equal(first.activeBlock.entries, 2);
    assert.deepEqual(kinds(ctx.alerts), [], 'nothing due at deploy: the active block is not "started"');

    await scanAt(ctx, '2026-11-20T12:06:00Z');
    assert.deepEqual(kinds(ctx.alerts), ['inactive']);
    const idle = ctx.alerts[0];
    assert.equal(idle.alert.limit_type, 'block');
    assert.equal(idle.alert.account, 'box');
    assert.equal(idle.alert.resetsAt, '2026-11-20T15:00:00.000Z');
    assert.equal(idle.topic, idle.alert.title);
    await scanAt(ctx, '2026-11-20T12:20:00Z');
    assert.deepEqual(kinds(ctx.alerts), ['inactive'], 'once per idle spell');

    fs.appendFileSync(log, line('2026-11-20T12:21:00.000Z', 'c'));
    await scanAt(ctx, '2026-11-20T12:22:00Z');
    assert.equal(ctx.alerts.length, 1);
    await scanAt(ctx, '2026-11-20T14:35:00Z');
    // 25 minutes before the end, and idle again since 12:21 (a new spell)
    assert.deepEqual(kinds(ctx.alerts), ['inactive', 'block-ending', 'inactive']);
    await scanAt(ctx, '2026-11-20T14:45:00Z');
    assert.equal(ctx.alerts.length, 3, 'block-ending once per block, inactive once per spell');

    fs.appendFileSync(log, line('2026-11-20T15:10:00.000Z', 'd'));
    const answer = await scanAt(ctx, '2026-11-20T15:11:00Z');
    assert.equal(answer.payload.activeBlock.startTime, '2026-11-20T15:00:00.000Z');
    assert.deepEqual(kinds(ctx.alerts).slice(3), ['block-started']);

    fs.appendFileSync(log, limitLine('2026-11-20T15:12:00.000Z', '2026-11-20T20:00:00Z'));
    await scanAt(ctx, '2026-11-20T15:13:00Z');
    const limit = ctx.alerts[ctx.alerts.length - 1];
    assert.equal(limit.alert.kind, 'limit-reached');
    assert.equal(limit.alert.level, 'critical');
    assert.equal(limit.alert.resetsAt, '2026-11-20T20:00:00.000Z');
  });

  it('sends limit-reached for the current wall wordings with alert.limit, alert.model and resetsAt; not for a throttle or a login error', async () => {
    fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a'));
    clock = sinon.useFakeTimers({ now: new Date('2026-11-20T11:00:00Z'), toFake: ['Date'] });
    const ctx = await deploy({ timezone: 'America/New_York' });
    await until(() => ctx.usage.length === 1, 'the first scan');
    fs.appendFileSync(
      log,
      limitWallLine('fiveHour', { at: '2026-11-20T11:01:00.000Z' }) +
        limitWallLine('throttle', { at: '2026-11-20T11:02:00.000Z' }) +
        limitWallLine('login', { at: '2026-11-20T11:03:00.000Z' }) +
        limitWallLine('fable', { at: '2026-11-20T11:04:00.000Z' }) +
        limitWallLine('quotaOnly', { at: '2026-11-20T11:05:00.000Z', resetSec: Date.parse('2026-11-24T00:00:00Z') / 1000 }),
    );
    await scanAt(ctx, '2026-11-20T11:06:00Z');
    const walls = ctx.alerts.filter((a) => a.alert.kind === 'limit-reached');
    assert.deepEqual(
      walls.map((a) => [a.alert.limit, a.alert.model, a.alert.resetsAt]),
      [
        ['session', null, '2026-11-20T20:00:00.000Z'], // 3pm in New York
        ['model', 'Fable', null],
        ['model', 'Opus', '2026-11-24T00:00:00.000Z'],
      ],
    );
    assert.match(walls[0].payload, /^box: session limit reached at /);
    assert.match(walls[1].payload, /^box: Fable limit reached at /);
  });

  it('sends block-ending on the first scan when it is already due, and no block-started', async () => {
    fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a') + line('2026-11-20T14:40:00.000Z', 'b'));
    clock = sinon.useFakeTimers({ now: new Date('2026-11-20T14:45:00Z'), toFake: ['Date'] });
    const ctx = await deploy();
    await until(() => ctx.alerts.length === 1, 'the block-ending alert');
    assert.deepEqual(kinds(ctx.alerts), ['block-ending']);
    assert.match(ctx.alerts[0].payload, /^box: 5-hour block resets 15:00 \(in 15m\)/);
  });

  it('answers every input with the report, rescans from scratch on msg.recalculate, and counts the period', async () => {
    fs.writeFileSync(log, line('2026-11-02T10:05:00.000Z', 'a') + line('2026-11-20T10:05:00.000Z', 'b') + line('2026-10-30T10:05:00.000Z', 'old'));
    clock = sinon.useFakeTimers({ now: new Date('2026-11-20T12:00:00Z'), toFake: ['Date'] });
    const ctx = await deploy({ monthlySessions: '5', billingDay: '1' });
    await until(() => ctx.usage.length === 1, 'the first scan');
    const answer = await scanAt(ctx, '2026-11-20T12:01:00Z', { recalculate: true, extra: 1 });
    assert.equal(answer.extra, 1, 'the input message travels on');
    const p = answer.payload;
    assert.equal(p.period.start, '2026-11-01T00:00:00.000Z');
    assert.equal(p.period.sessions, 2);
    assert.equal(p.period.sessionsLeft, 3);
    assert.equal(p.blocks.length, 2);
    assert.equal(p.blocks[0].isGap, false);
    assert.equal(p.today.date, '2026-11-20');
    assert.equal(p.today.totalTokens, 1010);
  });

  it('warns once about an unknown model and skips corrupt lines', async () => {
    fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a', {}).replace('claude-sonnet-4-6', 'mystery-model') + '{"message":{"usage":{"input_tokens":5,"output_tokens":\n');
    const ctx = await deploy();
    await until(() => ctx.usage.length === 1, 'the first scan');
    const warnings = ctx.n1.warn.args.map((a) => String(a[0]));
    assert.ok(warnings.some((w) => /mystery-model/.test(w)));
    assert.ok(warnings.some((w) => /skipped 1 unreadable/.test(w)));
    assert.equal(ctx.usage[0].payload.blocks.length >= 0, true);
  });

  it('sends output 1 only when something changed, also for an empty log tree', async () => {
    const ctx = await deploy({ interval: '1' });
    await until(() => ctx.usage.length === 1, 'the first scan');
    assert.equal(ctx.usage[0].payload.activeBlock, null);
    assert.deepEqual(ctx.usage[0].payload.blocks, []);
    await sleep(1300); // at least one more scan by the timer
    assert.equal(ctx.usage.length, 1);
    fs.writeFileSync(log, line(new Date(Date.now() - 60_000).toISOString(), 'a'));
    await until(() => ctx.usage.length === 2, 'the report after a new line');
    assert.equal(ctx.usage[1].payload.activeBlock.entries, 1);
  });

  it('keeps its scan state in the user directory: after a restart the same report, only appended bytes read; removal deletes it', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-usage-user-'));
    helper.settings({ userDir });
    try {
      fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a') + line('2026-11-20T11:55:00.000Z', 'b'));
      clock = sinon.useFakeTimers({ now: new Date('2026-11-20T12:00:00Z'), toFake: ['Date'] });
      let ctx = await deploy();
      await until(() => ctx.usage.length === 1, 'the first scan');
      const before = ctx.usage[0].payload;
      const reads = (n) => n.debug.args.map((a) => String(a[0])).filter((t) => /^read \d+ bytes/.test(t));
      assert.match(reads(ctx.n1)[0], /^read \d+ bytes of 1 of 1 files from the start$/);
      await helper.unload();
      const stateFile = path.join(userDir, '.claude-usage', 'code-usage-n1.state');
      assert.ok(fs.existsSync(stateFile), 'written on close');

      ctx = await deploy();
      await until(() => ctx.usage.length === 1, 'the first scan after the restart');
      assert.deepEqual(ctx.usage[0].payload, before);
      assert.deepEqual(reads(ctx.n1), ['read 0 bytes of 0 of 1 files']);
      await helper.unload();

      const appended = line('2026-11-20T11:58:00.000Z', 'c');
      fs.appendFileSync(log, appended);
      ctx = await deploy();
      await until(() => ctx.usage.length === 1, 'the first scan after the second restart');
      assert.deepEqual(reads(ctx.n1), [`read ${Buffer.byteLength(appended)} bytes of 1 of 1 files`]);
      assert.equal(ctx.usage[0].payload.activeBlock.entries, 3);

      // A damaged state: a warning and a full read.
      await helper.unload();
      fs.writeFileSync(stateFile, 'CCUSAGE-SCAN\n\u0005\u0000\u0000\u0000{"ver');
      ctx = await deploy();
      await until(() => ctx.usage.length === 1, 'the first scan after damage');
      assert.ok(ctx.n1.warn.args.some((a) => /scan state not used \(header is not JSON\): reading every log file/.test(String(a[0]))));
      assert.equal(ctx.usage[0].payload.activeBlock.entries, 3);
      assert.match(reads(ctx.n1)[0], /from the start$/);

      // Removed by a deploy without it: its state goes too.
      await until(() => fs.readFileSync(stateFile).length > 100, 'the state rewritten after the first scan');
      await helper.setFlows([{ id: 'other', type: 'helper' }]);
      await until(() => !fs.existsSync(stateFile), 'the state file removed');
    } finally {
      helper.settings({ userDir: undefined });
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  });

  it('says once in the log when it has nowhere to keep its scan state, and reads all the same', async () => {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-usage-user-'));
    fs.writeFileSync(path.join(userDir, '.claude-usage'), 'a file, not a directory');
    helper.settings({ userDir });
    try {
      fs.writeFileSync(log, line('2026-11-20T10:05:00.000Z', 'a'));
      clock = sinon.useFakeTimers({ now: new Date('2026-11-20T10:10:00Z'), toFake: ['Date'] });
      const ctx = await deploy({ interval: '1' });
      await until(() => ctx.usage.length === 1, 'the first scan');
      fs.appendFileSync(log, line('2026-11-20T10:06:00.000Z', 'b'));
      ctx.n1.receive({ payload: 'scan' });
      await until(() => ctx.usage.length === 2, 'the answer');
      await sleep(50);
      const said = ctx.n1.log.args.map((a) => String(a[0])).filter((t) => /scan state not kept/.test(t));
      assert.equal(said.length, 1, said.join('\n'));
      assert.match(said[0], /every log file is read again/);
      assert.equal(ctx.usage[1].payload.blocks[0].entries, 2);
    } finally {
      helper.settings({ userDir: undefined });
      fs.rmSync(userDir, { recursive: true, force: true });
    }
  });

  it('reports invalid prices instead of starting', async () => {
    const ctx = await deploy({ prices: '{"x": {"input": -1, "output": 2}}' });
    await sleep(30);
    assert.equal(ctx.usage.length, 0);
    assert.ok(ctx.n1.error.args.some((a) => /prices: x.input/.test(String(a[0]))));
  });

  it('in demo mode reports a simulated busy machine from no files, and its alerts fire as time goes on', async () => {
    const start = Date.parse('2026-12-07T10:17:30.000Z');
    clock = sinon.useFakeTimers({ now: start, toFake: ['Date'] });
    const ctx = await deploy({ mode: 'demo', configDir: '/nonexistent', host: '' });
    await until(() => ctx.usage.length > 0, 'the first report');
    const first = ctx.usage[0].payload;
    assert.equal(first.host, 'demo laptop');
    assert.ok(first.activeBlock && first.activeBlock.totalTokens > 0, 'the live session is an active block');
    assert.ok(first.period.sessions > 1 && first.today.costUSD > 0);
    assert.equal(ctx.usage[0].topic, 'demo laptop');
    const later = await scanAt(ctx, new Date(start + 30 * 60_000).toISOString());
    assert.ok(later.payload.activeBlock.totalTokens > first.activeBlock.totalTokens, 'the session goes on');
    // the live session pauses 55 minutes after the start for 12 minutes: idle after 10
    await scanAt(ctx, new Date(start + 66 * 60_000).toISOString());
    assert.ok(kinds(ctx.alerts).includes('inactive'), kinds(ctx.alerts).join());
    assert.equal(ctx.n1.warn.callCount, 0);
    assert.equal(ctx.n1.error.callCount, 0);
  });
});
