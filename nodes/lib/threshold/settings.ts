// The node's properties, as the editor saves them (often strings), turned into
// validated settings for the engine.
import type { Phrase } from '../phrase';
import { HOUR_MS } from '../constants';
import { resolveTimeZone, isValidTimeZone } from '../format';

export type WindowKind = 'session' | 'weekly' | 'scoped' | 'extra';

export interface ThresholdSettings {
  /** Threshold lists per window kind, ascending, no duplicates; empty = that kind is off. */
  thresholds: Record<WindowKind, number[]>;
  cooldownMs: number;
  rearmPct: number;
  notifyReset: boolean;
  pace: boolean;
  timeZone: string;
}

export interface ThresholdProperties {
  session?: unknown;
  weekly?: unknown;
  scoped?: unknown;
  extra?: unknown;
  cooldownHours?: unknown;
  rearmPct?: unknown;
  notifyReset?: unknown;
  pace?: unknown;
  timezone?: unknown;
}

export const DEFAULTS = {
  session: '75,90,95',
  weekly: '75,90,95',
  scoped: '',
  extra: '',
  cooldownHours: 4,
  rearmPct: 5,
} as const;

export const MAX_PCT = 1000;

export function isValidThreshold(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= MAX_PCT;
}

/** "95, 75,90" → [75, 90, 95]; entries that are not numbers 0..1000 are returned as `invalid`. */
export function parseThresholdList(text: unknown): { values: number[]; invalid: string[] } {
  const raw = Array.isArray(text) ? text.map(String) : String(text ?? '').split(',');
  const values = new Set<number>();
  const invalid: string[] = [];
  for (const entry of raw.map((s) => s.trim()).filter((s) => s !== '')) {
    const value = Number(entry);
    if (isValidThreshold(value)) values.add(value);
    else invalid.push(entry);
  }
  return { values: [...values].sort((a, b) => a - b), invalid };
}

function toBoolean(value: unknown): boolean {
  return value === true || value === 'true';
}

function nonNegativeNumber(value: unknown, fallback: number): number | null {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Settings plus a warning (a message key and its values) for every property that had to fall back to its default. */
export function parseSettings(props: ThresholdProperties): { settings: ThresholdSettings; problems: Phrase[] } {
  const problems: Phrase[] = [];
  const thresholds = {} as Record<WindowKind, number[]>;
  for (const kind of ['session', 'weekly', 'scoped', 'extra'] as const) {
    const given = props[kind] === undefined ? DEFAULTS[kind] : props[kind];
    const { values, invalid } = parseThresholdList(given);
    if (invalid.length > 0) problems.push({ key: 'warn.thresholds', vars: { kind, values: invalid.map((s) => `"${s}"`).join(', '), max: MAX_PCT } });
    thresholds[kind] = values;
  }
  let cooldownHours = nonNegativeNumber(props.cooldownHours, DEFAULTS.cooldownHours);
  if (cooldownHours === null) {
    problems.push({ key: 'warn.cooldownHours', vars: { value: String(props.cooldownHours), fallback: DEFAULTS.cooldownHours } });
    cooldownHours = DEFAULTS.cooldownHours;
  }
  let rearmPct = nonNegativeNumber(props.rearmPct, DEFAULTS.rearmPct);
  if (rearmPct === null) {
    problems.push({ key: 'warn.rearmPct', vars: { value: String(props.rearmPct), fallback: DEFAULTS.rearmPct } });
    rearmPct = DEFAULTS.rearmPct;
  }
  const tz = typeof props.timezone === 'string' ? props.timezone.trim() : '';
  if (tz && !isValidTimeZone(tz)) problems.push({ key: 'warn.timezone', vars: { value: tz } });
  return {
    settings: {
      thresholds,
      cooldownMs: Math.round(cooldownHours * HOUR_MS),
      rearmPct,
      notifyReset: toBoolean(props.notifyReset),
      pace: toBoolean(props.pace),
      timeZone: resolveTimeZone(tz),
    },
    problems,
  };
}
