'use strict';
// The WebAssembly line scanner against the reference parser (JSON.parse of each line):
// for every line, valid or not, both must give the same fields, or both no line.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { lib, root } = require('../support/node-red');

const { parseLine, jsonLineParser } = lib('code-usage/line-parser');
const { createLineParser, lineScannerProblem } = lib('code-usage/line-scanner');
const { ChunkReader } = lib('code-usage/reader');
const { EntryStore } = lib('code-usage/entries');
const { Pricer } = lib('code-usage/pricing');

const { generateClaudeLogs } = require('../support/claude-logs');

/** Parses `text` with the scanner, placed in its buffer and followed by `after` (bytes the scanner must not read as part of the line). */
function scanned(parser, text, after = '"}]}\n') {
  const bytes = Buffer.from(text, 'latin1');
  const tail = Buffer.from(after, 'latin1');
  const buf = parser.grow(Buffer.alloc(0), 0, bytes.length + tail.length);
  bytes.copy(buf);
  tail.copy(buf, bytes.length);
  return parser.parse(buf, 0, bytes.length);
}

function reference(text) {
  const bytes = Buffer.from(text, 'latin1');
  return parseLine(bytes, 0, bytes.length);
}

function assertSame(parser, text, after) {
  assert.deepEqual(scanned(parser, text, after), reference(text), `line: ${JSON.stringify(text.slice(0, 300))}`);
}

