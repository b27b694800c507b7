'use strict';
const assert = require('node:assert/strict');
const { CoalescingRunner } = require('../../dist/nodes/lib/runner');

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('CoalescingRunner', () => {
  it('runs one job at a time; requests during a run share the next run', async () => {
    const runs = [];
    let busy = 0;
    const runner = new CoalescingRunner(async (batch) => {
      busy++;
      assert.equal(busy, 1, 'two runs at once');
      runs.push([...batch]);
      await tick(20);
      busy--;
    }, assert.fail);
    runner.request('a');
    await tick(5); // the first run has started
    runner.request('b');
    runner.request();
    runner.request('c');
    await runner.settled();
    assert.deepEqual(runs, [['a'], ['b', 'c']]);
  });

  it('joins requests made before a run starts into that run', async () => {
    const runs = [];
    const runner = new CoalescingRunner(async (batch) => void runs.push(batch), assert.fail);
    runner.request();
    runner.request('x');
    runner.request('y');
    await runner.settled();
    assert.deepEqual(runs, [['x', 'y']]);
  });

  it('goes on after a job that throws, and says so', async () => {
    const errors = [];
    let n = 0;
    const runner = new CoalescingRunner(async () => {
      n++;
      if (n === 1) throw new Error('boom');
    }, (err) => errors.push(err.message));
    runner.request();
    await runner.settled();
    runner.request();
    await runner.settled();
    assert.equal(n, 2);
    assert.deepEqual(errors, ['boom']);
  });

  it('is busy from a request until its run has ended', async () => {
    let release;
    const runner = new CoalescingRunner(() => new Promise((r) => (release = r)), assert.fail);
    assert.equal(runner.busy, false);
    runner.request();
    assert.equal(runner.busy, true, 'asked for');
    await tick(2);
    assert.equal(runner.busy, true, 'running');
    release();
    await runner.settled();
    assert.equal(runner.busy, false);
  });

  it('goes on when telling of a failure fails too', async () => {
    let n = 0;
    const runner = new CoalescingRunner(async () => {
      n++;
      throw new Error('boom');
    }, () => {
      throw new Error('and the logger too');
    });
    runner.request();
    await runner.settled();
    runner.request();
    await runner.settled();
    assert.equal(n, 2);
  });

  it('hands back the waiters of the run not started yet, which then runs with none', async () => {
    const runs = [];
    const runner = new CoalescingRunner(async (batch) => {
      runs.push([...batch]);
      await tick(10);
    }, assert.fail);
    runner.request('first');
    await tick(2);
    runner.request('second');
    runner.request('third');
    assert.deepEqual(runner.takeWaiting(), ['second', 'third']);
    assert.deepEqual(runner.takeWaiting(), []);
    await runner.settled();
    assert.deepEqual(runs, [['first'], []]);
  });
});
