// Equivalent API prices of Claude models, and the cost of one logged request.
//
// Rates are USD per million tokens, as Anthropic publishes them
// (https://platform.claude.com/docs/en/about-claude/pricing). They match what
// ccusage 20 prices offline, with one deliberate difference: the long-context
// tier of Sonnet 4 and 4.5 follows Anthropic's rule (a request whose prompt —
// input + cache writes + cache reads — exceeds 200k tokens is billed entirely at
// the long-context rates), where ccusage prices each field's first 200k at the
// base rate.

export interface Rates {
  /** USD per million tokens. */
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
}

export interface ModelPrice extends Rates {
  /** Prompt size above which the whole request is billed at `longContext` rates. */
  longContextThreshold?: number;
  longContext?: Rates;
  /** Multiplier for requests logged with `usage.speed: "fast"`. */
  fastMultiplier?: number;
}

/** A user's override: input/output required, cache rates default to 1.25× / 2× / 0.1× input. */
export interface PriceOverride {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
}

/** Standard prompt-caching multipliers: 5-minute writes 1.25×, 1-hour writes 2×, reads 0.1× the input rate. */
function rates(input: number, output: number, cacheRead = input * 0.1, cacheWrite5m = input * 1.25, cacheWrite1h = input * 2): Rates {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

const SONNET_4_LONG: Pick<ModelPrice, 'longContextThreshold' | 'longContext'> = {
  longContextThreshold: 200_000,
  longContext: rates(6, 22.5),
};

/**
 * Keyed by model id without date suffix; a logged model matches the longest key it
 * starts with (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`).
 */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-fable-5-1': rates(10, 50, 0.25),
  'claude-fable-5': rates(10, 50, 1),
  'claude-mythos-5-1': rates(10, 50, 0.25),
  'claude-mythos-5': rates(10, 50, 1),
  'claude-opus-5': { ...rates(5, 25), fastMultiplier: 2 },
  'claude-opus-4-8': { ...rates(5, 25), fastMultiplier: 2 },
  'claude-opus-4-7': { ...rates(5, 25), fastMultiplier: 6 },
  'claude-opus-4-6': { ...rates(5, 25), fastMultiplier: 6 },
  'claude-opus-4-5': rates(5, 25),
  'claude-opus-4-1': rates(15, 75),
  'claude-opus-4': rates(15, 75),
  'claude-sonnet-5': rates(2, 10),
  'claude-sonnet-4-6': rates(3, 15),
  'claude-sonnet-4-5': { ...rates(3, 15), ...SONNET_4_LONG },
  'claude-sonnet-4': { ...rates(3, 15), ...SONNET_4_LONG },
  'claude-haiku-4-5': rates(1, 5),
  'claude-3-7-sonnet': rates(3, 15),
  'claude-3-5-sonnet': rates(3, 15),
  'claude-3-5-haiku': rates(0.8, 4, 0.08, 1, 1.6),
  'claude-3-opus': rates(15, 75),
  'claude-3-haiku': rates(0.25, 1.25, 0.03, 0.3, 0.5),
};

/** Usage of one request, as logged. */
export interface RequestTokens {
  input: number;
  output: number;
  /** cache_creation_input_tokens, all of it */
  cacheWrite: number;
  /** the part of `cacheWrite` written with the 1-hour TTL */
  cacheWrite1h: number;
  cacheRead: number;
}

/** `anthropic/claude-opus-4-7[1m]` → `claude-opus-4-7`. */
export function normaliseModel(model: string): string {
  let m = model.trim().toLowerCase();
  const slash = m.lastIndexOf('/');
  if (slash >= 0) m = m.slice(slash + 1);
  const bracket = m.indexOf('[');
  if (bracket >= 0) m = m.slice(0, bracket);
  return m;
}

function startsAsModel(model: string, key: string): boolean {
  if (!model.startsWith(key)) return false;
  const next = model.charCodeAt(key.length);
  return Number.isNaN(next) || next < 48 || next > 57; // not followed by another digit: 4-1 is not 4-10
}

/** The longest key of `table` that `model` starts with, or null. */
export function matchModel(model: string, table: Readonly<Record<string, unknown>>): string | null {
  const m = normaliseModel(model);
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (startsAsModel(m, k) && (best === null || k.length > best.length)) best = key;
  }
  return best;
}

export function overrideToPrice(o: PriceOverride): ModelPrice {
  return rates(o.input, o.output, o.cacheRead ?? o.input * 0.1, o.cacheWrite5m ?? o.input * 1.25, o.cacheWrite1h ?? o.input * 2);
}

/**
 * Looks up prices per model, once per distinct model name. Overrides (per model id
 * prefix, USD per million) win over the built-in table; a model found in neither
 * costs 0 and is listed in `unknownModels`.
 */
export class Pricer {
  private readonly cache = new Map<string, ModelPrice | null>();
  readonly unknownModels = new Set<string>();
  private readonly overrides: Record<string, ModelPrice>;

  constructor(readonly overridesGiven: Record<string, PriceOverride> = {}) {
    const overrides = overridesGiven;
    this.overrides = {};
    for (const [model, o] of Object.entries(overrides)) this.overrides[normaliseModel(model)] = overrideToPrice(o);
  }

  priceOf(model: string): ModelPrice | null {
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit;
    const own = matchModel(model, this.overrides);
    const builtIn = own ? null : matchModel(model, PRICES);
    const price = own ? this.overrides[own] : builtIn ? PRICES[builtIn] : null;
    if (!price && model !== '<synthetic>') this.unknownModels.add(model);
    this.cache.set(model, price);
    return price;
  }

  /** `fast`: logged with `usage.speed: "fast"` */
  cost(model: string, tokens: RequestTokens, fast = false): number {
    const price = this.priceOf(model);
    return price ? requestCost(price, tokens, fast) : 0;
  }
}

/** USD cost of one request. */
export function requestCost(price: ModelPrice, t: RequestTokens, fast = false): number {
  const prompt = t.input + t.cacheWrite + t.cacheRead;
  const r: Rates = price.longContext && price.longContextThreshold !== undefined && prompt > price.longContextThreshold ? price.longContext : price;
  const write1h = Math.min(t.cacheWrite1h, t.cacheWrite);
  const usd =
    (t.input * r.input + t.output * r.output + (t.cacheWrite - write1h) * r.cacheWrite5m + write1h * r.cacheWrite1h + t.cacheRead * r.cacheRead) / 1e6;
  return fast && price.fastMultiplier ? usd * price.fastMultiplier : usd;
}
