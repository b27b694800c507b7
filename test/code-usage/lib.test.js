'use strict';
// Unit tests of the Claude Code log reader, de-duplication, pricing, blocks and report
// on the hand-written fixture tree test/fixtures/claude-logs (known answers worked out by hand).
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib, root } = require('../support/node-red');
const { limitWallLine } = require('../support/claude-logs');

const { Pricer, requestCost, PRICE_TABLE, buildTimelines, priceAt } = lib('code-usage/pricing');
const { EntryStore, limitLineOf, sortEntries } = lib('code-usage/entries');
const { LogReader, projectRoots, readInWorker } = lib('code-usage/reader');
const { buildBlocks } = lib('code-usage/blocks');
const { buildReport, billingPeriod } = lib('code-usage/report');
const { parseLine } = lib('code-usage/line-parser');

const FIXTURE = path.join(root, 'test', 'fixtures', 'claude-logs');
const close = (a, b, msg) => assert.ok(Math.abs(a - b) < 1e-9, `${msg}: ${a} != ${b}`);

function tmpTree() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-usage-'));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

async function readTree(dir, pricer = new Pricer()) {
  const store = new EntryStore(pricer);
  const reader = new LogReader(projectRoots(dir, {}, '/nonexistent'), store);
  const stats = await reader.scan();
  const limits = store.limitLines.map((l) => ({ at: Date.parse(l.at), resetsAt: l.resetsAt }));
  return { store, reader, stats, blocks: buildBlocks(sortEntries(store.entries()), Date.parse('2026-11-22T00:00:00Z'), limits) };
}

const tokens = (over) => ({ input: 0, output: 0, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, ...over });

const NOW = Date.parse('2026-12-07T12:00:00Z');
/** The one row of `model` in the built-in table. */
const rowOf = (model) => {
  const rows = PRICE_TABLE.filter((r) => r.model === model);
  assert.equal(rows.length, 1, model);
  return rows[0];
};

