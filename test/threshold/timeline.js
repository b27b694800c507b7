'use strict';
// Builders for claude-usage payloads and simulated timelines, shared by the
// threshold tests and the pipeline benchmark.

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A claude-usage output-1 payload from compact window descriptions. */
function usagePayload(account, at, windows = {}, extra = {}) {
  const limits = [];
  const add = (id, kind, label, w) => {
    if (!w) return;
    limits.push({ id, kind, label, pct: w.pct, resetsAt: w.resetsAt ?? null, resetsInMinutes: null });
  };
  add('session', 'session', '5-hour', windows.session);
  add('weekly', 'weekly', 'Weekly', windows.weekly);
  for (const [model, w] of Object.entries(windows.scoped || {})) {
    add(`weekly:${model}`, 'weekly_scoped', `Weekly · ${model[0].toUpperCase()}${model.slice(1)}`, w);
  }
  return {
    account,
    organization: null,
    plan: 'max_5x',
    fetchedAt: new Date(at).toISOString(),
    session: windows.session ? { pct: windows.session.pct, resetsAt: windows.session.resetsAt ?? null, resetsInMinutes: null } : null,
    weekly: windows.weekly ? { pct: windows.weekly.pct, resetsAt: windows.weekly.resetsAt ?? null, resetsInMinutes: null } : null,
    limits,
    extraUsage: extra.extraPct === undefined ? null : { enabled: true, usedCredits: 0, monthlyLimit: 50, currency: 'USD', pct: extra.extraPct },
    pace: {
      session: extra.sessionExhaustsAt !== undefined ? { pctPerHour: 10, projectedPctAtReset: 120, exhaustsAt: extra.sessionExhaustsAt } : null,
      weekly: extra.weeklyExhaustsAt !== undefined ? { pctPerHour: 1, projectedPctAtReset: 120, exhaustsAt: extra.weeklyExhaustsAt } : null,
    },
    cookie: null,
  };
}

/** Deterministic PRNG (mulberry32) so a failing random sequence can be replayed from its seed. */
function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
  };
}

/**
 * A simulated window: usage climbs at a rate drawn per window, sometimes jumps or
 * falls back, and starts over when its reset time passes.
 */
function simWindow(rng, lengthMs, start) {
  const w = { lengthMs, pct: 0, resetsAt: start + lengthMs, rate: 0 };
  w.rate = (rng.next() * 140) / (lengthMs / (5 * MIN)); // per 5-minute step: peaks from 0 to ~140 %
  return w;
}

function advanceWindow(rng, w, now) {
  if (now >= w.resetsAt) {
    w.resetsAt = now + w.lengthMs;
    w.pct = rng.chance(0.5) ? 0 : rng.next();
    w.rate = (rng.next() * 140) / (w.lengthMs / (5 * MIN));
    return;
  }
  if (rng.chance(0.03)) w.pct += rng.next() * 40; // a burst crossing several thresholds
  // eslint-disable-next-line no-dupe-else-if -- each chance() is a new draw
  else if (rng.chance(0.03)) w.pct = Math.max(0, w.pct - rng.next() * 30); // a correction downwards
  else w.pct += w.rate * rng.next() * 2;
  w.pct = Math.min(w.pct, 999);
}

const BAD_PCTS = ['abc', '50', Number.NaN, -1, -0.01, 1000.5, 1e9, null, undefined, Infinity, {}, true];

/**
 * A random but realistic-ish sequence of payloads for several accounts: 5-minute
 * samples with gaps, jitter in resetsAt, idle windows, bad values, pace and extra usage.
 */
function randomTimeline(seed, steps, { start: from = Date.parse('2026-11-16T00:00:00Z') } = {}) {
  const rng = prng(seed);
  const start = from + rng.int(0, 1000) * MIN;
  const accounts = ['work', 'home', 'lab'].slice(0, rng.int(1, 3));
  const sims = new Map(
    accounts.map((a) => [
      a,
      {
        session: simWindow(rng, 5 * HOUR, start),
        weekly: simWindow(rng, 7 * 24 * HOUR, start),
        opus: simWindow(rng, 7 * 24 * HOUR, start),
        sonnet: simWindow(rng, 7 * 24 * HOUR, start),
        extra: simWindow(rng, 30 * 24 * HOUR, start),
      },
    ]),
  );
  const payloads = [];
  let now = start;
  for (let i = 0; i < steps; i++) {
    now += rng.chance(0.02) ? rng.int(1, 12) * HOUR : rng.chance(0.05) ? 0 : 5 * MIN;
    const account = rng.pick(accounts);
    const sim = sims.get(account);
    for (const w of Object.values(sim)) advanceWindow(rng, w, now);
    const view = (w) => {
      const jitter = rng.chance(0.2) ? rng.int(-60, 60) * 1000 : rng.chance(0.03) ? rng.int(61, 120) * 1000 : 0;
      let pct = Math.round(w.pct * 100) / 100;
      let resetsAt = new Date(w.resetsAt + jitter).toISOString();
      if (rng.chance(0.02)) {
        pct = 0;
        resetsAt = null; // idle window
      }
      if (rng.chance(0.01)) resetsAt = 'not a date';
      if (rng.chance(0.03)) pct = rng.pick(BAD_PCTS);
      return { pct, resetsAt };
    };
    const windows = { session: view(sim.session), weekly: view(sim.weekly), scoped: { opus: view(sim.opus) } };
    if (rng.chance(0.5)) windows.scoped.sonnet = view(sim.sonnet);
    const paceFor = (w) => (rng.chance(0.3) ? null : new Date(w.resetsAt + rng.int(-3 * 3600, 3600) * 1000).toISOString());
    const extra = {
      extraPct: rng.chance(0.1) ? null : rng.chance(0.02) ? rng.pick(BAD_PCTS) : Math.round(sim.extra.pct * 10) / 10,
      sessionExhaustsAt: paceFor(sim.session),
      weeklyExhaustsAt: paceFor(sim.weekly),
    };
    const payload = usagePayload(account, now, windows, extra);
    if (rng.chance(0.01)) delete payload.limits; // not usage at all
    payloads.push(payload);
  }
  return payloads;
}

/** Random node settings, as parseSettings returns them. */
function randomSettings(seed) {
  const rng = prng(seed ^ 0x5eed);
  const list = () => {
    const n = rng.int(0, 4);
    const values = new Set();
    for (let i = 0; i < n; i++) values.add(rng.pick([0, 1, 25, 50, 75, 80, 90, 95, 99.5, 100, 120]));
    return [...values].sort((a, b) => a - b);
  };
  return {
    thresholds: { session: list(), weekly: list(), scoped: list(), extra: list() },
    cooldownMs: rng.pick([0, 0.5, 1, 4, 24]) * HOUR,
    rearmPct: rng.pick([0, 2.5, 5, 10]),
    notifyReset: rng.chance(0.5),
    pace: rng.chance(0.5),
    timeZone: 'UTC',
  };
}

module.exports = { MIN, HOUR, usagePayload, prng, randomTimeline, randomSettings };
