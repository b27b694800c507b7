'use strict';
// The simulated Claude Code machine of demo mode.
const assert = require('node:assert');
const { lib } = require('../support/node-red');

const { demoRequests } = lib('code-usage/demo');

const MIN = 60_000;
const anchor = Date.parse('2026-12-07T10:17:30.000Z');

describe('lib/code-usage/demo', function () {
  it('is deterministic for a host and a start, and differs between hosts', function () {
    const a = demoRequests('laptop', anchor - 3600_000, anchor, anchor);
    const b = demoRequests('laptop', anchor - 3600_000, anchor, anchor);
    const c = demoRequests('desktop', anchor - 3600_000, anchor, anchor);
    assert.deepStrictEqual(a, b);
    assert.notDeepStrictEqual(a.map((r) => r.t), c.map((r) => r.t));
  });

  it('gives requests only in [from, to), oldest first, with unique ids and plausible tokens', function () {
    const from = anchor - 2 * 86400_000;
    const rs = demoRequests('laptop', from, anchor + 3600_000, anchor);
    assert.ok(rs.length > 500, String(rs.length));
    const ids = new Set();
    for (let i = 0; i < rs.length; i++) {
      const r = rs[i];
      assert.ok(r.t >= from && r.t < anchor + 3600_000);
      if (i > 0) assert.ok(r.t >= rs[i - 1].t);
      assert.ok(!ids.has(r.id));
      ids.add(r.id);
      assert.ok(r.output >= 80 && r.cacheRead >= 15000 && r.input >= 2);
      assert.match(r.model, /^claude-(sonnet|opus|haiku)-4-5-\d{8}$/);
    }
  });

  it('splits a window the same however it is asked for (incremental reads add up)', function () {
    const whole = demoRequests('x', anchor - 3 * 3600_000, anchor, anchor);
    const parts = [];
    for (let t = anchor - 3 * 3600_000; t < anchor; t += 7 * MIN + 13_000) parts.push(...demoRequests('x', t, Math.min(anchor, t + 7 * MIN + 13_000), anchor));
    assert.deepStrictEqual(parts, whole);
  });

  it('has a live session around the start: busy before it, a 12-minute pause later, quiet for 5 h before it began', function () {
    const liveStart = anchor - 40 * MIN;
    assert.ok(demoRequests('h', anchor - 5 * MIN, anchor, anchor).length > 0, 'busy just before the start');
    assert.deepStrictEqual(demoRequests('h', liveStart - 5 * 3600_000, liveStart, anchor), []);
    const pause = demoRequests('h', liveStart + 95 * MIN, liveStart + 107 * MIN, anchor);
    assert.deepStrictEqual(pause, []);
    assert.ok(demoRequests('h', liveStart + 107 * MIN, liveStart + 130 * MIN, anchor).length > 0, 'busy after the pause');
  });
});
