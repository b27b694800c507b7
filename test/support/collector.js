'use strict';
// A loopback HTTP server that keeps every JSON body POSTed to it: the end of an
// end-to-end flow (core `http request` node → here) so tests read what came out.
const http = require('node:http');

async function startCollector() {
  const messages = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks).toString('utf8');
      try {
        body = JSON.parse(body);
      } catch {
        /* keep text */
      }
      messages.push({ path: req.url, body });
      for (const w of [...waiters]) w();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    messages,
    /** Resolves with the first kept message (from index `from`) that matches. */
    waitFor(pred, timeoutMs = 15_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = messages.slice(from).find(pred);
          if (hit) {
            cleanup();
            resolve(hit);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`collector: no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages).slice(0, 2000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          const i = waiters.indexOf(check);
          if (i >= 0) waiters.splice(i, 1);
        };
        waiters.push(check);
        check();
      });
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** A core `http request` node that POSTs msg (as JSON) to the collector, at `path`. */
function collectorNode(id, z, url, pathName, wires = []) {
  return { id, z, type: 'http request', name: `collect ${pathName}`, method: 'POST', ret: 'txt', paytoqs: 'ignore', url: `${url}/${pathName}`, tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], x: 0, y: 0, wires };
}

module.exports = { startCollector, collectorNode };
