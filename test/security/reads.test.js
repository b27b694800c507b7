'use strict';
// Reads that must not block, grow or reach anything but http(s).
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { lib } = require('../support/node-red');

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
