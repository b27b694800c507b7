'use strict';
// Reads that must not block, grow or reach anything but http(s).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { lib, root } = require('../support/node-red');

const { readRegularFile, expandHome, FileReadError } = lib('files');
const { httpRequest, NetworkError } = lib('http');
const { createSource } = lib('claude/client');

describe('bounded reads and transports', function () {
  let tmp;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cu-reads-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads a regular file, and refuses FIFOs, directories, devices and files over the cap', async () => {
    const file = path.join(tmp, 'a.json');
    fs.writeFileSync(file, '{"a":1}');
    assert.equal(await readRegularFile(file, 1024), '{"a":1}');
    const fifo = path.join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    await assert.rejects(readRegularFile(fifo, 1024), (e) => e instanceof FileReadError && e.reason === 'not-a-file' && /FIFO/.test(e.message));
    await assert.rejects(readRegularFile('/dev/zero', 1024), (e) => e.reason === 'not-a-file' && /device/.test(e.message));
    await assert.rejects(readRegularFile(tmp, 1024), (e) => e.reason === 'not-a-file');
    fs.writeFileSync(file, 'x'.repeat(2000));
    await assert.rejects(readRegularFile(file, 1024), (e) => e.reason === 'too-large');
    await assert.rejects(readRegularFile(path.join(tmp, 'missing'), 1024), (e) => e.reason === 'missing');
    console.log(`      (five refusals in ${Date.now() - started} ms)`);
  });

  it('refuses /dev/zero and a FIFO as the Claude Code login file with a clear error', async () => {
    const fifo = path.join(tmp, 'creds');
    execFileSync('mkfifo', [fifo]);
    for (const credentialsFile of ['/dev/zero', fifo]) {
      const source = createSource({ name: 'x', auth: 'claude-code', organization: '', credentialsFile, baseUrl: 'https://claude.ai', oauthBaseUrl: 'http://127.0.0.1:9', proxy: '', transport: 'undici', timeoutMs: 1000 }, '');
      await assert.rejects(source.fetchUsage(), (e) => e.code === 'NO_CREDENTIALS' && /not a regular file/.test(e.message));
    }
  });

  it('expands ~ and ~/ to the home directory and leaves ~user alone', function () {
    assert.equal(expandHome('~', '/home/me'), '/home/me');
    assert.equal(expandHome('~/.claude', '/home/me'), path.join('/home/me', '.claude'));
    assert.equal(expandHome('~bob/.claude', '/home/me'), '~bob/.claude');
    assert.equal(expandHome('/etc/x', '/home/me'), '/etc/x');
  });

  it('speaks http and https only, over either transport: gopher:// and dict:// never connect', async () => {
    const seen = [];
    const server = net.createServer((s) => seen.push(s.remoteAddress));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const port = server.address().port;
    try {
      for (const transport of ['curl', 'undici']) {
        for (const url of [`gopher://127.0.0.1:${port}/_SET%20x%201`, `dict://127.0.0.1:${port}/info`, `file:///etc/passwd`]) {
          await assert.rejects(httpRequest({ url, transport, timeoutMs: 2000 }), (e) => e instanceof NetworkError && /only http and https/.test(e.message));
        }
      }
      assert.deepEqual(seen, []);
    } finally {
      server.close();
    }
  });

  it('tells curl to refuse other protocols on redirects too', function () {
    const { curlConfig } = lib('http');
    const text = curlConfig({ url: 'https://claude.ai/x' });
    assert.match(text, /^proto = "=http,https"$/m);
    assert.match(text, /^proto-redir = "=http,https"$/m);
  });
});

describe('secret headers in texts', function () {
  it('never quotes a malformed secret header’s name or value in the problem', function () {
    const { webhookAdapter } = lib('delivery/adapters/webhook');
    const adapter = webhookAdapter ?? Object.values(lib('delivery/adapters/webhook')).find((v) => v && typeof v.check === 'function');
    const base = { url: 'https://example.test/hook', method: 'POST', headers: '', template: '', username: '' };
    for (const secretHeaders of ['{"Bearer s3cr3t-value-xyz":"1"}', '{"X-Key":"s3cr3t-value-xyz\\n"}']) {
      const problem = adapter.check({ ...base, secretHeaders });
      assert.ok(problem, 'a problem is reported');
      assert.ok(!problem.includes('s3cr3t-value-xyz'), problem);
    }
  });
});

