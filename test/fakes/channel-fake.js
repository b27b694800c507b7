'use strict';
// The base of the channel fakes: a loopback HTTP server that records every request,
// lets a test script the next answers (a status + body, a function of the request,
// or a fault: 'reset' drops the connection, 'hang' never answers, 'lost-answer'
// handles the request but drops the connection instead of answering), and otherwise
// hands the request to the service's own handler, which checks it against the
// service's documented shape and answers as the service would.
const http = require('node:http');

function reply(res, status, body, headers = {}) {
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json';
  res.writeHead(status, { ...(text ? { 'content-type': type } : {}), ...headers });
  res.end(text);
}

/**
 * @param {(req: object, respond: (status:number, body?:unknown, headers?:object) => void) => void} handle
 */
async function startFakeService(handle) {
  const requests = [];
  const scripted = [];
  const hanging = new Set();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      let json;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const r = { method: req.method, url: req.url, path: url.pathname, query: url.searchParams, headers: req.headers, body, json };
      requests.push(r);
      const respond = (status, b, headers) => reply(res, status, b, headers);
      let next = scripted.shift();
      if (typeof next === 'function') next = next(r);
      if (next === 'reset') return req.socket.destroy();
      if (next === 'hang') return hanging.add(res);
      if (next === 'lost-answer') return handle(r, () => req.socket.destroy());
      if (next) return respond(next.status, next.body, next.headers);
      try {
        handle(r, respond);
      } catch (err) {
        respond(500, { error: `fake crashed: ${err.message}` });
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    url,
    requests,
    /** Queues answers for the next requests, in order. */
    script(...answers) {
      scripted.push(...answers);
      return this;
    },
    /** Answers still scripted but not used. */
    get scriptedLeft() {
      return scripted.length;
    },
    reset() {
      requests.length = 0;
      scripted.length = 0;
    },
    close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

module.exports = { startFakeService, reply };
