// Validation of the claude-code-usage node's properties (they may arrive as strings).
import os from 'node:os';
import { z } from 'zod';
import { resolveTimeZone } from '../format';
import type { PriceOverride } from './pricing';

/** `logs` reads Claude Code's log files; `demo` simulates a busy machine, with no files. */
export type CodeUsageMode = 'logs' | 'demo';

export interface CodeUsageConfig {
  mode: CodeUsageMode;
  configDir: string;
  intervalMs: number;
  billingDay: number;
  timeZone: string;
  monthlySessions: number;
  blockEndingMinutes: number;
  inactivityMinutes: number;
  host: string;
  prices: Record<string, PriceOverride>;
}

function numberIn(value: unknown, fallback: number, min: number, max: number, integer = false): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return fallback;
  const v = integer ? Math.round(n) : n;
  return Math.min(max, Math.max(min, v));
}

const rate = z.number().finite().nonnegative();
const priceSchema = z.record(
  z.string().min(1),
  z.object({
    input: rate,
    output: rate,
    cacheWrite5m: rate.optional(),
    cacheWrite1h: rate.optional(),
    cacheRead: rate.optional(),
    webSearch: rate.optional(),
    usOnlyMultiplier: z.number().finite().positive().max(100).optional(),
  }),
);

/**
 * Parses the `prices` property: JSON `{ "<model>": { input, output, cacheWrite5m?,
 * cacheWrite1h?, cacheRead?, webSearch?, usOnlyMultiplier? } }`, token rates in USD per
 * million tokens, `webSearch` in USD per search.
 */
export function parsePrices(text: unknown): Record<string, PriceOverride> {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) return {};
  let json: unknown = text;
  if (typeof text === 'string') {
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error('prices is not valid JSON');
    }
  }
  const parsed = priceSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`prices: ${issue.path.join('.') || 'value'}: ${issue.message}`);
  }
  return parsed.data;
}

export function readConfig(raw: Record<string, unknown>): CodeUsageConfig {
  const mode: CodeUsageMode = raw.mode === 'demo' ? 'demo' : 'logs';
  return {
    mode,
    configDir: typeof raw.configDir === 'string' ? raw.configDir.trim() : '',
    intervalMs: numberIn(raw.interval, 10, 1, 86_400) * 1000,
    billingDay: numberIn(raw.billingDay, 1, 1, 28, true),
    timeZone: resolveTimeZone(typeof raw.timezone === 'string' ? raw.timezone.trim() : ''),
    monthlySessions: numberIn(raw.monthlySessions, 50, 0, 1e6, true),
    blockEndingMinutes: numberIn(raw.blockEndingMinutes, 30, 0, 300),
    inactivityMinutes: numberIn(raw.inactivityMinutes, 10, 0, 1e6),
    host: (typeof raw.host === 'string' && raw.host.trim()) || (mode === 'demo' ? 'demo laptop' : os.hostname()),
    prices: parsePrices(raw.prices),
  };
}