describe('code-usage pricing', () => {
  const pricer = new Pricer();
  it('prices Opus 4.7, Sonnet 4.6 and Haiku 4.5 per million tokens', () => {
    close(pricer.cost('claude-opus-4-7', tokens({ input: 1e6, output: 1e6 }), NOW), 30, 'opus');
    close(pricer.cost('claude-sonnet-4-6', tokens({ input: 1e6, output: 1e6, cacheRead: 1e6 }), NOW), 18.3, 'sonnet');
    close(pricer.cost('claude-haiku-4-5-20251001', tokens({ output: 1e6 }), NOW), 5, 'haiku dated id');
  });
  it('prices 5-minute cache writes at 1.25x and 1-hour writes at 2x the input price', () => {
    close(pricer.cost('claude-sonnet-4-6', tokens({ cacheWrite: 1e6 }), NOW), 3.75, '5m');
    close(pricer.cost('claude-sonnet-4-6', tokens({ cacheWrite: 1e6, cacheWrite1h: 1e6 }), NOW), 6, '1h');
    close(pricer.cost('claude-sonnet-4-6', tokens({ cacheWrite: 1e6, cacheWrite1h: 4e5 }), NOW), 0.6 * 3.75 + 0.4 * 6, 'split');
  });
  it('multiplies fast-mode requests for the models that have fast mode', () => {
    close(pricer.cost('claude-opus-4-6', tokens({ input: 1e6 }), NOW, { fast: true }), 30, 'opus 4.6 fast');
    close(pricer.cost('claude-sonnet-4-6', tokens({ input: 1e6 }), NOW, { fast: true }), 3, 'no fast tier');
  });
  it('bills a whole Sonnet 4.5 request above 200k prompt tokens at long-context rates (Anthropic rule)', () => {
    const big = tokens({ input: 150000, cacheRead: 60000, output: 1000 });
    close(pricer.cost('claude-sonnet-4-5-20250929', big, NOW), (150000 * 6 + 60000 * 0.6 + 1000 * 22.5) / 1e6, 'above 200k');
    const exactly = tokens({ input: 140000, cacheRead: 60000, output: 1000 });
    close(pricer.cost('claude-sonnet-4', exactly, NOW), (140000 * 3 + 60000 * 0.3 + 1000 * 15) / 1e6, 'at 200k: base rates');
    close(pricer.cost('claude-sonnet-4-6', big, NOW), (150000 * 3 + 60000 * 0.3 + 1000 * 15) / 1e6, 'Sonnet 4.6 is flat');
  });
  it('prices unknown models at 0 and lists them; <synthetic> is not listed', () => {
    const p = new Pricer();
    assert.equal(p.cost('gpt-9', tokens({ input: 1e6 }), NOW), 0);
    assert.equal(p.cost('<synthetic>', tokens({}), NOW), 0);
    assert.deepEqual([...p.unknownModels], ['gpt-9']);
  });
  it('lets overrides win and add models, with default cache multipliers', () => {
    const p = new Pricer({ 'claude-sonnet-4-6': { input: 1, output: 2 }, 'my-model': { input: 10, output: 20, cacheRead: 0 } });
    close(p.cost('claude-sonnet-4-6-20260101', tokens({ input: 1e6, cacheWrite: 1e6 }), NOW), 2.25, 'override');
    close(p.cost('my-model', tokens({ output: 1e6, cacheRead: 1e6 }), NOW), 20, 'added');
  });
  it('matches a key only when a date or context suffix follows it: a newer version is never an older one', () => {
    const p = new Pricer();
    assert.equal(p.priceOf('claude-opus-4-10', NOW), null, 'claude-opus-4-10 is neither claude-opus-4-1 nor claude-opus-4');
    assert.equal(p.priceOf('claude-opus-5-5', NOW), rowOf('claude-opus-5-5'));
    assert.notEqual(rowOf('claude-opus-5-5').input, rowOf('claude-opus-5').input);
    assert.equal(p.priceOf('claude-opus-5-6', NOW), null, 'not claude-opus-5');
    assert.equal(p.priceOf('claude-fable-5-3', NOW), null, 'not claude-fable-5');
    assert.equal(p.priceOf('claude-opus-5-20260724', NOW), rowOf('claude-opus-5'), 'a date');
    assert.equal(p.priceOf('claude-opus-5-5[1m]', NOW), rowOf('claude-opus-5-5'), 'a context suffix');
    assert.equal(p.priceOf('anthropic/claude-sonnet-5-5@20260901', NOW), rowOf('claude-sonnet-5-5'), 'Vertex date');
    assert.equal(p.priceOf('claude-opus-4-7-fast', NOW), rowOf('claude-opus-4-7'), 'fast-mode entries');
    assert.equal(p.priceOf('claude-opus-5-preview', NOW), null);
    assert.equal(p.priceOf('claude-opus-5-2026', NOW), null, 'a partial date is no date');
    assert.deepEqual([...p.unknownModels].sort(), ['claude-fable-5-3', 'claude-opus-4-10', 'claude-opus-5-2026', 'claude-opus-5-6', 'claude-opus-5-preview']);
    assert.equal(requestCost(rowOf('claude-opus-4-1'), tokens({ input: 1e6 })), 15);
  });
  it('prices Opus 5.5, Sonnet 5.5, Fable 5.2 and Mythos 5.2 with their own cache-read ratios', () => {
    const p = new Pricer();
    const all = tokens({ input: 1e6, output: 1e6, cacheWrite: 2e6, cacheWrite1h: 1e6, cacheRead: 1e6 });
    close(p.cost('claude-opus-5-5', all, NOW), 4 + 20 + 5 + 8 + 0.2, 'opus 5.5');
    close(p.cost('claude-sonnet-5-5-20260901', all, NOW), 2 + 10 + 2.5 + 4 + 0.2, 'sonnet 5.5');
    close(p.cost('claude-fable-5-2', all, NOW), 8 + 40 + 10 + 16 + 0.2, 'fable 5.2');
    close(p.cost('claude-mythos-5-2', all, NOW), 8 + 40 + 10 + 16 + 0.2, 'mythos 5.2');
    assert.deepEqual([...p.unknownModels], []);
  });
  it('bills a whole Haiku 5.5 request above 100k prompt tokens at its long-prompt rates', () => {
    const p = new Pricer();
    const small = tokens({ input: 60000, cacheRead: 40000, output: 1000 });
    close(p.cost('claude-haiku-5-5', small, NOW), (60000 * 0.1 + 40000 * 0.01 + 1000 * 0.5) / 1e6, 'at 100k: base rates');
    const big = tokens({ input: 60000, cacheRead: 30000, cacheWrite: 20000, cacheWrite1h: 10000, output: 1000 });
    close(p.cost('claude-haiku-5-5', big, NOW), (60000 * 0.5 + 30000 * 0.05 + 10000 * 0.625 + 10000 * 1 + 1000 * 2.5) / 1e6, 'above 100k');
  });

  // The table before it became effective-dated rows, rate for rate (USD per million:
  // input, output, 5-minute write, 1-hour write, cache read; fast multiplier).
  const BEFORE = {
    'claude-fable-5-2': [8, 40, 10, 16, 0.2],
    'claude-fable-5-1': [10, 50, 12.5, 20, 0.25],
    'claude-fable-5': [10, 50, 12.5, 20, 1],
    'claude-mythos-5-2': [8, 40, 10, 16, 0.2],
    'claude-mythos-5-1': [10, 50, 12.5, 20, 0.25],
    'claude-mythos-5': [10, 50, 12.5, 20, 1],
    'claude-opus-5-5': [4, 20, 5, 8, 0.2],
    'claude-opus-5': [5, 25, 6.25, 10, 0.5, 2],
    'claude-opus-4-8': [5, 25, 6.25, 10, 0.5, 2],
    'claude-opus-4-7': [5, 25, 6.25, 10, 0.5, 6],
    'claude-opus-4-6': [5, 25, 6.25, 10, 0.5, 6],
    'claude-opus-4-5': [5, 25, 6.25, 10, 0.5],
    'claude-opus-4-1': [15, 75, 18.75, 30, 1.5],
    'claude-opus-4': [15, 75, 18.75, 30, 1.5],
    'claude-sonnet-5-5': [2, 10, 2.5, 4, 0.2],
    'claude-sonnet-5': [2, 10, 2.5, 4, 0.2],
    'claude-sonnet-4-6': [3, 15, 3.75, 6, 0.3],
    'claude-sonnet-4-5': [3, 15, 3.75, 6, 0.3],
    'claude-sonnet-4': [3, 15, 3.75, 6, 0.3],
    'claude-haiku-5-5': [0.1, 0.5, 0.125, 0.2, 0.01],
    'claude-haiku-4-5': [1, 5, 1.25, 2, 0.1],
    'claude-3-7-sonnet': [3, 15, 3.75, 6, 0.3],
    'claude-3-5-sonnet': [3, 15, 3.75, 6, 0.3],
    'claude-3-5-haiku': [0.8, 4, 1, 1.6, 0.08],
    'claude-3-opus': [15, 75, 18.75, 30, 1.5],
    'claude-3-haiku': [0.25, 1.25, 0.3, 0.5, 0.03],
  };

  it("keeps every model's figures of the table before it was dated, at every date", () => {
    const models = [...new Set(PRICE_TABLE.map((r) => r.model))].sort();
    assert.deepEqual(models, Object.keys(BEFORE).sort(), 'the same models');
    // a small request (under every long-context threshold) of each kind of token
    const t = tokens({ input: 3000, output: 2000, cacheWrite: 5000, cacheWrite1h: 1000, cacheRead: 40000 });
    const p = new Pricer();
    for (const [model, [input, output, w5, w1, read, fastX]] of Object.entries(BEFORE)) {
      const want = (3000 * input + 2000 * output + 4000 * w5 + 1000 * w1 + 40000 * read) / 1e6;
      for (const at of [Date.parse('2020-01-01T00:00:00Z'), Date.parse(`${rowOf(model).from}T00:00:00Z`), NOW]) {
        close(p.cost(model, t, at), want, `${model} at ${new Date(at).toISOString()}`);
        close(p.cost(`${model}-fast`, t, at, { fast: true }), want * (fastX ?? 1), `${model} fast`);
      }
    }
  });

  it('names a source and a date for every row', () => {
    for (const r of PRICE_TABLE) {
      assert.match(r.from, /^\d{4}-\d{2}-\d{2}$/, r.model);
      assert.ok(Date.parse(`${r.from}T00:00:00Z`) <= NOW, `${r.model} takes effect by now`);
      assert.ok(r.source.length > 3, `${r.model} has a source`);
    }
  });

  describe('effective dates', () => {
    // a model whose price changed on 2026-03-01: $4 / $20 before, $2 / $10 from that date
    const TABLE = [
      { model: 'claude-test-1', from: '2026-03-01', source: 'a test', input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 },
      { model: 'claude-test-1', from: '2026-01-15', source: 'a test', input: 4, output: 20, cacheWrite5m: 5, cacheWrite1h: 8, cacheRead: 0.4 },
      { model: 'claude-other', from: '2026-01-01', source: 'a test', input: 1, output: 1, cacheWrite5m: 1, cacheWrite1h: 1, cacheRead: 1 },
    ];
    const million = tokens({ input: 1e6, output: 1e6 });
    const change = Date.parse('2026-03-01T00:00:00Z');

    it('prices a request by the row in force at its time: before, at and after the change', () => {
      const p = new Pricer({}, TABLE);
      close(p.cost('claude-test-1', million, Date.parse('2026-02-28T23:59:59.999Z')), 24, 'the day before');
      close(p.cost('claude-test-1', million, change), 12, 'at the change');
      close(p.cost('claude-test-1-20260301', million, change + 86_400_000), 12, 'after it (dated id)');
      close(p.cost('claude-test-1', million, Date.parse('2026-01-15T00:00:00Z')), 24, 'at the first row');
    });
    it('gives a request older than the first row (or of no known time) the first row', () => {
      const p = new Pricer({}, TABLE);
      close(p.cost('claude-test-1', million, Date.parse('2025-06-01T00:00:00Z')), 24, 'older');
      close(p.cost('claude-test-1', million, NaN), 24, 'no time');
    });
    it('lets an override win over every row', () => {
      const p = new Pricer({ 'claude-test-1': { input: 1, output: 1 } }, TABLE);
      for (const at of [Date.parse('2025-01-01T00:00:00Z'), change - 1, change, NOW]) close(p.cost('claude-test-1', million, at), 2, new Date(at).toISOString());
    });
    it('finds the row of any date among many by bisection', () => {
      const rows = [];
      for (let m = 0; m < 12; m++) rows.push({ model: 'claude-many', from: `2026-${String(m + 1).padStart(2, '0')}-01`, source: 'a test', input: m + 1, output: 0, cacheWrite5m: 0, cacheWrite1h: 0, cacheRead: 0 });
      const timeline = buildTimelines(rows.reverse())['claude-many'];
      for (let m = 0; m < 12; m++) {
        assert.equal(priceAt(timeline, Date.UTC(2026, m, 1)).input, m + 1, `first of month ${m + 1}`);
        assert.equal(priceAt(timeline, Date.UTC(2026, m, 20)).input, m + 1, `within month ${m + 1}`);
      }
      assert.equal(priceAt(timeline, Date.UTC(2027, 5, 1)).input, 12, 'after the last row');
    });
    it('refuses a table with a bad date, no source or two rows of one model on one date', () => {
      const base = TABLE[2];
      assert.throws(() => buildTimelines([{ ...base, from: '2026-1-1' }]), /not a date/);
      assert.throws(() => buildTimelines([{ ...base, source: '' }]), /no source/);
      assert.throws(() => buildTimelines([base, { ...base }]), /two rows/);
    });
    it('prices log lines by their own time', () => {
      const store = new EntryStore(new Pricer({}, TABLE));
      const line = (id, ts) =>
        Buffer.from(JSON.stringify({ timestamp: ts, requestId: `r-${id}`, message: { id, model: 'claude-test-1', usage: { input_tokens: 1e6, output_tokens: 1e6 } } }));
      for (const [id, ts] of [['a', '2026-02-28T23:00:00.000Z'], ['b', '2026-03-01T00:00:00.000Z']]) {
        const buf = line(id, ts);
        store.add(parseLine(buf, 0, buf.length));
      }
      assert.deepEqual(sortEntries(store.entries()).map((e) => e.costUSD), [24, 12]);
    });
  });

  describe('web search and US-only inference', () => {
    const p = new Pricer();
    const t = tokens({ input: 1e6, output: 1e6 });
    it('bills web search requests at $10 per 1,000 on top of the tokens, for every model', () => {
      close(p.cost('claude-sonnet-4-6', t, NOW, { webSearches: 3 }), 18 + 0.03, 'sonnet 4.6');
      close(p.cost('claude-3-5-haiku', tokens({}), NOW, { webSearches: 1000 }), 10, 'only searches');
      for (const r of PRICE_TABLE) assert.equal(r.webSearch, 0.01, r.model);
    });
    it('multiplies every token rate by 1.1 for US-only inference on Opus 4.6 and later models, not the searches', () => {
      close(p.cost('claude-opus-4-6', t, NOW, { usOnly: true }), 30 * 1.1, 'opus 4.6');
      close(p.cost('claude-haiku-5-5', tokens({ input: 50000, output: 1e6 }), NOW, { usOnly: true }), 0.505 * 1.1, 'haiku 5.5');
      close(p.cost('claude-sonnet-4-6', t, NOW, { usOnly: true, webSearches: 10 }), 18 * 1.1 + 0.1, 'searches at their own price');
      const all = tokens({ input: 1e6, output: 1e6, cacheWrite: 2e6, cacheWrite1h: 1e6, cacheRead: 1e6 });
      close(p.cost('claude-opus-5-5', all, NOW, { usOnly: true }), (4 + 20 + 5 + 8 + 0.2) * 1.1, 'cache writes and reads too');
    });
    it('keeps older models at their price for US-only inference', () => {
      for (const model of ['claude-opus-4-5', 'claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1', 'claude-3-7-sonnet']) {
        close(p.cost(model, t, NOW, { usOnly: true }), p.cost(model, t, NOW), model);
      }
    });
    it('stacks the multiplier on long-context and fast-mode prices', () => {
      const big = tokens({ input: 150000, cacheRead: 60000, output: 1000 });
      close(p.cost('claude-haiku-5-5', big, NOW, { usOnly: true }), ((150000 * 0.5 + 60000 * 0.05 + 1000 * 2.5) / 1e6) * 1.1, 'haiku 5.5 long prompt');
      close(p.cost('claude-opus-4-6-fast', t, NOW, { fast: true, usOnly: true }), 30 * 6 * 1.1, 'fast');
    });
    it('takes web search and US-only prices from an override when it gives them, else none', () => {
      const o = new Pricer({ 'claude-sonnet-4-6': { input: 3, output: 15 }, 'my-model': { input: 1, output: 1, webSearch: 0.02, usOnlyMultiplier: 1.5 } });
      close(o.cost('claude-sonnet-4-6', t, NOW, { webSearches: 5, usOnly: true }), 18, 'tokens only');
      close(o.cost('my-model', t, NOW, { webSearches: 5, usOnly: true }), 2 * 1.5 + 0.1, 'its own');
    });
  });
});

