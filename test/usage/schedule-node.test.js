'use strict';
// The poll timer of a deployed claude-usage node, on a fake clock: backoff after transient
// failures, Retry-After respected, the interval after success; an expired session waits for a
// new key, and a failure spell gives one error, not one per poll.
const assert = require('node:assert/strict');
const sinon = require('sinon');
const { testHelper, node } = require('../support/node-red');
const { startFakeClaude } = require('../fakes/claude');

const helper = testHelper();
const KEY = 'sk-ant-sid01-test-session-key-0000000000000000000000';

describe('claude-usage poll timer', function () {
  let fake;
  let clock;
  beforeEach(async () => {
    fake = await startFakeClaude();
    helper.settings({ claudeUsage: { requestTimeoutMs: 1500 } });
    await new Promise((r) => helper.startServer(r));
  });
  afterEach(async () => {
    clock?.restore();
    clock = null;
    await helper.unload();
    await new Promise((r) => helper.stopServer(r));
    await fake.close();
  });

  async function deploy(key = KEY) {
    clock = sinon.useFakeTimers({ now: Date.now(), toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await helper.load([node('claude-account'), node('claude-usage')], [
      { id: 'tab', type: 'tab' },
      { id: 'acc', type: 'claude-account', name: 'work', auth: 'cookie', baseUrl: fake.url },
      { id: 'use', z: 'tab', type: 'claude-usage', account: 'acc', interval: 300, x: 1, y: 1, wires: [[], []] },
    ], { acc: { sessionKey: key } });
  }
  const errorsOf = (n) => n.error.args.map((a) => a[0]);
  const lastStatus = (n) => n.status.args.at(-1)[0];
  const usageRequests = () => fake.requests.filter((r) => r.url.endsWith('/usage')).length;
  const allRequests = () => fake.requests.length;
  async function settle() {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    await new Promise((r) => globalThis.queueMicrotask(r));
  }
  async function waitFor(pred) {
    for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setImmediate(r));
    assert.ok(pred(), 'condition never became true');
  }

  it('polls again after the interval when all is well', async () => {
    await deploy();
    await waitFor(() => usageRequests() === 1);
    await clock.tickAsync(299_000);
    await settle();
    assert.equal(usageRequests(), 1);
    await clock.tickAsync(1_000);
    await waitFor(() => usageRequests() === 2);
  });

  it('backs off 15 s, then 30 s after transient failures', async () => {
    fake.faults.push('server-error', 'server-error');
    await deploy();
    await waitFor(() => allRequests() === 1);
    await clock.tickAsync(14_000);
    await settle();
    assert.equal(allRequests(), 1, 'no retry before 15 s');
    await clock.tickAsync(1_000);
    await waitFor(() => allRequests() === 2);
    await clock.tickAsync(29_000);
    await settle();
    assert.equal(allRequests(), 2, 'no retry before 30 s');
    await clock.tickAsync(1_000);
    await waitFor(() => usageRequests() === 1);
  });

  it('makes no request before Retry-After has passed', async () => {
    fake.faults.push('rate-limit-seconds');
    await deploy();
    await waitFor(() => allRequests() === 1);
    await clock.tickAsync(119_000);
    await settle();
    assert.equal(allRequests(), 1);
    helper.getNode('use').receive({});
    await settle();
    assert.equal(allRequests(), 1, 'an input poll does not break the Retry-After either');
    await clock.tickAsync(1_000);
    await waitFor(() => usageRequests() === 1);
  });

  it('stops polling an expired session until a new key is pasted, saying so; an input still polls', async () => {
    await deploy('sk-ant-sid01-expired-session-key-000000000000000000000');
    const use = helper.getNode('use');
    await waitFor(() => allRequests() === 1 && use.error.callCount === 1);
    assert.equal(errorsOf(use)[0].code, 'SESSION_EXPIRED');
    assert.equal(lastStatus(use).text, 'session expired: paste a new key');
    await clock.tickAsync(3 * 3_600_000);
    await settle();
    assert.equal(allRequests(), 1, 'no timer poll for a session that cannot recover');
    use.receive({ payload: 'poll' });
    await waitFor(() => allRequests() === 2 && use.error.callCount === 2);
    assert.equal(errorsOf(use)[1].code, 'SESSION_EXPIRED', 'the input is answered with its own error');
    await clock.tickAsync(3 * 3_600_000);
    await settle();
    assert.equal(allRequests(), 2, 'and the timer stays stopped');
  });

  it('reports one error per failure spell, a new one when the failure changes, and says when it retries', async () => {
    fake.faults.push('server-error', 'server-error', 'server-error', 'rate-limit-seconds');
    await deploy();
    const use = helper.getNode('use');
    await waitFor(() => allRequests() === 1 && use.error.callCount === 1);
    assert.equal(lastStatus(use).text, 'HTTP 500 · retry in 15s');
    await clock.tickAsync(15_000);
    await waitFor(() => allRequests() === 2);
    await clock.tickAsync(30_000);
    await waitFor(() => allRequests() === 3);
    await settle();
    assert.equal(use.error.callCount, 1, 'the same failure again is not reported again');
    await clock.tickAsync(60_000);
    await waitFor(() => allRequests() === 4 && use.error.callCount === 2);
    assert.equal(errorsOf(use)[1].code, 'RATE_LIMITED', 'another failure is reported');
    assert.match(lastStatus(use).text, /^rate limited · retry in 2m$/);
    await clock.tickAsync(120_000);
    await waitFor(() => usageRequests() === 1);
    await waitFor(() => lastStatus(use).fill === 'green');
    fake.faults.push('server-error');
    await clock.tickAsync(300_000);
    await waitFor(() => use.error.callCount === 3);
    assert.equal(errorsOf(use)[2].code, 'HTTP_ERROR', 'a failure after a success starts a new spell');
  });
});
