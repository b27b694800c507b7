// A simulated Claude Code machine for demo mode: the requests a busy user's sessions make,
// in real time, deterministic for a host name and a start time, with no files.
//
// The shape: a live session that began 40 minutes before the demo started and runs for
// 4 hours with one 12-minute pause (so `inactive` and, later, `block-ending` fire while
// you watch); before and after it, one working spell in each 6-hour stretch of the day.

import { hash, unit } from '../claude/demo';
import { HOUR_MS, MINUTE_MS } from '../constants';

export interface DemoRequest {
  /** epoch ms */
  t: number;
  model: string;
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
  /** a stable id, unique per request */
  id: string;
}

const STRETCH_MS = 6 * HOUR_MS;
const LIVE_LEAD_MS = 40 * MINUTE_MS;
const LIVE_LENGTH_MS = 4 * HOUR_MS;
const PAUSE_AT_MS = 95 * MINUTE_MS;
const PAUSE_MS = 12 * MINUTE_MS;
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];

/** The working spell of the 6-hour stretch that starts at `stretchStart`: [start, end). */
function spell(host: string, stretchStart: number): [number, number] {
  const start = stretchStart + Math.floor(unit(`${host}/spell/${stretchStart}`) * 90) * MINUTE_MS;
  const length = (60 + Math.floor(unit(`${host}/length/${stretchStart}`) * 150)) * MINUTE_MS;
  return [start, start + length];
}

function active(host: string, minute: number, anchor: number): boolean {
  const liveStart = anchor - LIVE_LEAD_MS;
  const liveEnd = liveStart + LIVE_LENGTH_MS;
  if (minute >= liveStart && minute < liveEnd) {
    const into = minute - liveStart;
    return into < PAUSE_AT_MS || into >= PAUSE_AT_MS + PAUSE_MS;
  }
  // the spells next to the live session keep a gap of five hours from it, so it opens a block of its own
  if (minute >= liveStart - 5 * HOUR_MS && minute < liveEnd + HOUR_MS) return false;
  const stretch = Math.floor(minute / STRETCH_MS) * STRETCH_MS;
  const [s, e] = spell(host, stretch);
  return minute >= s && minute < e;
}

/**
 * The requests of the demo machine `host` in [from, to), oldest first. `anchor` is when
 * the demo started (its live session is placed around it). Each minute of a working spell
 * holds 0 to 3 requests; the same arguments always give the same requests.
 */
export function demoRequests(host: string, from: number, to: number, anchor: number): DemoRequest[] {
  const out: DemoRequest[] = [];
  const name = host || 'demo';
  const first = Math.floor(from / MINUTE_MS) * MINUTE_MS;
  for (let minute = first; minute < to; minute += MINUTE_MS) {
    if (!active(name, minute, anchor)) continue;
    const n = Math.floor(unit(`${name}/n/${minute}`) * 4); // 0..3
    for (let i = 0; i < n; i++) {
      const t = minute + Math.floor(unit(`${name}/t/${minute}/${i}`) * MINUTE_MS);
      if (t < from || t >= to) continue;
      const r = (k: string): number => unit(`${name}/${k}/${minute}/${i}`);
      out.push({
        t,
        model: MODELS[Math.floor(r('m') * MODELS.length)],
        input: 2 + Math.floor(r('in') * 40),
        output: 80 + Math.floor(r('out') * 1800),
        cacheWrite: r('cw') < 0.3 ? Math.floor(r('cwn') * 9000) : 0,
        cacheRead: 15_000 + Math.floor(r('cr') * 110_000),
        id: `demo_${hash(`${name}/${minute}/${i}`).toString(36)}_${i}`,
      });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}