describe('code-usage line parser', () => {
  it('reads lines with non-ASCII text, and decodes usage-limit text as UTF-8', () => {
    const line = Buffer.from(
      JSON.stringify({ timestamp: '2026-01-01T00:00:00Z', isApiErrorMessage: true, message: { id: 'x', model: '<synthetic>', content: [{ type: 'text', text: 'Grüße — Claude AI usage limit reached|1767232800' }], usage: { input_tokens: 0, output_tokens: 0 } } }),
    );
    const f = parseLine(line, 0, line.length);
    assert.equal(f.messageId, 'x');
    assert.equal(f.content[0].text, 'Grüße — Claude AI usage limit reached|1767232800');
    assert.deepEqual(limitLineOf(f, 'UTC'), { at: '2026-01-01T00:00:00Z', resetsAt: '2026-01-01T02:00:00.000Z', text: 'Grüße — Claude AI usage limit reached', limit: null, model: null });
  });
  it('ignores a usage-limit line whose timestamp does not parse', () => {
    const line = Buffer.from(JSON.stringify({ timestamp: 'yesterday-ish', isApiErrorMessage: true, message: { id: 'x', model: '<synthetic>', content: [{ type: 'text', text: 'Claude AI usage limit reached|1767232800' }], usage: { input_tokens: 0, output_tokens: 0 } } }));
    assert.equal(limitLineOf(parseLine(line, 0, line.length), 'UTC'), null);
  });
  it('treats a message.id that is not a string as no usable line, and a missing or null one as id-less', () => {
    const a = Buffer.from('{"timestamp":"2026-01-01T00:00:00Z","message":{"id":7,"usage":{"input_tokens":1,"output_tokens":1}}}');
    const b = Buffer.from('{"timestamp":"2026-01-01T00:00:00Z","message":{"usage":{"input_tokens":1,"output_tokens":1}}}');
    const c = Buffer.from('{"timestamp":"2026-01-01T00:00:00Z","message":{"id":null,"usage":{"input_tokens":1,"output_tokens":1}}}');
    assert.equal(parseLine(a, 0, a.length).messageId, null);
    assert.equal(parseLine(b, 0, b.length).messageId, undefined);
    assert.equal(parseLine(c, 0, c.length).messageId, undefined);
  });
  it('finds fields in any key order and ignores nested look-alikes', () => {
    const line = Buffer.from(
      JSON.stringify({ message: { content: [{ type: 'tool_use', id: 'toolu_1', input: { model: 'x', timestamp: 'y', usage: { input_tokens: 9 } } }], usage: { input_tokens: 1, output_tokens: 2 }, model: 'm', id: 'msg_1' }, timestamp: '2026-01-01T00:00:00Z', requestId: 'r' }),
    );
    const f = parseLine(line, 0, line.length);
    assert.equal(f.messageId, 'msg_1');
    assert.equal(f.model, 'm');
    assert.equal(f.timestamp, '2026-01-01T00:00:00Z');
    assert.deepEqual(f.usage, { input: 1, output: 2, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, fast: false, webSearches: 0, usOnly: false });
  });
  it('returns null for a corrupt line', () => {
    const line = Buffer.from('{"type":"assistant","message":{"usage":{"input_tokens":5,"output_tokens":');
    assert.equal(parseLine(line, 0, line.length), null);
  });
});