/** mulberry32: the same random lines on every run */
function random(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const USAGE = '{"input_tokens":12,"cache_creation_input_tokens":300,"cache_read_input_tokens":4000,"cache_creation":{"ephemeral_5m_input_tokens":100,"ephemeral_1h_input_tokens":200},"output_tokens":56,"service_tier":"standard"}';
const LINE = `{"parentUuid":"p","isSidechain":false,"sessionId":"s-1","type":"assistant","timestamp":"2026-11-14T10:23:23.323Z","requestId":"req_1","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-opus-4-7","content":[{"type":"tool_use","id":"toolu_1","name":"Read","input":{"command":"a \\"quoted\\" \\\\ path\\nnext","model":"x","usage":{"input_tokens":9,"output_tokens":9}}}],"stop_reason":"tool_use","usage":${USAGE}}}`;

describe('code-usage line scanner (WebAssembly) against JSON.parse', () => {
  const parser = createLineParser();

  it('is the WebAssembly scanner, not the fallback', () => {
    assert.notEqual(parser, jsonLineParser);
    assert.equal(parser.constructor.name, 'WasmLineParser');
    assert.equal(lineScannerProblem(), null);
  });

  it('reads a usage line field for field', () => {
    assert.deepEqual(scanned(parser, LINE), {
      timestamp: '2026-11-14T10:23:23.323Z',
      requestId: 'req_1',
      sessionId: 's-1',
      isSidechain: false,
      isApiErrorMessage: false,
      messageId: 'msg_1',
      model: 'claude-opus-4-7',
      usage: { input: 12, output: 56, cacheWrite: 300, cacheWrite1h: 200, cacheRead: 4000, fast: false, webSearches: 0, usOnly: false },
    });
    assertSame(parser, LINE);
  });

  it('agrees on hand-picked valid lines: key order, duplicates, types, escapes, numbers, spacing', () => {
    const lines = [
      '{}',
      ' \t{ } \r',
      '{"a":1}',
      LINE.replace('"isSidechain":false', '"isSidechain":true'),
      LINE.replace('"output_tokens":56', '"output_tokens":56,"speed":"fast"'),
      LINE.replace('"output_tokens":56', '"output_tokens":56,"speed":"slow"'),
      // a field next to a container survives the container's contents being replaced
      '{"message":{"usage":{"input_tokens":1,"output_tokens":2,"speed":"fast","cache_creation":{}}}}',
      '{"message":{"usage":{"input_tokens":1,"output_tokens":2,"speed":"fast","cache_creation":null,"cache_creation":[1]}}}',
      '{"message":{"model":"m","usage":{"input_tokens":1,"output_tokens":2}},"timestamp":"t","message":{"id":"x"}}',
      // the last of duplicate keys wins, and a later container replaces an earlier one's contents
      `{"message":{"id":"a","usage":${USAGE}},"message":{"id":"b"},"timestamp":"t"}`,
      `{"message":{"id":"a","usage":${USAGE}},"message":null}`,
      `{"message":{"id":"a","usage":${USAGE}},"message":[{"id":"c","usage":${USAGE}}]}`,
      `{"message":{"id":"a","usage":${USAGE},"usage":{"input_tokens":1,"output_tokens":2}}}`,
      `{"message":{"id":"a","usage":{"input_tokens":1,"output_tokens":2,"cache_creation":{"ephemeral_1h_input_tokens":5},"cache_creation":{}}}}`,
      `{"message":{"id":"a","usage":{"input_tokens":1,"output_tokens":2,"cache_creation":[5]}}}`,
      `{"message":{"id":"a","usage":[1,2]}}`,
      `{"message":{"id":"a","usage":{"input_tokens":"1","output_tokens":2}}}`,
      `{"message":{"id":"a","usage":{"input_tokens":1,"output_tokens":null}}}`,
      '{"message":{"id":7,"model":["m"],"usage":{"input_tokens":1,"output_tokens":2}},"timestamp":5,"requestId":true,"sessionId":{}}',
      '{"message":{"id":"a","id":null}}',
      '{"message":{"model":"m"},"isSidechain":"true","isApiErrorMessage":false}',
      '{"message":"text"}',
      '{"message":{}}',
      '{"message":[]}',
      // escapes: in a wanted string or key the reference parser decides
      '{"timestamp":"2026-11-14T10:23:23.323Z","requestId":"r\\u0031","message":{"id":"a\\"b","usage":{"input_tokens":1,"output_tokens":2}}}',
      '{"time\\u0073tamp":"x","message":{"\\u0069d":"y"}}',
      '{"message":{"model":"\\/m\\b\\f\\n\\r\\t\\\\"}}',
      '{"other":"\\u00e9\\ud83d\\ude00 \\"usage\\":{","message":{"id":"a"}}',
      // numbers: only plain integers are decoded by the scanner
      '{"message":{"usage":{"input_tokens":0,"output_tokens":-0,"cache_read_input_tokens":-5,"cache_creation_input_tokens":1.5}}}',
      '{"message":{"usage":{"input_tokens":1e3,"output_tokens":2E+2,"cache_read_input_tokens":3e-1}}}',
      '{"message":{"usage":{"input_tokens":123456789012345,"output_tokens":1234567890123456}}}',
      '{"message":{"usage":{"input_tokens":99999999999999999999999,"output_tokens":2147483648}}}',
      '{"n":[-0.5e-7,0,1E9,-1,true,false,null,[],{},[[]],{"a":{"b":[1,{"c":null}]}}]}',
      // whitespace everywhere JSON allows it
      ' { "message" : { "id" : "a" , "usage" : { "input_tokens" : 1 , "output_tokens" : 2 } } , "timestamp" : "t" } ',
      '{\n"a"\t:\r1}',
      // bytes above 0x7f inside strings (UTF-8 text read as latin1)
      Buffer.from('{"message":{"id":"a","model":"m","content":"Grüße — 日本"},"timestamp":"t"}').toString('latin1'),
      // look-alikes nested elsewhere are not the message's fields
      '{"toolUseResult":{"message":{"id":"x","usage":{"input_tokens":5,"output_tokens":5}}},"data":{"usage":{"input_tokens":1,"output_tokens":1}}}',
      // not objects
      '[1,2]',
      '"text"',
      '12',
      'null',
    ];
    for (const line of lines) assertSame(parser, line);
  });

  it('agrees on web search counts and the inference geo, whatever their form', () => {
    const u = (extra) => `{"timestamp":"t","message":{"id":"a","usage":{"input_tokens":1,"output_tokens":2${extra}}}}`;
    const lines = [
      u(',"server_tool_use":{"web_search_requests":3,"web_fetch_requests":1}'),
      u(',"server_tool_use":{"web_search_requests":0}'),
      u(',"server_tool_use":{"web_search_requests":null}'),
      u(',"server_tool_use":{}'),
      u(',"server_tool_use":null'),
      u(',"server_tool_use":[{"web_search_requests":3}]'),
      u(',"server_tool_use":"3"'),
      u(',"server_tool_use":{"web_search_requests":"3"}'),
      u(',"server_tool_use":{"web_search_requests":true}'),
      u(',"server_tool_use":{"web_search_requests":{"n":3}}'),
      u(',"server_tool_use":{"web_search_requests":-3}'),
      u(',"server_tool_use":{"web_search_requests":2.5}'),
      u(',"server_tool_use":{"web_search_requests":2.0}'),
      u(',"server_tool_use":{"web_search_requests":1e2}'),
      u(',"server_tool_use":{"web_search_requests":100000}'),
      u(',"server_tool_use":{"web_search_requests":100001}'),
      u(',"server_tool_use":{"web_search_requests":123456789012345678}'),
      // the last of duplicates wins; a later server_tool_use replaces an earlier one's count
      u(',"server_tool_use":{"web_search_requests":3,"web_search_requests":5}'),
      u(',"server_tool_use":{"web_search_requests":3},"server_tool_use":{}'),
      u(',"server_tool_use":{"web_search_requests":3},"cache_creation":{"ephemeral_1h_input_tokens":1}'),
      u(',"cache_creation":{"ephemeral_1h_input_tokens":1},"server_tool_use":{"web_search_requests":4},"cache_creation":{}'),
      u(',"cache_creation":{"ephemeral_1h_input_tokens":1},"server_tool_use":{"web_search_requests":4},"server_tool_use":null'),
      // a look-alike outside usage is no count
      '{"message":{"id":"a","server_tool_use":{"web_search_requests":3},"usage":{"input_tokens":1,"output_tokens":2}}}',
      '{"server_tool_use":{"web_search_requests":3},"message":{"id":"a","usage":{"input_tokens":1,"output_tokens":2}}}',
      u(',"inference_geo":"us"'),
      u(',"inference_geo":"global"'),
      u(',"inference_geo":"US"'),
      u(',"inference_geo":"usa"'),
      u(',"inference_geo":"u"'),
      u(',"inference_geo":"\u0075s"'),
      u(',"inference_geo":null'),
      u(',"inference_geo":["us"]'),
      u(',"inference_geo":"us","inference_geo":"global"'),
      u(',"inference_geo":"global","inference_geo":"us"'),
      u(',"inference_geo":"us","speed":"fast","server_tool_use":{"web_search_requests":2}'),
    ];
    for (const line of lines) assertSame(parser, line);
    const fields = scanned(parser, lines[0]);
    assert.equal(fields.usage.webSearches, 3);
    assert.equal(scanned(parser, lines.at(-1)).usage.usOnly, true);
    assert.equal(scanned(parser, lines[15]).usage.webSearches, 0, 'above the cap: no count');
  });

  it('leaves API error and <synthetic> lines to JSON.parse for their text', () => {
    const line = Buffer.from(
      JSON.stringify({ timestamp: '2026-01-01T00:00:00Z', isApiErrorMessage: true, message: { id: 'x', model: '<synthetic>', content: [{ type: 'text', text: 'Grüße — Claude AI usage limit reached|1767232800' }], usage: { input_tokens: 0, output_tokens: 0 } } }),
    ).toString('latin1');
    assertSame(parser, line);
    assert.equal(scanned(parser, line).content[0].text, 'Grüße — Claude AI usage limit reached|1767232800');
    assertSame(parser, line.replace('"isApiErrorMessage":true,', ''));
  });

  it('agrees on hand-picked invalid lines', () => {
    const lines = [
      '',
      ' ',
      '{',
      '}',
      '{"a"}',
      '{"a":}',
      '{"a":1,}',
      '{,"a":1}',
      '{"a":1 "b":2}',
      '{"a":[1,]}',
      '{"a":[,1]}',
      '{"a":01}',
      '{"a":-}',
      '{"a":1.}',
      '{"a":.5}',
      '{"a":1e}',
      '{"a":+1}',
      '{"a":tru}',
      '{"a":nul}',
      '{"a":True}',
      '{"a":"unterminated}',
      '{"a":"tab\there"}',
      '{"a":"nl\nhere"}',
      '{"a":"bad \\x escape"}',
      '{"a":"bad \\u12g4 escape"}',
      '{"a":"\\u12"}',
      '{"a":1}}',
      '{"a":1}]',
      '{"a":[1}',
      '{"a":{"b":1]}',
      '{"a":1} {"b":2}',
      '{"a":1}x',
      `${LINE.slice(0, -1)}`,
      `${LINE.slice(0, 400)}${LINE}`, // a torn write followed by a whole line
      LINE.replace('"content":[', '"content":[,'),
      '\ufeff{"a":1}',
      '{a:1}',
      "{'a':1}",
      '{"a":1,"b":NaN}',
      '{"a":Infinity}',
      '{"a":"\u00a0"}\u00a0',
    ];
    for (const line of lines) assertSame(parser, line);
  });

  it('never reads past the end of a line', () => {
    // the bytes after each line would complete it
    for (const [line, after] of [
      ['{"a":"abc', '"}'],
      ['{"a":"abcdefghijklmnopqrstuvwxyz0123456789', '"}'],
      ['{"a":tr', 'ue}'],
      ['{"a":12', '3}'],
      ['{"a":"\\', '""}'],
      ['{"a":"\\u00', 'e9"}'],
      ['{"message":{"id":"a"', '}}'],
    ]) {
      for (let pad = 0; pad < 20; pad++) {
        const text = `{"p":"${'x'.repeat(pad)}",${line.slice(1)}`;
        assert.equal(scanned(parser, text, after), null, text);
        assert.equal(reference(text), null);
      }
    }
  });

  it('finds the same usage lines in a buffer as the reference', () => {
    const next = random(7);
    const kinds = [
      LINE,
      '{"max_tokens":5,"note":"no usage here"}',
      '{"text":"\\"output_tokens\\": only inside a string"}',
      '"output_tokens":1}',
      '{"a":1,"output_tokens":2}',
      '{"message":{"usage":{"output_tokens":3,"input_tokens":1}},"timestamp":"t"}',
      `${LINE.slice(0, 500)}`,
      '',
      '\r',
      `${LINE}\r`,
      `{"pad":"${'y'.repeat(40)}","message":{"id":"m","usage":{"input_tokens":1,"output_tokens":1}}}`,
    ];
    for (let round = 0; round < 300; round++) {
      const lines = [];
      const count = 1 + Math.floor(next() * 8);
      for (let i = 0; i < count; i++) lines.push(kinds[Math.floor(next() * kinds.length)].replace('"m"', `"m${i}"`));
      const text = lines.join('\n') + (next() < 0.5 ? '\n' : '');
      const found = (p) => {
        const bytes = Buffer.from(text, 'latin1');
        const buf = p.grow(Buffer.alloc(0), 0, bytes.length + 32);
        buf.fill(0x0a);
        bytes.copy(buf);
        const out = [];
        p.readLines(buf, bytes.length, (fields) => out.push(fields));
        return out;
      };
      assert.deepEqual(found(parser), found(jsonLineParser), JSON.stringify(text));
    }
  });

  it('answers as the reference for positions outside the buffer it is given', () => {
    const text = Buffer.from(LINE);
    const buf = parser.grow(Buffer.alloc(0), 0, text.length + 64);
    text.copy(buf);
    const view = buf.subarray(0, 5);
    for (const [b, start, end] of [
      [buf, -1, text.length],
      [view, 0, text.length],
      [buf, 10, 5],
    ]) {
      assert.deepEqual(parser.parse(b, start, end), parseLine(b, start, end));
    }
    const found = (p) => {
      const out = [];
      p.readLines(view, text.length, (fields) => out.push(fields));
      return out;
    };
    assert.deepEqual(found(parser), found(jsonLineParser));
  });

  it('hands very deep nesting to JSON.parse', () => {
    const deep = `{"a":${'['.repeat(5000)}${']'.repeat(5000)},"message":{"id":"a"}}`;
    assertSame(parser, deep);
    assertSame(parser, `{"a":${'['.repeat(5000)}${']'.repeat(4999)},"message":{"id":"a"}}`);
  });

  it('agrees on 20,000 randomly damaged lines', () => {
    const next = random(20261122);
    const alphabet = '{}[]":,\\ \t\n0123456789-+.eEtrufalsn_abcdu\x7f\x80\xff\x00\x1f';
    const bases = [
      LINE,
      `{"message":{"id":"a","usage":${USAGE}},"timestamp":"t","requestId":"r"}`,
      '{"a":[1,-2.5e+3,true,false,null,{"b":"c\\u00e9\\n"}],"message":{"model":"m"}}',
    ];
    let valid = 0;
    const damaged = [];
    for (let i = 0; i < 20000; i++) {
      let line = bases[i % bases.length];
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(next() * (line.length + 1));
        const ch = alphabet[Math.floor(next() * alphabet.length)];
        const kind = next();
        if (kind < 0.34) line = line.slice(0, at) + ch + line.slice(at);
        else if (kind < 0.67) line = line.slice(0, at) + line.slice(at + 1);
        else line = line.slice(0, at) + ch + line.slice(at + 1);
      }
      if (reference(line)) valid++;
      assertSame(parser, line);
      damaged.push(line);
    }
    assert.ok(valid > 1000, `enough damaged lines stay valid to test both ways (${valid})`);
    // and found among each other in one buffer
    const bytes = Buffer.from(damaged.join('\n'), 'latin1');
    const found = (p) => {
      const buf = p.grow(Buffer.alloc(0), 0, bytes.length);
      bytes.copy(buf);
      const out = [];
      p.readLines(buf, bytes.length, (fields) => out.push(fields));
      return out;
    };
    const fast = found(parser);
    assert.ok(fast.length > 10000);
    assert.deepEqual(fast, found(jsonLineParser));
  });

  it('agrees on 20,000 random objects with the wanted keys in any order, repeated, of any type', () => {
    const next = random(42);
    const pick = (list) => list[Math.floor(next() * list.length)];
    const WANTED = {
      top: { timestamp: 'string', requestId: 'string', sessionId: 'string', isSidechain: 'literal', isApiErrorMessage: 'literal', message: 'message' },
      message: { id: 'string', model: 'string', usage: 'usage', content: 'other' },
      usage: { input_tokens: 'number', output_tokens: 'number', cache_creation_input_tokens: 'number', cache_read_input_tokens: 'number', cache_creation: 'cache', speed: 'string' },
      cache: { ephemeral_1h_input_tokens: 'number', ephemeral_5m_input_tokens: 'number' },
      other: { a: 'number', usage: 'usage', message: 'message', output_tokens: 'number' },
    };
    const space = () => (next() < 0.9 ? '' : pick([' ', '\t', '\r\n ']));
    const scalar = {
      string: () => pick(['"fast"', '"claude-opus-4-7"', '"<synthetic>"', '"2026-11-14T10:23:23.323Z"', '"x\\"y"', '"\xe9\xff"', '""']),
      number: () => pick(['0', '7', '123456', '2147483648', '999999999999999', '1234567890123456', '-3', '-0', '1.5', '2e3']),
      literal: () => pick(['true', 'false', 'null']),
    };
    const value = (kind, depth) => {
      if (next() < 0.15 || depth > 4) kind = pick(['string', 'number', 'literal', 'other']);
      if (scalar[kind]) return scalar[kind]();
      if (next() < 0.1) return `[${object(kind, depth + 1)}]`;
      return object(kind, depth + 1);
    };
    function object(context, depth) {
      const keys = Object.keys(WANTED[context] ?? WANTED.other);
      const members = [];
      for (let n = Math.floor(next() * (keys.length + 3)); n > 0; n--) {
        const key = pick(keys);
        members.push(`${space()}"${key}"${space()}:${space()}${value((WANTED[context] ?? WANTED.other)[key], depth)}`);
      }
      // mostly with what makes a usable line, somewhere among the rest
      const usual = { top: '"message"', message: '"usage"', usage: '"input_tokens":1,"output_tokens"' }[context];
      if (usual && next() < 0.8) members.splice(Math.floor(next() * (members.length + 1)), 0, `${usual}:${value(context === 'usage' ? 'number' : context === 'top' ? 'message' : 'usage', depth)}`);
      return `{${members.join(',')}}`;
    }
    let withUsage = 0;
    for (let i = 0; i < 20000; i++) {
      let line = object('top', 0);
      if (next() < 0.3) {
        const at = Math.floor(next() * line.length);
        line = line.slice(0, at) + pick(['', '"', ',', '}', '\\', '1']) + line.slice(at + 1);
      }
      if (reference(line)?.usage) withUsage++;
      assertSame(parser, line);
    }
    assert.ok(withUsage > 5000, `enough lines with usage (${withUsage})`);
  });

  it('agrees on every line of a generated log tree', function () {
    this.timeout(60000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-scanner-'));
    try {
      generateClaudeLogs({ out: dir, sizeMb: 4, days: 5, seed: 7 });
      let lines = 0;
      for (const file of fs.readdirSync(path.join(dir, 'projects'), { recursive: true })) {
        if (!file.endsWith('.jsonl')) continue;
        for (const line of fs.readFileSync(path.join(dir, 'projects', file), 'latin1').split('\n')) {
          if (!line) continue;
          assertSame(parser, line);
          lines++;
        }
      }
      assert.ok(lines > 1000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a line longer than the read buffer, which grows inside the scanner memory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-scanner-'));
    try {
      const big = path.join(dir, 'big.jsonl');
      fs.writeFileSync(big, `${LINE.replace('"Read"', `"${'x'.repeat(3 << 20)}"`)}\n${LINE}\n`);
      const read = async (p) => {
        const store = new EntryStore(new Pricer());
        const reader = new ChunkReader(store, Infinity, p);
        await reader.readFile(big, 0, fs.statSync(big).size);
        return [...store.entries()];
      };
      const [fast, slow] = [await read(createLineParser()), await read(jsonLineParser)];
      assert.equal(fast.length, 1);
      assert.deepEqual(fast, slow);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** What a fresh Node says of the scanner in `dir` (a copy of dist's code-usage folder), with `flags`. */
  function fallbackIn(dir, flags = []) {
    const script = `const m = require(${JSON.stringify(path.join(dir, 'line-scanner'))});
      const json = require(${JSON.stringify(path.join(dir, 'line-parser'))}).jsonLineParser;
      process.stdout.write(JSON.stringify({ fallback: m.createLineParser() === json, problem: m.lineScannerProblem() }));`;
    return JSON.parse(execFileSync(process.execPath, [...flags, '-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  }

  it('falls back to JSON.parse, saying why, where WebAssembly cannot run (node --jitless)', () => {
    assert.deepEqual(fallbackIn(path.join(root, 'dist', 'nodes', 'lib', 'code-usage'), ['--jitless']), { fallback: true, problem: 'WebAssembly is not available' });
  });

  it('falls back to JSON.parse, saying why, when the module is missing or damaged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'line-scanner-'));
    try {
      // the whole lib folder: code-usage's modules use their neighbours
      fs.cpSync(path.join(root, 'dist', 'nodes', 'lib'), dir, { recursive: true });
      const scannerDir = path.join(dir, 'code-usage');
      const wasm = path.join(scannerDir, 'line-scanner.wasm');
      fs.writeFileSync(wasm, 'not a module');
      const damaged = fallbackIn(scannerDir);
      assert.equal(damaged.fallback, true);
      assert.match(damaged.problem, /WebAssembly|magic|compile/i);
      fs.rmSync(wasm);
      const missing = fallbackIn(scannerDir);
      assert.equal(missing.fallback, true);
      assert.match(missing.problem, /line-scanner\.wasm/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
