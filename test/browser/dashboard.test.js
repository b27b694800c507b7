'use strict';
// The dashboard as `npm start` loads it (every example, one dashboard base, Claude Code nodes in
// demo mode) in a real Node-RED, looked at in headless Chromium the way a user reads it: the
// account cards' last-updated line, pace, binding limit and extra usage; the stale state with the
// error in plain words once claude.ai (a fake one here) starts failing, and its end when it
// answers again; the Claude Code page with a row per machine (two of them pushing telemetry);
// the Insight page's split. Assertions are on visible text only.
const assert = require('node:assert/strict');
const { startNodeRed, logProblems } = require('../support/red-process');
const { startFakeClaude } = require('../fakes/claude');
const { apiRequest, logsBody } = require('../telemetry/otlp');
const { combinedExamples } = require('../../scripts/examples');
const { launchBrowser, screenshot, requireChromium, takeBrowserTurn, EDITOR_SETTINGS } = require('./browser');

const SESSION_KEY = 'sk-ant-sid01-test-session-key-0000000000000000000000';
const TELEMETRY_TOKEN = 'dashboard-test-token-0123456789ab';
/** Ids in the examples: the work account, its poll node, the cards and their state function (03), the telemetry node and the Claude Code widgets (08, 05), the Insight template (06). */
const ID = {
  workAccount: 'c1a0de0000000301',
  pollWork: 'c1a0de0000002010',
  workCard: 'c1a0de0000002015',
  personalCard: 'c1a0de0000002025',
  cardState: 'c1a0de0000002080',
  telemetry: 'c1a0de0000008011',
  machines: 'c1a0de0000004041',
  block: 'c1a0de0000004025',
  insight: 'c1a0de0000006050',
};

/** npm start's flows, with the work account on the fake claude.ai, a "poll work now" inject and a telemetry token. */
function flows(fakeUrl) {
  const nodes = combinedExamples({ demo: true }).map((n) => {
    if (n.id === ID.workAccount) return { ...n, auth: 'cookie', baseUrl: fakeUrl, oauthBaseUrl: fakeUrl, credentials: { sessionKey: SESSION_KEY } };
    if (n.id === ID.telemetry) return { ...n, credentials: { token: TELEMETRY_TOKEN } };
    return n;
  });
  const poll = nodes.find((n) => n.id === ID.pollWork);
  nodes.push({ id: 'poll-work-now', type: 'inject', z: poll.z, name: 'poll work now', props: [{ p: 'topic', vt: 'str' }], topic: 'work', repeat: '', crontab: '', once: false, x: 100, y: 700, wires: [[poll.id]] });
  return nodes;
}

