'use strict';
// Places a stolen secret could be sent to: an HTTP server and a raw TCP listener on loopback
// that record everything reaching them. A security test asserts that nothing did.
const http = require('node:http');
const net = require('node:net');

/** An HTTP server that records every request that reaches it. */
function startAttacker() {
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      res.end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${server.address().port}`, seen, close: () => new Promise((r) => server.close(r)) })),
  );
}

/** A raw TCP listener that records every connection and its bytes. */
function startTcp() {
  const seen = [];
  const server = net.createServer((s) => {
    const rec = { bytes: '' };
    seen.push(rec);
    s.on('data', (c) => (rec.bytes += c));
    s.on('error', () => {});
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, seen, close: () => new Promise((r) => server.close(r)) })));
}

module.exports = { startAttacker, startTcp };
