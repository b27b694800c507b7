// The built-in demo account: usage that climbs and resets like the real windows, 30× faster
// (a 5-hour window in 10 minutes, a week in 5.6 hours), deterministic for a given name, time
// and start. From its start, a demo session is busy: past 75 % within two minutes, at 100 % as
// it resets four minutes or so later, so a first-time user sees alerts fire and a reset soon.

import { DAY_MS, SESSION_WINDOW_MS, WEEK_WINDOW_MS } from '../constants';
import { round1 } from '../format';
import type { UsageResponse } from '../schemas';

export const DEMO_SPEEDUP = 30;
const SESSION_MS = SESSION_WINDOW_MS / DEMO_SPEEDUP;
const WEEK_MS = WEEK_WINDOW_MS / DEMO_SPEEDUP;
const MONTH_MS = (30 * DAY_MS) / DEMO_SPEEDUP;

/** FNV-1a: a stable small hash of a string. */
export function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A number in [0, 1) fixed by the seed. */
export function unit(seed: string): number {
  return hash(seed) / 0x1_0000_0000;
}

interface WindowPosition {
  index: number;
  progress: number; // 0..1 through the window
  endsAt: number; // epoch ms
}

function position(now: number, length: number, offset: number): WindowPosition {
  const shifted = now - offset;
  const index = Math.floor(shifted / length);
  return { index, progress: (shifted - index * length) / length, endsAt: offset + (index + 1) * length };
}

/** Monotonic climb from 0 to 1 with a visible rhythm of busy and quiet stretches. */
function climb(progress: number): number {
  const waves = 3;
  return progress + (0.6 * Math.sin(2 * Math.PI * waves * progress)) / (2 * Math.PI * waves) * 0.9;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+00:00');
}

function severityOf(pct: number): string {
  return pct >= 90 ? 'critical' : pct >= 75 ? 'warning' : 'normal';
}

/**
 * The usage response a demo account named `name` gives at `now`, in the newest shape: legacy
 * windows and `limits[]` (with severity and the binding limit), Claude Design, the weekly
 * breakdown by surface, extra usage as `spend` and a credit pool.
 */
export function demoUsage(name: string, now: number = Date.now(), startedAt: number | null = null): UsageResponse {
  const seed = name || 'demo';
  // with a start, the session window that holds it is 55–65 % through at the start, and full at its end
  const startProgress = 0.55 + 0.1 * unit(`${seed}/start`);
  const sessionOffset = startedAt === null ? Math.floor(unit(`${seed}/session`) * SESSION_MS) : (((startedAt - startProgress * SESSION_MS) % SESSION_MS) + SESSION_MS) % SESSION_MS;
  const session = position(now, SESSION_MS, sessionOffset);
  const firstSession = startedAt !== null && session.index === position(startedAt, SESSION_MS, sessionOffset).index;
  const week = position(now, WEEK_MS, Math.floor(unit(`${seed}/week`) * WEEK_MS));
  const month = position(now, MONTH_MS, 0);

  // Each window gets its own peak: most stay below the limit, some run into it.
  // the first session aims past 100 %, so it stays full (capped) for its last half minute
  const sessionPeak = firstSession ? 110 : 60 + 45 * unit(`${seed}/session/${session.index}`);
  const weekPeak = 45 + 50 * unit(`${seed}/week/${week.index}`);
  const sessionPct = Math.min(100, round1(sessionPeak * climb(session.progress)));
  const weekPct = Math.min(100, round1(weekPeak * climb(week.progress)));
  const opusPct = round1(weekPct * 0.35);
  const designPct = round1(weekPct * 0.2);
  const usedCents = Math.round(2000 * month.progress * (0.5 + unit(`${seed}/month/${month.index}`)));
  const weekReset = iso(week.endsAt);
  const sessionReset = iso(session.endsAt);

  // The binding limit: the fullest window, as the service marks it.
  const sessionBinds = sessionPct >= weekPct;
  const codeShare = Math.round(55 + 30 * unit(`${seed}/share/${week.index}`));
  const chatShare = Math.round((100 - codeShare) * 0.6);
  const coworkShare = Math.round((100 - codeShare - chatShare) * 0.7);
  const poolUsed = round1(Math.min(20, 20 * month.progress));

  return {
    five_hour: { utilization: sessionPct, resets_at: sessionReset, limit_dollars: null, used_dollars: null, remaining_dollars: null, locked_reason: null },
    seven_day: { utilization: weekPct, resets_at: weekReset, limit_dollars: null, used_dollars: null, remaining_dollars: null, locked_reason: null },
    seven_day_oauth_apps: null,
    seven_day_opus: { utilization: opusPct, resets_at: weekReset, locked_reason: null },
    seven_day_sonnet: null,
    seven_day_omelette: { utilization: designPct, resets_at: weekReset, locked_reason: null },
    iguana_necktie: { utilization: round1((poolUsed / 20) * 100), resets_at: iso(month.endsAt), limit_dollars: 20, used_dollars: poolUsed, remaining_dollars: round1(20 - poolUsed), locked_reason: null },
    tangelo: null,
    limits: [
      { kind: 'session', group: 'session', percent: sessionPct, severity: severityOf(sessionPct), resets_at: sessionReset, scope: null, is_active: sessionBinds },
      { kind: 'weekly_all', group: 'weekly', percent: weekPct, severity: severityOf(weekPct), resets_at: weekReset, scope: null, is_active: !sessionBinds },
      { kind: 'weekly_scoped', group: 'weekly', percent: opusPct, severity: severityOf(opusPct), resets_at: weekReset, scope: { model: { id: null, display_name: 'Opus' }, surface: null }, is_active: false },
    ],
    extra_usage: { is_enabled: true, monthly_limit: 5000, used_credits: usedCents, utilization: round1((usedCents / 5000) * 100), currency: 'USD', decimal_places: 2, disabled_reason: null },
    spend: {
      used: { amount_minor: usedCents, currency: 'USD', exponent: 2 },
      limit: { amount_minor: 5000, currency: 'USD', exponent: 2 },
      percent: round1((usedCents / 5000) * 100),
      severity: severityOf((usedCents / 5000) * 100),
      enabled: true,
      disabled_reason: null,
    },
    seven_day_breakdown: {
      as_of: iso(now),
      window_started_at: iso(week.endsAt - WEEK_MS),
      rows: [
        { key: 'claude_code', display_name: 'Claude Code', percent: codeShare },
        { key: 'chat', display_name: 'Chats', percent: chatShare },
        { key: 'cowork', display_name: 'Cowork', percent: coworkShare },
        { key: 'other', display_name: 'Other', percent: 100 - codeShare - chatShare - coworkShare },
      ],
    },
  };
}

export function demoOrganization(name: string): { uuid: string; name: string } {
  const h = hash(name || 'demo').toString(16).padStart(8, '0');
  return { uuid: `00000000-0000-4000-8000-0000${h}`, name: `Demo · ${name || 'demo'}` };
}