describe('the dashboard under npm start’s flows, as a user sees it (Chromium)', function () {
  this.timeout(240_000);
  let red;
  let fake;
  let browser;
  let mark;
  let releaseTurn;

  before(async function () {
    requireChromium();
    releaseTurn = await takeBrowserTurn(this);
    fake = await startFakeClaude();
    // a window that resets in two hours and a week that resets in three days
    fake.usage = { ...fake.usage, sessionResetsAt: new Date(Date.now() + 2 * 3_600_000).toISOString(), weeklyResetsAt: new Date(Date.now() + 3 * 86_400_000).toISOString() };
    red = await startNodeRed({ dashboard: true, settings: EDITOR_SETTINGS });
    mark = red.log.length;
    await red.deploy(flows(fake.url));
    browser = await launchBrowser({ width: 1280, height: 1000 });
  });

  after(async () => {
    await browser?.close();
    await red?.stop();
    red?.cleanup();
    await fake?.close();
  });
  after(() => releaseTurn?.()); // last: the next runtime's browser tests go on

  const widget = (id) => browser.page.locator(`#nrdb-ui-widget-${id}`);
  /** Waits until the widget's visible text matches re; returns that text. */
  async function waitForText(id, re, timeout = 30_000) {
    const until = Date.now() + timeout;
    let text = '';
    while (Date.now() < until) {
      text = (await widget(id).count()) ? await widget(id).innerText() : '';
      if (re.test(text)) return text;
      await browser.page.waitForTimeout(250);
    }
    assert.fail(`#${id} never showed ${re}; it shows: ${JSON.stringify(text)}`);
  }

  it('usage page: each account card says when it was last updated, the pace, the binding limit and extra usage', async () => {
    await browser.page.goto(`${red.url}/dashboard/claude-usage`);
    await waitForText(ID.workCard, /Last updated \d/);
    const work = await waitForText(ID.workCard, /Extra usage/);
    assert.match(work, /12\.34 of 50\.00/, 'the fake account’s extra usage (1234 of 5000 cents)');
    // the demo account's pace, once two polls are a minute apart (it polls every 30 s)
    const personal = await waitForText(ID.personalCard, /5-hour window: (runs out at \d|lasts until the reset|limit reached)/, 120_000);
    assert.match(personal, /Last updated \d/);
    assert.match(personal, /Weekly window: /);
    assert.match(personal, /Binding limit now\s+(5-hour window|Weekly window)/);
    assert.match(personal, /Extra usage\s+[\d.]+ of 50\.00 USD/);
    assert.doesNotMatch(personal, /Stale/);
    await screenshot(browser.page, 'dashboard-usage-live', { fullPage: true });
  });

  it('usage page: once claude.ai fails, the card says its numbers are stale and why; the next good poll clears it', async () => {
    await browser.page.goto(`${red.url}/dashboard/claude-usage`);
    await waitForText(ID.workCard, /Last updated \d/);
    fake.faults = Array(50).fill('server-error');
    assert.equal((await red.request('POST', '/inject/poll-work-now')).status, 200);
    const text = await waitForText(ID.workCard, /Stale: the last poll failed/);
    assert.match(text, /answered HTTP 500\./, 'the error in plain words');
    assert.match(text, /The numbers shown are from \d/);
    await screenshot(browser.page, 'dashboard-usage-stale', { fullPage: true });
    // the other account is not affected
    assert.doesNotMatch(await widget(ID.personalCard).innerText(), /Stale/);
    // a reload shows the same state (kept by the flow, not by the open page)
    await browser.page.reload();
    await waitForText(ID.workCard, /Stale: the last poll failed/);
    fake.faults = [];
    assert.equal((await red.request('POST', '/inject/poll-work-now')).status, 200);
    const back = await waitForText(ID.workCard, /Last updated \d/);
    assert.doesNotMatch(back, /Stale/);
  });

  it('Claude Code page: the active block with burn rate and projection, and a row per machine', async () => {
    const now = Date.now();
    const post = (host, records) =>
      fetch(`${red.url}/claude-usage/otlp/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TELEMETRY_TOKEN}` }, body: JSON.stringify(logsBody(host, records)) });
    for (const [host, n] of [['laptop', 3], ['build box', 2]]) {
      const records = Array.from({ length: n }, (_, i) => apiRequest(new Date(now - (n - i) * 60_000).toISOString(), `${host}-${i}`, { 'session.id': `s-${host}`, 'event.sequence': i + 1 }));
      assert.equal((await post(host, records)).status, 200);
    }
    await browser.page.goto(`${red.url}/dashboard/claude-code`);
    const block = await waitForText(ID.block, /Burn rate\s+[\d,]+ tokens\/min · \$[\d.]+\/h/);
    assert.match(block, /Tokens in this block: [\d,]+ now, [\d,]+ \(\$[\d.]+\) by its end/);
    const machines = await waitForText(ID.machines, /laptop[\s\S]*build box|build box[\s\S]*laptop/);
    assert.match(machines, /demo laptop\s+logs · last request/, 'this machine’s (demo) logs');
    assert.match(machines, /laptop\s+telemetry · last request/);
    assert.match(machines, /build box\s+telemetry · last request/);
    assert.match(machines, /Billing period\s+\$\d+\.\d\d · [\d.]+ (k|M) tokens/);
    await screenshot(browser.page, 'dashboard-claude-code-live', { fullPage: true });
  });

  it('Insight page: each window split into its parts (elsewhere, unknown), and what 1 % buys', async () => {
    await browser.page.goto(`${red.url}/dashboard/insight`);
    // the demo machine's part of a window depends on where the demo's rises fall: only the parts every window has are asserted
    const text = await waitForText(ID.insight, /5-hour window\s+[\d.]+ %[\s\S]*elsewhere/);
    assert.match(text, /elsewhere\s+[\d.]+ points/);
    assert.match(text, /unknown\s+[\d.]+ points/);
    assert.match(text, /Weekly window\s+[\d.]+ %/);
    assert.match(text, /1 % buys: /);
    assert.match(text, /Limit hits/);
    await screenshot(browser.page, 'dashboard-insight-live', { fullPage: true });
  });

  it('usage page: numbers older than two poll intervals are stale even with no failure', async () => {
    // the same flows with the card's interval set to 1 s: between two 30-second polls the data is old
    const patched = flows(fake.url).map((n) => (n.id === ID.cardState ? { ...n, func: n.func.replace(/POLL_INTERVAL_S = \d+/, 'POLL_INTERVAL_S = 1') } : n));
    assert.notDeepEqual(patched, flows(fake.url), 'the interval constant is in "last poll and error"');
    mark = red.log.length;
    await red.deploy(patched);
    await browser.page.goto(`${red.url}/dashboard/claude-usage`);
    const text = await waitForText(ID.personalCard, /Stale: no update for \d+ s/);
    assert.match(text, /Last updated \d.*; is the poll node running\?/);
  });

  it('logged no problem and threw nothing in the page', () => {
    // the work account's failed poll is reported once (on the Catch node): nothing else
    const problems = logProblems(red.log, mark).filter((l) => !/answered HTTP 500/.test(l));
    assert.deepEqual(problems, []);
    assert.deepEqual(browser.errors, []);
  });
});