describe('hostile answers stay bounded', function () {
  const { firstFieldError } = lib('delivery/adapters/discord');

  it('finds a Discord field error, and survives an answer nested 100,000 deep', function () {
    assert.equal(firstFieldError({ embeds: { 0: { description: { _errors: [{ message: 'Must be 4096 or fewer in length.' }] } } } }), 'embeds.0.description: Must be 4096 or fewer in length.');
    let deep = { _errors: [{ message: 'too deep to report' }] };
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    assert.equal(firstFieldError(deep), null, 'searched to a bounded depth, no stack overflow');
    const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`f${i}`, { x: {} }]));
    wide.f9999 = { _errors: [{ message: 'past the search budget' }] };
    assert.equal(firstFieldError(wide), null, 'a bounded number of objects is searched');
    assert.equal(firstFieldError({ __proto__: { _errors: [{ message: 'inherited' }] } }), null, 'own properties only');
    const long = firstFieldError({ _errors: [{ message: 'x'.repeat(100_000) }] });
    assert.equal(long.length, 300);
  });

  it('trims trailing slashes of any length', function () {
    const { trimSlash } = lib('http');
    assert.equal(trimSlash(' https://a.test/// '), 'https://a.test');
    const slashes = '/'.repeat(1_000_000);
    assert.equal(trimSlash(`${slashes}x`), `${slashes}x`);
    assert.equal(trimSlash(`https://a.test${slashes}`), 'https://a.test');
  });
});

describe('Claude Code log reads', function () {
  this.timeout(60_000);
  const { LogReader, MAX_LINE_BYTES } = lib('code-usage/reader');
  const { EntryStore } = lib('code-usage/entries');
  const { Pricer } = lib('code-usage/pricing');
  const FIXTURE = path.join(root, 'test', 'fixtures', 'claude-logs', 'projects', '-home-dev-app', 's1.jsonl');
  let tmp;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cu-logs-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const scan = async (dir) => {
    const store = new EntryStore(new Pricer());
    const reader = new LogReader([dir], store);
    const stats = await reader.scan();
    return { store, reader, stats };
  };

  it('skips a symlinked log that leads to a FIFO, a device or a directory, without blocking', async () => {
    const project = path.join(tmp, 'projects', 'p');
    fs.mkdirSync(project, { recursive: true });
    fs.copyFileSync(FIXTURE, path.join(project, 'real.jsonl'));
    const fifo = path.join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    fs.symlinkSync(fifo, path.join(project, 'fifo.jsonl'));
    fs.symlinkSync('/dev/zero', path.join(project, 'zero.jsonl'));
    fs.symlinkSync(tmp, path.join(project, 'dir.jsonl'));
    const alone = await scan(path.join(tmp, 'projects'));
    assert.equal(alone.stats.unreadable, 3);
    fs.rmSync(path.join(project, 'fifo.jsonl'));
    fs.rmSync(path.join(project, 'zero.jsonl'));
    fs.rmSync(path.join(project, 'dir.jsonl'));
    const clean = await scan(path.join(tmp, 'projects'));
    assert.equal(alone.store.size, clean.store.size, 'the real log is read all the same');
    assert.ok(clean.store.size > 0);
  });

  it(`skips and counts a line longer than ${MAX_LINE_BYTES / 1048576} MiB, reads the lines after it, and gives the buffer back`, async () => {
    const project = path.join(tmp, 'projects', 'p');
    fs.mkdirSync(project, { recursive: true });
    const lines = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);
    const file = path.join(project, 'big.jsonl');
    const fd = fs.openSync(file, 'w');
    fs.writeSync(fd, `${lines[0]}\n`);
    const block = Buffer.alloc(1 << 20, 0x61);
    fs.writeSync(fd, '{"type":"user","text":"');
    for (let i = 0; i < MAX_LINE_BYTES / block.length + 2; i++) fs.writeSync(fd, block);
    fs.writeSync(fd, '"}\n');
    fs.writeSync(fd, `${lines.slice(1).join('\n')}\n`);
    fs.closeSync(fd);
    const big = await scan(path.join(tmp, 'projects'));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const plain = await scan(path.join(tmp, 'projects'));
    assert.equal(big.store.size, plain.store.size, 'every usage line around the long one counted');
    assert.equal(big.stats.corruptLines, plain.stats.corruptLines + 1, 'the long line counted as skipped');
    assert.ok(big.reader.chunks.buf.length <= 1 << 20, 'the read buffer shrank back');
    const memory = big.reader.chunks.parser.memory;
    assert.ok(!memory || memory.buffer.byteLength < 32 << 20, 'the parser gave its memory back');
  });

  it('leaves a long line still being written for the next read, from its start', async () => {
    const { ChunkReader } = lib('code-usage/reader');
    const lines = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);
    const file = path.join(tmp, 'growing.jsonl');
    const head = `${lines[1]}\n`;
    fs.writeFileSync(file, head);
    const fd = fs.openSync(file, 'a');
    const block = Buffer.alloc(1 << 20, 0x61);
    fs.writeSync(fd, '{"type":"user","text":"');
    for (let i = 0; i < MAX_LINE_BYTES / block.length + 1; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    const store = new EntryStore(new Pricer());
    const reader = new ChunkReader(store);
    const offset = await reader.readFile(file, 0, fs.statSync(file).size);
    assert.equal(offset, Buffer.byteLength(head), 'the next read starts at the long line');
    assert.equal(store.size, 1);
  });
});
