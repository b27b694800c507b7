// The node's properties, as the editor saves them (often strings), turned into
// validated settings for the insight engine.
import type { Phrase } from '../phrase';

export interface InsightSettings {
  /** The `payload.account` followed; empty = the first one seen. */
  account: string;
  /** Points of a window from no wired machine that send `usage-elsewhere`; 0 = off. */
  elsewherePct: number;
  /** Percent of the median tokens per 1 % that a window may differ by before `cap-changed`. */
  capChangePct: number;
  /** Points of attributed rise a window needs before its tokens per 1 % are given. */
  minCalibrationPct: number;
  /** Closed windows kept per kind. */
  windowsKept: number;
}

export interface InsightProperties {
  account?: unknown;
  elsewherePct?: unknown;
  capChangePct?: unknown;
  minCalibrationPct?: unknown;
  windowsKept?: unknown;
}

export const DEFAULTS = { elsewherePct: 3, capChangePct: 25, minCalibrationPct: 10, windowsKept: 12 } as const;

/** Upper bounds that keep memory and context small whatever is typed. */
export const MAX_WINDOWS_KEPT = 500;
const MAX_ACCOUNT_LENGTH = 200;

interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

const RULES: Record<keyof typeof DEFAULTS, NumberRule> = {
  elsewherePct: { min: 0, max: 100, integer: false },
  capChangePct: { min: 0, max: 1000, integer: false },
  minCalibrationPct: { min: 0, max: 100, integer: false },
  windowsKept: { min: 0, max: MAX_WINDOWS_KEPT, integer: true },
};

function readNumber(value: unknown, rule: NumberRule): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isFinite(n) || n < rule.min || n > rule.max) return Number.NaN;
  if (rule.integer && !Number.isInteger(n)) return Number.NaN;
  return n;
}

/**
 * Settings plus a warning (a message key and its values) for every property that had to fall
 * back to its default: `warn.setting.<property>` says what the property must be.
 */
export function parseSettings(props: InsightProperties): { settings: InsightSettings; problems: Phrase[] } {
  const problems: Phrase[] = [];
  const numbers = { ...DEFAULTS } as Record<keyof typeof DEFAULTS, number>;
  for (const key of Object.keys(RULES) as Array<keyof typeof DEFAULTS>) {
    const n = readNumber(props[key], RULES[key]);
    if (n === null) continue;
    if (Number.isNaN(n)) problems.push({ key: `warn.setting.${key}`, vars: { value: String(props[key]).slice(0, 40), min: RULES[key].min, max: RULES[key].max, fallback: DEFAULTS[key] } });
    else numbers[key] = n;
  }
  let account = typeof props.account === 'string' ? props.account.trim() : '';
  if (account.length > MAX_ACCOUNT_LENGTH) {
    problems.push({ key: 'warn.setting.account', vars: { max: MAX_ACCOUNT_LENGTH } });
    account = '';
  }
  return { settings: { account, ...numbers }, problems };
}