describe('code-usage web search and US-only inference from log lines', () => {
  // one line per case, read from files as the node reads them (the WebAssembly scanner and,
  // for the <synthetic>-free fallback, JSON.parse give the same fields: line-scanner tests)
  const line = (id, ts, model, usage) => JSON.stringify({ type: 'assistant', timestamp: ts, requestId: `req_${id}`, sessionId: 's', message: { id, model, usage } });
  const base = { input_tokens: 1000, output_tokens: 2000, cache_read_input_tokens: 10000 };
  const cases = [
    // [id, model, usage extra, expected USD]
    ['plain', 'claude-sonnet-4-6', {}, (1000 * 3 + 2000 * 15 + 10000 * 0.3) / 1e6],
    ['search', 'claude-sonnet-4-6', { server_tool_use: { web_search_requests: 4, web_fetch_requests: 2 } }, (1000 * 3 + 2000 * 15 + 10000 * 0.3) / 1e6 + 0.04],
    ['search-null', 'claude-sonnet-4-6', { server_tool_use: { web_search_requests: null }, inference_geo: null }, (1000 * 3 + 2000 * 15 + 10000 * 0.3) / 1e6],
    ['us', 'claude-opus-4-7', { inference_geo: 'us' }, ((1000 * 5 + 2000 * 25 + 10000 * 0.5) / 1e6) * 1.1],
    ['global', 'claude-opus-4-7', { inference_geo: 'global' }, (1000 * 5 + 2000 * 25 + 10000 * 0.5) / 1e6],
    ['us-old', 'claude-opus-4-5-20251101', { inference_geo: 'us' }, (1000 * 5 + 2000 * 25 + 10000 * 0.5) / 1e6],
    ['us-search-fast', 'claude-opus-4-7', { inference_geo: 'us', speed: 'fast', server_tool_use: { web_search_requests: 2 } }, ((1000 * 5 + 2000 * 25 + 10000 * 0.5) / 1e6) * 6 * 1.1 + 0.02],
    ['bad-count', 'claude-haiku-4-5', { server_tool_use: { web_search_requests: '7' } }, (1000 * 1 + 2000 * 5 + 10000 * 0.1) / 1e6],
  ];

  it('adds the searches to the cost and multiplies US-only requests; tokens do not change', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'code-usage-search-'));
    try {
      const project = path.join(dir, 'projects', 'p');
      fs.mkdirSync(project, { recursive: true });
      const lines = cases.map(([id, model, extra], i) => line(id, new Date(Date.parse('2026-11-20T10:00:00.000Z') + i * 1000).toISOString(), model, { ...base, ...extra }));
      fs.writeFileSync(path.join(project, 's.jsonl'), lines.join('\n') + '\n');
      const { store } = await readTree(dir);
      const byId = new Map(sortEntries(store.entries()).map((e) => [e.messageId, e]));
      for (const [id, , , usd] of cases) {
        const e = byId.get(id);
        close(e.costUSD, usd, id);
        assert.deepEqual([e.input, e.output, e.cacheRead], [1000, 2000, 10000], `${id}: tokens`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('code-usage reader and de-duplication (fixture tree)', () => {
  let tree;
  beforeEach(() => (tree = tmpTree()));
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('reads main and subagent files, keeps the largest line per message.id + requestId, counts lines without ids', async () => {
    const { blocks, stats, store } = await readTree(tree);
    assert.equal(stats.files, 3);
    assert.equal(stats.corruptLines, 1);
    assert.equal(blocks.length, 2);
    const [b1, b2] = blocks;
    // msg_A (final line, replayed in s2 and by the subagent), msg_B, msg_C, the id-less line, the limit line
    assert.equal(b1.entries, 5);
    assert.deepEqual(b1.tokenCounts, { inputTokens: 36, outputTokens: 1349, cacheCreationInputTokens: 5000, cacheReadInputTokens: 2300 });
    close(b1.costUSD, 0.00588 + 0.0451 + 0.000285 + 0.014988, 'block 1 cost');
    assert.deepEqual(b1.models.sort(), ['claude-haiku-4-5-20251001', 'claude-opus-4-7', 'claude-sonnet-4-6']);
    assert.equal(b1.usageLimitResetTime, '2026-11-20T13:00:00.000Z');
    assert.equal(b2.startTime, '2026-11-20T16:00:00.000Z');
    assert.equal(b2.entries, 2);
    close(b2.costUSD, 0.9585 + 0.153, 'long-context Sonnet 4.5 + fast Opus 4.7');
    assert.deepEqual(b2.models, ['claude-sonnet-4-5-20250929', 'claude-opus-4-7-fast']);
    assert.equal(store.limitLines.length, 1);
    assert.equal(store.limitLines[0].resetsAt, '2026-11-20T13:00:00.000Z');
  });

  it('reads only appended bytes, and nothing when nothing changed', async () => {
    const { reader, store } = await readTree(tree);
    let stats = await reader.scan();
    assert.equal(stats.filesRead, 0);
    assert.equal(stats.changed, false);
    const file = path.join(tree, 'projects', '-home-dev-app', 's2.jsonl');
    const line = JSON.stringify({ type: 'assistant', timestamp: '2026-11-20T16:20:00.000Z', requestId: 'req_F', message: { id: 'msg_F', model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } }) + '\n';
    fs.appendFileSync(file, line);
    stats = await reader.scan();
    assert.equal(stats.filesRead, 1);
    assert.equal(stats.bytesRead, Buffer.byteLength(line));
    assert.equal(stats.changed, true);
    assert.equal(store.size, 8);
  });

  it('waits for a half-written last line', async () => {
    const { reader, store } = await readTree(tree);
    const file = path.join(tree, 'projects', '-home-dev-app', 's2.jsonl');
    const line = JSON.stringify({ type: 'assistant', timestamp: '2026-11-20T16:20:00.000Z', requestId: 'req_G', message: { id: 'msg_G', model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } });
    fs.appendFileSync(file, line.slice(0, 40));
    let stats = await reader.scan();
    assert.equal(stats.changed, false);
    assert.equal(stats.corruptLines, 0);
    fs.appendFileSync(file, line.slice(40) + '\n');
    stats = await reader.scan();
    assert.equal(stats.changed, true);
    assert.equal(store.size, 8);
  });

  it('starts over when a file shrinks', async () => {
    const { reader, store } = await readTree(tree);
    const file = path.join(tree, 'projects', '-home-dev-app', 's2.jsonl');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    fs.writeFileSync(file, lines.slice(0, 3).join('\n') + '\n'); // msg_D and msg_E gone
    const stats = await reader.scan();
    assert.equal(stats.fromScratch, true);
    assert.equal(store.size, 5);
  });

  it('starts over when a file is replaced or deleted', async () => {
    const { reader, store } = await readTree(tree);
    const file = path.join(tree, 'projects', '-home-dev-app', 's2.jsonl');
    const copy = `${file}.tmp`;
    fs.copyFileSync(file, copy);
    fs.renameSync(copy, file); // same content, new inode
    let stats = await reader.scan();
    assert.equal(stats.fromScratch, true);
    assert.equal(store.size, 7);
    fs.rmSync(path.join(tree, 'projects', '-home-dev-app', 's1', 'subagents', 'agent-a1.jsonl'));
    stats = await reader.scan();
    assert.equal(stats.fromScratch, true);
    assert.equal(store.size, 6); // msg_C was only in the subagent file
  });

  it('stops a scan between files when aborted, and reads nothing after', async () => {
    const reader = new LogReader([path.join(tree, 'projects')], new EntryStore(new Pricer()));
    reader.abort();
    const stats = await reader.scan();
    assert.equal(stats.filesRead, 0);
    assert.equal([...reader.store.entries()].length, 0);
  });

  it('terminates a worker thread on request, answering false', async () => {
    const files = ['s1.jsonl', 's2.jsonl'].map((f) => path.join(tree, 'projects', '-home-dev-app', f));
    const batches = [];
    const worker = readInWorker(files.map((f) => [f, { offset: 0 }, fs.statSync(f).size]), new Int32Array(new SharedArrayBuffer(4)), {}, 'w0.', (b) => batches.push(b));
    worker.terminate();
    assert.equal(await worker.finished, false);
    assert.deepEqual(batches, []);
  });

  it('reads files in a worker thread whose batches merge into the same result', async () => {
    const single = await readTree(tree);
    const files = ['s1.jsonl', 's2.jsonl', path.join('s1', 'subagents', 'agent-a1.jsonl')].map((f) => path.join(tree, 'projects', '-home-dev-app', f));
    const plan = files.map((f) => [f, { offset: 0 }, fs.statSync(f).size]);
    const next = new Int32Array(new SharedArrayBuffer(4));
    const merged = new EntryStore(new Pricer());
    const batches = [];
    const worker = readInWorker(plan, next, {}, merged.takeAnonymousPrefix(), (b) => {
      batches.push(b);
      merged.merge(b.entries);
    }, 1);
    assert.equal(await worker.finished, true);
    assert.equal(batches.length, 3, 'one batch per file when each file passes the batch size');
    assert.deepEqual(batches.flatMap((b) => b.offsets), plan.map(([, , size], i) => [i, size]));
    assert.equal(batches.reduce((n, b) => n + b.corruptLines, 0), 1);
    assert.equal(batches.reduce((n, b) => n + b.bytesRead, 0), plan.reduce((n, [, , size]) => n + size, 0));
    const blocksOf = (store) => buildBlocks(sortEntries(store.entries()), Date.parse('2026-11-22T00:00:00Z'));
    assert.deepEqual(blocksOf(merged), blocksOf(single.store));
  });

  it('reads a tree with a worker thread alongside into the same result as one thread, twice in a row', async () => {
    const single = await readTree(tree);
    const store = new EntryStore(new Pricer());
    const reader = new LogReader([path.join(tree, 'projects')], store, 0);
    const stats = await reader.scan();
    assert.equal(stats.filesRead, 3);
    assert.equal(stats.corruptLines, 1);
    const blocksOf = (s) => buildBlocks(sortEntries(s.entries()), Date.parse('2026-11-22T00:00:00Z'));
    assert.deepEqual(blocksOf(store), blocksOf(single.store));
    // a second parallel scan of appended id-less lines must not reuse the first scan's keys
    const idless = JSON.stringify({ type: 'assistant', timestamp: '2026-11-20T16:30:00.000Z', message: { model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } }) + '\n';
    for (const f of ['s1.jsonl', 's2.jsonl']) fs.appendFileSync(path.join(tree, 'projects', '-home-dev-app', f), idless);
    const before = store.size;
    await reader.scan();
    assert.equal(store.size, before + 2);
  });

  it('finds config dirs: CLAUDE_CONFIG_DIR list, ~/.config/claude, ~/.claude with projects/', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'home-'));
    fs.mkdirSync(path.join(home, '.claude', 'projects'), { recursive: true });
    fs.mkdirSync(path.join(home, '.config', 'claude'), { recursive: true }); // no projects/: skipped
    assert.deepEqual(projectRoots('', { CLAUDE_CONFIG_DIR: `${tree}, /does/not/exist` }, home), [path.join(tree, 'projects'), path.join(home, '.claude', 'projects')]);
    assert.deepEqual(projectRoots(tree, {}, home), [path.join(tree, 'projects')]);
    fs.rmSync(home, { recursive: true, force: true });
  });
});

describe('code-usage blocks and report', () => {
  it('sorts entries by time, keeping the given order for equal times', () => {
    const given = [5, 3, 5, 1, 3, 5].map((t, i) => ({ t, i }));
    assert.deepEqual(sortEntries(given).map((e) => e.i), [3, 1, 4, 0, 2, 5]);
  });
  const entry = (iso, output = 100, costUSD = 1) => ({ t: Date.parse(iso), model: 'm', input: 0, output, cacheWrite: 0, cacheWrite1h: 0, cacheRead: 0, costUSD, sidechain: false });
  it('starts blocks at the UTC hour floor and splits after 5 hours from the start or a 5-hour gap', () => {
    const blocks = buildBlocks(
      [entry('2026-11-20T10:35:00Z'), entry('2026-11-20T14:59:00Z'), entry('2026-11-20T15:00:01Z'), entry('2026-11-20T15:30:00Z'), entry('2026-11-20T20:31:00Z')],
      Date.parse('2026-11-22T00:00:00Z'),
    );
    assert.deepEqual(blocks.map((b) => [b.startTime, b.entries]), [
      ['2026-11-20T10:00:00.000Z', 2],
      ['2026-11-20T15:00:00.000Z', 2],
      ['2026-11-20T20:00:00.000Z', 1],
    ]);
    assert.ok(blocks.every((b) => !b.isActive && b.burnRate === null && b.projection === null));
  });
  it('marks the block active with burn rate and projection', () => {
    const now = Date.parse('2026-11-20T12:00:00Z');
    const [b] = buildBlocks([entry('2026-11-20T10:00:00Z', 600, 1), entry('2026-11-20T11:00:00Z', 600, 2)], now);
    assert.equal(b.isActive, true);
    assert.deepEqual(b.burnRate, { tokensPerMinute: 20, tokensPerMinuteForIndicator: 20, costPerHour: 3 });
    assert.deepEqual(b.projection, { totalTokens: 1200 + 20 * 180, totalCost: 12, remainingMinutes: 180 });
  });
  it('gives the same period for UTC (computed without Intl) as for another zone at offset 0', () => {
    const at = Date.parse('2026-11-10T12:00:00Z');
    assert.deepEqual(billingPeriod(at, 15, 'UTC'), billingPeriod(at, 15, 'Africa/Abidjan'));
    assert.equal(new Date(billingPeriod(at, 15, 'UTC').start).toISOString(), '2026-10-15T00:00:00.000Z');
  });
  it('computes the billing period from billingDay in the time zone', () => {
    const p = billingPeriod(Date.parse('2026-11-10T12:00:00Z'), 15, 'Europe/Berlin');
    assert.equal(new Date(p.start).toISOString(), '2026-10-14T22:00:00.000Z');
    assert.equal(new Date(p.end).toISOString(), '2026-11-14T23:00:00.000Z');
  });
  it('reports period sessions, the largest block and today', async () => {
    const store = new EntryStore(new Pricer());
    const reader = new LogReader([path.join(FIXTURE, 'projects')], store);
    await reader.scan();
    const report = buildReport(store, { host: 'box', billingDay: 20, timeZone: 'UTC', monthlySessions: 1 }, Date.parse('2026-11-20T16:30:00Z'));
    assert.equal(report.period.start, '2026-11-20T00:00:00.000Z');
    assert.equal(report.period.sessions, 2);
    assert.equal(report.period.sessionsLeft, 0);
    assert.equal(report.activeBlock.startTime, '2026-11-20T16:00:00.000Z');
    assert.equal(report.period.maxBlockTokens, 212100);
    assert.equal(report.today.date, '2026-11-20');
    close(report.today.costUSD, report.period.costUSD, 'all today');
  });
  it('reports an unchanged store again as a fresh report, at the new time, and sees new entries', async () => {
    const dir = tmpTree();
    const store = new EntryStore(new Pricer());
    const reader = new LogReader([path.join(dir, 'projects')], store);
    await reader.scan();
    const opts = { host: 'box', billingDay: 20, timeZone: 'UTC', monthlySessions: 1 };
    const during = Date.parse('2026-11-20T16:30:00Z');
    const first = buildReport(store, opts, during);
    // a downstream node may change what it was given: the next report must not see it
    first.activeBlock.costUSD = -1;
    first.activeBlock.tokenCounts.outputTokens = -1;
    first.activeBlock.models.push('changed');
    const again = buildReport(store, opts, during);
    assert.deepEqual(again, { ...buildReport({ sorted: () => store.sorted(), limitLines: store.limitLines }, opts, during) });
    assert.ok(again.activeBlock.costUSD > 0);
    const later = buildReport(store, opts, Date.parse('2026-11-21T16:30:00Z'));
    assert.equal(later.activeBlock, null, 'the block is over a day later');
    assert.ok(later.blocks.every((b) => !b.isActive && b.projection === null));
    // new lines bump the store's revision: the blocks are grouped again
    const file = fs.readdirSync(path.join(dir, 'projects'), { recursive: true }).find((f) => f.endsWith('.jsonl'));
    const line = { type: 'assistant', timestamp: '2026-11-21T16:10:00.000Z', requestId: 'req_new', message: { id: 'msg_new', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 20 } } };
    fs.appendFileSync(path.join(dir, 'projects', file), `${JSON.stringify(line)}\n`);
    await reader.scan();
    const grown = buildReport(store, opts, Date.parse('2026-11-21T16:30:00Z'));
    assert.equal(grown.activeBlock.startTime, '2026-11-21T16:00:00.000Z');
    assert.equal(grown.activeBlock.totalTokens, 30);
    // a limit wall alone (no usage) changes the store too: the next report carries its reset
    const resetSec = Date.parse('2026-11-21T19:00:00Z') / 1000;
    fs.appendFileSync(path.join(dir, 'projects', file), limitWallLine('rateLimitInfo', { at: '2026-11-21T16:05:00.000Z', resetSec }));
    const stats = await reader.scan();
    assert.equal(stats.changed, true, 'a new limit line is a change');
    const walled = buildReport(store, opts, Date.parse('2026-11-21T16:30:00Z'));
    assert.equal(walled.activeBlock.usageLimitResetTime, '2026-11-21T19:00:00.000Z');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
