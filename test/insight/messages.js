'use strict';
// Builders for the messages claude-insight takes, in the spec's shapes: official samples
// (claude-usage / claude-statusline output 1), token counters (claude-code-usage and
// claude-code-telemetry output 1) and a limit-reached alert.
const { usagePayload, MIN, HOUR } = require('../threshold/timeline');

const T0 = Date.parse('2026-11-02T10:00:00Z');
const iso = (ms) => new Date(ms).toISOString();
const SESSION_END = T0 + 5 * HOUR;
const WEEK_END = T0 + 3 * 24 * HOUR;

/**
 * An official sample at `minute` after T0. `session` / `weekly`: a pct, or
 * `{ pct, resetsAt }` (ms); a missing one is left out of the message.
 */
function official(minute, session, weekly, account = 'work') {
  const win = (w, end) => {
    if (w === undefined) return undefined;
    const o = typeof w === 'number' ? { pct: w } : w;
    return { pct: o.pct, resetsAt: o.resetsAt === null ? null : iso(o.resetsAt ?? end) };
  };
  return { topic: account, payload: usagePayload(account, T0 + minute * MIN, { session: win(session, SESSION_END), weekly: win(weekly, WEEK_END) }) };
}

const period = (totalTokens, costUSD) => ({ start: iso(T0 - 24 * HOUR), end: iso(T0 + 20 * 24 * HOUR), sessions: 1, sessionsLeft: 49, costUSD, totalTokens, maxBlockTokens: 0, maxBlockCostUSD: 0 });

/** claude-code-usage output 1 of `host` whose billing period has counted `tokens` (cost 1 USD per 100k by default). */
function logs(host, tokens, costUSD = tokens / 100_000) {
  return {
    topic: host,
    payload: { host, scannedAt: iso(T0), activeBlock: null, period: period(tokens, costUSD), today: { date: '2026-11-02', costUSD, totalTokens: tokens }, blocks: [] },
  };
}

/** claude-code-telemetry output 1: rows [host, tokens, costUSD?]. */
function telemetry(rows) {
  const hosts = rows.map(([host, tokens, cost]) => ({ host, lastSeenAt: iso(T0), entries: 1, costUSD: cost ?? tokens / 100_000, totalTokens: tokens, today: { costUSD: 0, totalTokens: 0 } }));
  const total = hosts.reduce((s, h) => s + h.totalTokens, 0);
  return {
    topic: 'telemetry',
    payload: { host: null, source: 'telemetry', scannedAt: iso(T0), activeBlock: null, period: period(total, total / 100_000), today: { date: '2026-11-02', costUSD: 0, totalTokens: 0 }, blocks: [], hosts },
  };
}

/** A limit-reached alert as claude-code-usage / claude-code-telemetry send it on output 2. */
function limitReached(at, { limit = 'session', host = 'laptop', resetsAt = null } = {}) {
  return {
    topic: 'Claude Code usage limit reached',
    payload: `${host}: usage limit reached`,
    alert: { title: 'Claude Code usage limit reached', message: `${host}: usage limit reached`, account: host, kind: 'limit-reached', limit_type: 'block', pct: null, threshold: null, resetsAt, level: 'critical', at, limit, host },
  };
}

module.exports = { T0, MIN, HOUR, iso, SESSION_END, WEEK_END, official, logs, telemetry, limitReached };
