'use strict';
// The HTTP receiver shared by the endpoints other machines post to, on a real express app
// (the same kind Node-RED's HTTP-in server is).
const assert = require('node:assert');
const http = require('node:http');
const zlib = require('node:zlib');
const express = require('express');
const { lib } = require('../support/node-red');

const { openReceiver, normalizePath, bearerMatches, mediaType, isJsonType, PathTakenError, BadPathError } = lib('receiver');

const TOKEN = 'tok-0123456789abcdefghijklmnop';

function post(port, path, { body = '', headers = {}, chunked = false } = {}) {
  return new Promise((resolve, reject) => {
    const data = Buffer.isBuffer(body) ? body : Buffer.from(body);
    const h = { ...headers };
    if (!chunked) h['Content-Length'] = data.length;
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', (e) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? resolve({ status: 'reset' }) : reject(e)));
    if (chunked) {
      let off = 0;
      const step = () => {
        if (off >= data.length) return req.end();
        const ok = req.write(data.subarray(off, off + 65536));
        off += 65536;
        if (ok) setImmediate(step);
        else req.once('drain', step);
      };
      req.on('error', () => {});
      step();
    } else req.end(data);
  });
}

describe('lib/receiver', function () {
  let app;
  let server;
  let port;
  let received;
  let errors;
  let receivers;

  const jsonRoute = (extra = {}) => ({
    suffix: '',
    maxBytes: 1024,
    checkContentType: (t) => (isJsonType(t) ? null : 'send JSON'),
    handle: (req) => {
      received.push(req);
      return { status: 204 };
    },
    ...extra,
  });

  function open(opts) {
    const r = openReceiver({ httpNode: app, settings: opts.settings || {} }, { ownerId: 'n1', path: '/cu/test', token: TOKEN, routes: [jsonRoute()], onError: (e) => errors.push(e), ...opts });
    receivers.push(r);
    return r;
  }

  beforeEach(function (done) {
    app = express();
    received = [];
    errors = [];
    receivers = [];
    server = app.listen(0, '127.0.0.1', () => {
      port = server.address().port;
      done();
    });
  });
  afterEach(function (done) {
    for (const r of receivers) r.close();
    server.closeAllConnections?.();
    server.close(() => done());
  });

  const auth = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };

  it('accepts a JSON body with the right bearer token and hands over the bytes and headers', async function () {
    open({});
    const r = await post(port, '/cu/test', { body: '{"a":1}', headers: { ...auth, 'X-Claude-Host': 'laptop' } });
    assert.strictEqual(r.status, 204);
    assert.strictEqual(received.length, 1);
    assert.strictEqual(received[0].body.toString(), '{"a":1}');
    assert.strictEqual(received[0].contentType, 'application/json');
    assert.strictEqual(received[0].header('X-Claude-Host'), 'laptop');
  });

  it('answers 401 with no detail for a missing, wrong or malformed token, and never calls the route', async function () {
    open({});
    for (const a of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, `Bearer`, 'Bearer ' + 'x'.repeat(5000)]) {
      const headers = { 'Content-Type': 'application/json' };
      if (a) headers.Authorization = a;
      const r = await post(port, '/cu/test', { body: '{}', headers });
      assert.strictEqual(r.status, 401, String(a).slice(0, 30));
      assert.strictEqual(r.text, '');
      assert.strictEqual(r.headers['www-authenticate'], 'Bearer');
    }
    assert.strictEqual(received.length, 0);
  });

  it('answers 415 with the route’s words for another content type, before reading', async function () {
    open({});
    const r = await post(port, '/cu/test', { body: 'a=1', headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' } });
    assert.strictEqual(r.status, 415);
    assert.deepStrictEqual(JSON.parse(r.text), { error: 'send JSON' });
    assert.strictEqual(received.length, 0);
  });

  it('answers 413 for a declared or a streamed body above the cap, and for gzip that inflates past it', async function () {
    open({});
    const big = '{"a":"' + 'x'.repeat(2000) + '"}';
    assert.strictEqual((await post(port, '/cu/test', { body: big, headers: auth })).status, 413);
    const chunked = await post(port, '/cu/test', { body: 'x'.repeat(300000), headers: auth, chunked: true });
    assert.ok(chunked.status === 413 || chunked.status === 'reset', String(chunked.status));
    const bomb = zlib.gzipSync(Buffer.alloc(200000, 0x20));
    assert.ok(bomb.length < 1024);
    assert.strictEqual((await post(port, '/cu/test', { body: bomb, headers: { ...auth, 'Content-Encoding': 'gzip' } })).status, 413);
    assert.strictEqual(received.length, 0);
  });

  it('decodes gzip (also sent chunked, with no Content-Length) and refuses damaged gzip or an unknown encoding', async function () {
    open({});
    const gz = zlib.gzipSync(Buffer.from('{"b":2}'));
    assert.strictEqual((await post(port, '/cu/test', { body: gz, headers: { ...auth, 'Content-Encoding': 'gzip' }, chunked: true })).status, 204);
    assert.strictEqual(received[0].body.toString(), '{"b":2}');
    assert.strictEqual((await post(port, '/cu/test', { body: Buffer.from('not gzip'), headers: { ...auth, 'Content-Encoding': 'gzip' } })).status, 415);
    assert.strictEqual((await post(port, '/cu/test', { body: '{}', headers: { ...auth, 'Content-Encoding': 'br' } })).status, 415);
    assert.strictEqual(received.length, 1);
  });

  it('answers 500 when the route throws or rejects, tells the owner, and keeps serving', async function () {
    let n = 0;
    open({
      routes: [
        jsonRoute({
          handle: () => {
            n++;
            if (n === 1) throw new Error('sync boom');
            if (n === 2) return Promise.reject(new Error('async boom'));
            return { status: 200, json: { ok: true } };
          },
        }),
      ],
    });
    assert.strictEqual((await post(port, '/cu/test', { body: '{}', headers: auth })).status, 500);
    assert.strictEqual((await post(port, '/cu/test', { body: '{}', headers: auth })).status, 500);
    const ok = await post(port, '/cu/test', { body: '{}', headers: auth });
    assert.strictEqual(ok.status, 200);
    assert.deepStrictEqual(JSON.parse(ok.text), { ok: true });
    assert.deepStrictEqual(errors.map((e) => e.message), ['sync boom', 'async boom']);
  });

  it('serves several suffixes under one path, and removes every route on close', async function () {
    const r = open({ routes: [jsonRoute({ suffix: '/v1/logs' }), jsonRoute({ suffix: '/v1/metrics', handle: () => ({ status: 200, json: {} }) })] });
    assert.deepStrictEqual(r.paths, ['/cu/test/v1/logs', '/cu/test/v1/metrics']);
    assert.strictEqual((await post(port, '/cu/test/v1/logs', { body: '{}', headers: auth })).status, 204);
    assert.strictEqual((await post(port, '/cu/test/v1/metrics', { body: '{}', headers: auth })).status, 200);
    r.close();
    assert.strictEqual((await post(port, '/cu/test/v1/logs', { body: '{}', headers: auth })).status, 404);
    assert.strictEqual(app._router.stack.filter((l) => l.route).length, 0);
  });

  it('refuses a path another node serves, a core http-in route on it, and frees it on close', function () {
    const first = open({});
    assert.throws(() => open({ ownerId: 'n2' }), PathTakenError);
    first.close();
    open({ ownerId: 'n2' });
    app.post('/cu/other', (req, res) => res.end());
    assert.throws(() => open({ ownerId: 'n3', path: '/cu/other' }), PathTakenError);
  });

  it('applies httpNodeMiddleware before its own checks', async function () {
    const seen = [];
    open({ settings: { httpNodeMiddleware: (req, res, next) => { seen.push(req.url); next(); } } });
    await post(port, '/cu/test', { body: '{}', headers: auth });
    assert.deepStrictEqual(seen, ['/cu/test']);
  });

  it('refuses to open without a token of 16 characters or more', function () {
    assert.throws(() => open({ token: '' }), /token/);
    assert.throws(() => open({ token: 'short' }), /token/);
  });

  it('normalizes paths and refuses unusable ones', function () {
    assert.strictEqual(normalizePath('claude-usage/statusline/'), '/claude-usage/statusline');
    assert.strictEqual(normalizePath('//a//'.replace('//a//', '/a/')), '/a');
    for (const bad of ['', '/', '  ', '/a b', '/a/../b', '/a//b', '/a?x', '/:id', '/a*', 7, null]) {
      assert.throws(() => normalizePath(bad), BadPathError, String(bad));
    }
    const t = Date.now();
    assert.throws(() => normalizePath('/'.repeat(4 * 1024 * 1024)), BadPathError);
    assert.ok(Date.now() - t < 1000);
  });

  it('compares tokens only as whole bearer values', function () {
    assert.strictEqual(bearerMatches(`Bearer ${TOKEN}`, TOKEN), true);
    assert.strictEqual(bearerMatches(`bearer  ${TOKEN} `, TOKEN), true);
    assert.strictEqual(bearerMatches(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN), false);
    assert.strictEqual(bearerMatches(undefined, TOKEN), false);
    assert.strictEqual(bearerMatches('Bearer ', ''), false);
    assert.strictEqual(mediaType('Application/JSON; charset=utf-8'), 'application/json');
    assert.strictEqual(isJsonType('application/vnd.x+json'), true);
    assert.strictEqual(isJsonType('text/json'), false);
  });
});
