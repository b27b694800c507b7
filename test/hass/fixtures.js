'use strict';
// Payloads as claude-usage and claude-code-usage send them (spec: "Output 1").

function usagePayload(overrides = {}) {
  return {
    account: 'work',
    organization: { uuid: '11111111-2222-3333-4444-555555555555', name: 'Work' },
    plan: 'max_5x',
    fetchedAt: '2026-11-22T10:00:00.000Z',
    session: { pct: 62.4, resetsAt: '2026-11-22T12:03:00.000Z', resetsInMinutes: 123 },
    weekly: { pct: 44.1, resetsAt: '2026-11-27T08:00:00.000Z', resetsInMinutes: 7080 },
    limits: [
      { id: 'session', kind: 'session', label: '5-hour', pct: 62.4, resetsAt: '2026-11-22T12:03:00.000Z', resetsInMinutes: 123 },
      { id: 'weekly', kind: 'weekly', label: 'Weekly', pct: 44.1, resetsAt: '2026-11-27T08:00:00.000Z', resetsInMinutes: 7080 },
      { id: 'weekly:opus', kind: 'weekly_scoped', label: 'Weekly · Opus', pct: 12.5, resetsAt: null, resetsInMinutes: null },
    ],
    extraUsage: { enabled: true, usedCredits: 12.34, monthlyLimit: 50, currency: 'USD', pct: 24.7 },
    pace: { session: { pctPerHour: 9.5, projectedPctAtReset: 81.9, exhaustsAt: null }, weekly: null },
    cookie: { expiresAt: '2026-12-13T10:00:00.000Z', daysLeft: 21 },
    ...overrides,
  };
}

function block(overrides = {}) {
  return {
    id: '2026-11-22T09:00:00.000Z',
    startTime: '2026-11-22T09:00:00.000Z',
    endTime: '2026-11-22T14:00:00.000Z',
    actualEndTime: '2026-11-22T09:58:00.000Z',
    isActive: true,
    isGap: false,
    entries: 42,
    tokenCounts: { inputTokens: 1000, outputTokens: 20000, cacheCreationInputTokens: 30000, cacheReadInputTokens: 400000 },
    totalTokens: 451000,
    costUSD: 3.21,
    models: ['claude-sonnet-4-5-20250929'],
    burnRate: { tokensPerMinute: 7600, costPerHour: 3.3 },
    projection: { totalTokens: 2000000, totalCost: 13.5, remainingMinutes: 242 },
    ...overrides,
  };
}

function codePayload(overrides = {}) {
  const active = block();
  return {
    host: 'laptop',
    scannedAt: '2026-11-22T09:58:00.000Z',
    activeBlock: active,
    period: { start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z', sessions: 12, sessionsLeft: 38, costUSD: 48.5, totalTokens: 9000000, maxBlockTokens: 2500000, maxBlockCostUSD: 9.1 },
    today: { date: '2026-11-22', costUSD: 3.21, totalTokens: 451000 },
    blocks: [active],
    ...overrides,
  };
}

/** claude-code-telemetry output 1: claude-code-usage's shape over all machines, host null, hosts[]. */
function telemetryPayload(overrides = {}) {
  return {
    ...codePayload(),
    host: null,
    source: 'telemetry',
    hosts: [
      { host: 'laptop', lastSeenAt: '2026-11-22T09:58:00.000Z', entries: 30, costUSD: 30.5, totalTokens: 6000000, today: { costUSD: 2.21, totalTokens: 300000 } },
      { host: 'build box', lastSeenAt: '2026-11-22T09:40:00.000Z', entries: 12, costUSD: 18, totalTokens: 3000000, today: { costUSD: 1, totalTokens: 151000 } },
    ],
    ...overrides,
  };
}

function insightWindow(overrides = {}) {
  return {
    pct: 64, resetsAt: '2026-11-27T08:00:00.000Z', windowStart: '2026-11-20T08:00:00.000Z', tokens: 9000000, costUSD: 48.5,
    tokensPerPct: 150000.5, costPerPct: 0.81,
    byHost: [{ host: 'laptop', pct: 41, tokens: 6000000 }, { host: 'build box', pct: 19, tokens: 3000000 }],
    elsewherePct: 4, unknownPct: 0,
    ...overrides,
  };
}

/** claude-insight output 1. */
function insightPayload(overrides = {}) {
  return {
    account: 'work',
    at: '2026-11-22T10:00:00.000Z',
    windows: {
      session: insightWindow({ pct: 62.4, resetsAt: '2026-11-22T12:03:00.000Z', windowStart: '2026-11-22T07:03:00.000Z', tokensPerPct: null, costPerPct: null, elsewherePct: 1.5 }),
      weekly: insightWindow(),
    },
    calibration: { session: [], weekly: [{ windowStart: '2026-11-13T08:00:00.000Z', windowEnd: '2026-11-20T08:00:00.000Z', pct: 88, tokens: 13000000, tokensPerPct: 147727.3, costPerPct: 0.8 }] },
    ledger: [
      { at: '2026-11-21T18:00:00.000Z', limit: 'session', resetsAt: '2026-11-21T19:00:00.000Z', source: 'official' },
      { at: '2026-11-22T09:30:00.000Z', limit: 'session', resetsAt: null, source: 'laptop' },
    ],
    ...overrides,
  };
}

/**
 * Renders a Home Assistant `{{ value_json.key }}` template the way Jinja does for
 * these templates: the JSON value as text, null as "None" (Home Assistant: unknown).
 * Throws for anything else or a key the state lacks.
 */
function renderValueTemplate(template, stateJson) {
  const m = /^\{\{ value_json\.([a-z0-9_]+)(?: or '([^']*)')? \}\}$/.exec(template);
  if (!m) throw new Error(`unexpected template ${template}`);
  const v = stateValue(stateJson, m[1]);
  if (m[2] !== undefined && !v) return m[2]; // Jinja `a or b`: b when a is falsy
  return v === null ? 'None' : String(v);
}

/** Renders a state-topic availability template: "online" or "offline". */
function renderAvailabilityTemplate(template, stateJson) {
  const m = /^\{\{ 'online' if value_json\.([a-z0-9_]+) else 'offline' \}\}$/.exec(template);
  if (!m) throw new Error(`unexpected availability template ${template}`);
  return stateValue(stateJson, m[1]) ? 'online' : 'offline';
}

function stateValue(stateJson, key) {
  const state = JSON.parse(stateJson);
  if (!Object.prototype.hasOwnProperty.call(state, key)) throw new Error(`state has no ${key}: ${stateJson}`);
  return state[key];
}

module.exports = { usagePayload, codePayload, telemetryPayload, insightPayload, block, renderValueTemplate, renderAvailabilityTemplate };
