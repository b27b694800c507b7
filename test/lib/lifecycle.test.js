'use strict';
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const { handleInOrder } = require('../../dist/nodes/lib/lifecycle');

/** A node stand-in: `input(msg)` resolves with what `done` was called with. */
function fakeNode() {
  const node = new EventEmitter();
  node.input = (msg) => new Promise((resolve) => node.emit('input', msg, () => {}, (err) => resolve(err ?? null)));
  node.close = () => new Promise((resolve) => node.emit('close', resolve));
  return node;
}
const tick = (ms) => new Promise((r) => setTimeout(r, ms));

describe('handleInOrder', () => {
  it('handles messages one at a time in arrival order, after ready', async () => {
    const node = fakeNode();
    let release;
    const ready = new Promise((r) => (release = r));
    const seen = [];
    let busy = false;
    handleInOrder(node, ready, async (msg) => {
      assert.equal(busy, false, 'two messages handled at once');
      busy = true;
      await tick(msg.wait);
      seen.push(msg.n);
      busy = false;
    });
    const all = [node.input({ n: 1, wait: 20 }), node.input({ n: 2, wait: 0 }), node.input({ n: 3, wait: 5 })];
    await tick(10);
    assert.deepEqual(seen, [], 'handled before ready');
    release();
    assert.deepEqual(await Promise.all(all), [null, null, null]);
    assert.deepEqual(seen, [1, 2, 3]);
  });

  it('passes a failure to that message only, and goes on after a failed ready', async () => {
    const node = fakeNode();
    handleInOrder(node, Promise.reject(new Error('store down')), async (msg) => {
      if (msg.fail === 'error') throw new Error('bad message');
      if (msg.fail === 'string') throw 'plain';
    });
    const [a, b, c] = await Promise.all([node.input({ fail: 'error' }), node.input({ fail: 'string' }), node.input({})]);
    assert.equal(a.message, 'bad message');
    assert.ok(b instanceof Error);
    assert.equal(b.message, 'plain');
    assert.equal(c, null);
  });

  it('closes after the message under way is handled', async () => {
    const node = fakeNode();
    let finished = false;
    handleInOrder(node, Promise.resolve(), async () => {
      await tick(30);
      finished = true;
    });
    void node.input({});
    await node.close();
    assert.equal(finished, true);
  });
});
