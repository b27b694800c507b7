'use strict';
// A minimal forward proxy on loopback: absolute-form requests (plain HTTP through a proxy)
// and CONNECT tunnels (what undici's ProxyAgent uses). Keeps a log of what passed through.
// With `login`, it wants `Proxy-Authorization: Basic` for it and answers 407 otherwise.
const http = require('node:http');
const net = require('node:net');

async function startProxy({ login } = {}) {
  const seen = [];
  const wanted = login ? `Basic ${Buffer.from(`${login.user}:${login.password}`).toString('base64')}` : null;
  const allowed = (req) => !wanted || req.headers['proxy-authorization'] === wanted;
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, auth: req.headers['proxy-authorization'] ?? null });
    if (!allowed(req)) return void res.writeHead(407, { 'proxy-authenticate': 'Basic realm="fake"' }).end();
    const target = new URL(req.url);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    seen.push({ method: 'CONNECT', url: req.url, auth: req.headers['proxy-authorization'] ?? null });
    if (!allowed(req)) return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="fake"\r\nContent-Length: 0\r\n\r\n');
    const [host, port] = req.url.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

module.exports = { startProxy };
