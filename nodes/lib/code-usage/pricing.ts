// Equivalent API prices of Claude models, and the cost of one logged request.
//
// Rates are USD per million tokens, as Anthropic publishes them
// (https://platform.claude.com/docs/en/about-claude/pricing). They match what
// ccusage 20 prices offline, with deliberate differences: a model id matches a key
// only with a date or context suffix after it (never an older version's key), and the long-context
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

const HAIKU_5_5_LONG: Pick<ModelPrice, 'longContextThreshold' | 'longContext'> = {
  longContextThreshold: 100_000,
  longContext: rates(0.5, 2.5),
};

/**
 * Keyed by model id without date or context suffix; a logged model matches a key only
 * when it is the key, or the key followed by a date (`-20251101`) or a context suffix
 * (`[1m]`), so a newer version is never priced as an older one.
 *
 * Sources: Anthropic's model pages and price list (platform.claude.com/docs, models/<id>/overview
 * and about-claude/pricing), as read on the dates given.
 */
export const PRICES: Readonly<Record<string, ModelPrice>> = {
  // models/fable-5-2: $8 / $40 (Anthropic's lineup table, read 2026-12-07); writes at the
  // standard 1.25× / 2×; cache reads $0.20 (0.025×) as every price list that carries the model gives it
  'claude-fable-5-2': rates(8, 40, 0.2),
  'claude-fable-5-1': rates(10, 50, 0.25),
  'claude-fable-5': rates(10, 50, 1),
  // Mythos shares Fable's specifications and prices (models/fable-5/overview)
  'claude-mythos-5-2': rates(8, 40, 0.2),
  'claude-mythos-5-1': rates(10, 50, 0.25),
  'claude-mythos-5': rates(10, 50, 1),
  // models/opus-5-5: $4 / $20, writes $5 / $8, cache reads $0.20 (0.05×), read 2026-12-07
  'claude-opus-5-5': rates(4, 20, 0.2),
  'claude-opus-5': { ...rates(5, 25), fastMultiplier: 2 },
  'claude-opus-4-8': { ...rates(5, 25), fastMultiplier: 2 },
  'claude-opus-4-7': { ...rates(5, 25), fastMultiplier: 6 },
  'claude-opus-4-6': { ...rates(5, 25), fastMultiplier: 6 },
  'claude-opus-4-5': rates(5, 25),
  'claude-opus-4-1': rates(15, 75),
  'claude-opus-4': rates(15, 75),
  // models/sonnet-5-5: $2 / $10, writes $2.50 / $4, cache reads $0.20, read 2026-12-07
  'claude-sonnet-5-5': rates(2, 10),
  'claude-sonnet-5': rates(2, 10),
  'claude-sonnet-4-6': rates(3, 15),
  'claude-sonnet-4-5': { ...rates(3, 15), ...SONNET_4_LONG },
  'claude-sonnet-4': { ...rates(3, 15), ...SONNET_4_LONG },
  // models/haiku-5-5: prompts up to 100,000 tokens $0.10 / $0.50, writes $0.125 / $0.20;
  // a longer prompt (input + cache writes + reads) bills the whole request at $0.50 / $2.50,
  // writes $0.625; cache reads ($0.01 / $0.05) and the long tier's 1-hour writes ($1) as the
  // price lists that carry the model give them; read 2026-12-07
  'claude-haiku-5-5': { ...rates(0.1, 0.5), ...HAIKU_5_5_LONG },
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

/**
 * What may follow a key in a logged model id: a date (`-20251101`, Vertex's `@20251101`),
 * a Bedrock version (`-v1:0`), and the `-fast` the entries give fast-mode requests. A
 * context suffix (`[1m]`) is gone already (normaliseModel).
 */
const AFTER_KEY = /^(?:[-@]\d{8})?(?:-v\d{1,3}(?::\d{1,3})?)?(?:-fast)?$/;

function isModelOf(model: string, key: string): boolean {
  return model.startsWith(key) && AFTER_KEY.test(model.slice(key.length));
}

/** The key of `table` that `model` is (with a date or context suffix at most), or null. */
export function matchModel(model: string, table: Readonly<Record<string, unknown>>): string | null {
  const m = normaliseModel(model);
  let best: string | null = null;
  for (const key of Object.keys(table)) {
    const k = key.toLowerCase();
    if (isModelOf(m, k) && (best === null || k.length > best.length)) best = key;
  }
  return best;
}

export function overrideToPrice(o: PriceOverride): ModelPrice {
  return rates(o.input, o.output, o.cacheRead ?? o.input * 0.1, o.cacheWrite5m ?? o.input * 1.25, o.cacheWrite1h ?? o.input * 2);
}

/**
 * Looks up prices per model, once per distinct model name. Overrides (per model id,
 * matched as the table is; USD per million) win over the built-in table; a model found in neither
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
