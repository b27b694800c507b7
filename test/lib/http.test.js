'use strict';
const assert = require('node:assert/strict');
const http = require('node:http');
const { lib } = require('../support/node-red');
const { httpRequest, NetworkError, parseCurlOutput, curlConfig } = lib('http');

describe('lib/http', function () {
  let server;
  let base;
  let seen;
  before(async () => {
    server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        seen = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
        if (req.url === '/hang') return; // never answers
        if (req.url === '/reset') return req.socket.destroy();
        if (req.url === '/big') {
          res.writeHead(200);
          return res.end('x'.repeat(5000));
        }
        res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-thing': 'yes' });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  for (const transport of ['undici', 'curl']) {
    describe(transport, () => {
      it('sends method, headers and body and returns status, headers and body', async () => {
        const res = await httpRequest({ transport, url: `${base}/x?q=1`, method: 'POST', headers: { 'X-Secret': 'a "quoted" \\ value' }, body: '{"n":"line\\nbreak"}' });
        assert.equal(res.status, 201);
        assert.equal(res.body, '{"ok":true}');
        assert.equal(res.headers['x-thing'], 'yes');
        assert.deepEqual([].concat(res.headers['set-cookie']), ['a=1', 'b=2']);
        assert.equal(seen.method, 'POST');
        assert.equal(seen.url, '/x?q=1');
        assert.equal(seen.headers['x-secret'], 'a "quoted" \\ value');
        assert.equal(seen.body, '{"n":"line\\nbreak"}');
      });
      it('turns a refused connection into a NetworkError', async () => {
        await assert.rejects(httpRequest({ transport, url: 'http://127.0.0.1:1/' }), (e) => e instanceof NetworkError && /refused/.test(e.message));
      });
      it('turns a reset into a NetworkError', async () => {
        await assert.rejects(httpRequest({ transport, url: `${base}/reset` }), NetworkError);
      });
      it('times out a hanging server', async () => {
        await assert.rejects(httpRequest({ transport, url: `${base}/hang`, timeoutMs: 1000 }), (e) => e instanceof NetworkError && /timed out/.test(e.message));
      });
      it('refuses an answer larger than the cap', async () => {
        await assert.rejects(httpRequest({ transport, url: `${base}/big`, maxBodyBytes: 1000 }), NetworkError);
      });
    });
  }

  it('keeps secrets off the curl command line (config goes through stdin)', () => {
    const cfg = curlConfig({ url: 'https://h/x', headers: { Cookie: 'sessionKey=sk-ant-sid01-s"e\\c' } });
    assert.match(cfg, /header = "Cookie: sessionKey=sk-ant-sid01-s\\"e\\\\c"/);
  });
  it('skips 100-continue and proxy CONNECT blocks in curl output', () => {
    const raw = Buffer.from('HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/2 429\r\nretry-after: 5\r\n\r\n{"e":1}');
    const res = parseCurlOutput(raw);
    assert.equal(res.status, 429);
    assert.equal(res.headers['retry-after'], '5');
    assert.equal(res.body, '{"e":1}');
  });
});
