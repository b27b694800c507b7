// Equivalent API prices of Claude models, and the cost of one logged request.
//
// Rates are USD per million tokens, as Anthropic publishes them
// (https://platform.claude.com/docs/en/about-claude/pricing). The table is data: one row
// per model and price, with the date the price takes effect and where it is published. A
// request is priced by the row of its model whose `from` is the latest at or before the
// request's time, so a price change applies from its date and earlier usage keeps the
// old price; a request older than a model's first row takes that first row.
//
// They match what ccusage 20 prices offline, with deliberate differences: a model id
// matches a key only with a date or context suffix after it (never an older version's
// key); the long-context tier of Sonnet 4 and 4.5 follows Anthropic's rule (a request
// whose prompt — input + cache writes + cache reads — exceeds 200k tokens is billed
// entirely at the long-context rates), where ccusage prices each field's first 200k at
// the base rate; web search requests are billed per search; and a request served with
// US-only inference pays its model's multiplier on every token rate.

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
  /** USD per web search request (`usage.server_tool_use.web_search_requests`); absent: not billed. */
  webSearch?: number;
  /** Multiplier on every token rate of a request served with `inference_geo: "us"`; absent: 1. */
  usOnlyMultiplier?: number;
}

/** One price of one model: from `from` on, until the model's next row. */
export interface PriceRow extends ModelPrice {
  /** the key a logged model id matches (see matchModel) */
  model: string;
  /** ISO date (UTC) the price takes effect */
  from: string;
  /** where the price is published */
  source: string;
}

/** A user's override: input/output required, cache rates default to 1.25× / 2× / 0.1× input. */
export interface PriceOverride {
  input: number;
  output: number;
  cacheWrite5m?: number;
  cacheWrite1h?: number;
  cacheRead?: number;
  /** USD per web search request; absent: searches are not billed */
  webSearch?: number;
  /** multiplier on every token rate for `inference_geo: "us"`; absent: 1 */
  usOnlyMultiplier?: number;
}

/** Standard prompt-caching multipliers: 5-minute writes 1.25×, 1-hour writes 2×, reads 0.1× the input rate. */
function rates(input: number, output: number, cacheRead = input * 0.1, cacheWrite5m = input * 1.25, cacheWrite1h = input * 2): Rates {
  return { input, output, cacheWrite5m, cacheWrite1h, cacheRead };
}

/** Web search: $10 per 1,000 searches, on top of the tokens (pricing page, "Web search tool"). */
const WEB_SEARCH = 10 / 1000;

/**
 * US-only inference (`inference_geo: "us"`): 1.1× on every token rate — input, output,
 * cache writes and reads, long-context rates included — for Claude Opus 4.6 and the models
 * released after it; earlier models keep their price (pricing page, "Data residency pricing").
 */
const US_ONLY = { usOnlyMultiplier: 1.1 };

const SONNET_4_LONG: Pick<ModelPrice, 'longContextThreshold' | 'longContext'> = {
  longContextThreshold: 200_000,
  longContext: rates(6, 22.5),
};

const HAIKU_5_5_LONG: Pick<ModelPrice, 'longContextThreshold' | 'longContext'> = {
  longContextThreshold: 100_000,
  longContext: rates(0.5, 2.5),
};

const PRICING = 'platform.claude.com/docs/en/about-claude/pricing';
const page = (id: string): string => `platform.claude.com/docs/en/models/${id}/overview`;

function row(model: string, from: string, source: string, price: ModelPrice): PriceRow {
  return { model, from, source, webSearch: WEB_SEARCH, ...price };
}

/**
 * The price table. Keys are model ids without date or context suffix; a logged model
 * matches a key only when it is the key, or the key followed by a date (`-20251101`) or
 * a context suffix (`[1m]`), so a newer version is never priced as an older one. A
 * model's first row starts at its release, as its page gives it: earlier requests take
 * the first row too, so that date never changes a figure. To record a price change, add
 * a row with the new price and the date it takes effect.
 */
export const PRICE_TABLE: readonly PriceRow[] = [
  // $8 / $40; writes at the standard 1.25× / 2×; cache reads $0.20 (0.025×), as every price
  // list that carries the model gives them
  row('claude-fable-5-2', '2026-11-09', page('fable-5-2'), { ...rates(8, 40, 0.2), ...US_ONLY }),
  row('claude-fable-5-1', '2026-09-01', PRICING, { ...rates(10, 50, 0.25), ...US_ONLY }),
  row('claude-fable-5', '2026-06-09', page('fable-5'), { ...rates(10, 50, 1), ...US_ONLY }),
  // Mythos shares Fable's specifications and prices (models/fable-5/overview)
  row('claude-mythos-5-2', '2026-11-09', page('fable-5-2'), { ...rates(8, 40, 0.2), ...US_ONLY }),
  row('claude-mythos-5-1', '2026-09-01', PRICING, { ...rates(10, 50, 0.25), ...US_ONLY }),
  row('claude-mythos-5', '2026-06-09', page('fable-5'), { ...rates(10, 50, 1), ...US_ONLY }),
  // $4 / $20, writes $5 / $8, cache reads $0.20 (0.05×); first listed 2026-09-24
  row('claude-opus-5-5', '2026-09-24', page('opus-5-5'), { ...rates(4, 20, 0.2), ...US_ONLY }),
  row('claude-opus-5', '2026-07-24', page('opus-5'), { ...rates(5, 25), fastMultiplier: 2, ...US_ONLY }),
  row('claude-opus-4-8', '2026-05-28', page('opus-4-8'), { ...rates(5, 25), fastMultiplier: 2, ...US_ONLY }),
  row('claude-opus-4-7', '2026-04-16', PRICING, { ...rates(5, 25), fastMultiplier: 6, ...US_ONLY }),
  row('claude-opus-4-6', '2026-02-05', PRICING, { ...rates(5, 25), fastMultiplier: 6, ...US_ONLY }),
  row('claude-opus-4-5', '2025-11-24', PRICING, rates(5, 25)),
  row('claude-opus-4-1', '2025-08-05', PRICING, rates(15, 75)),
  row('claude-opus-4', '2025-05-22', PRICING, rates(15, 75)),
  // $2 / $10, writes $2.50 / $4, cache reads $0.20
  row('claude-sonnet-5-5', '2026-09-28', page('sonnet-5-5'), { ...rates(2, 10), ...US_ONLY }),
  row('claude-sonnet-5', '2026-06-30', page('sonnet-5'), { ...rates(2, 10), ...US_ONLY }),
  row('claude-sonnet-4-6', '2026-02-17', PRICING, { ...rates(3, 15), ...US_ONLY }),
  row('claude-sonnet-4-5', '2025-09-29', PRICING, { ...rates(3, 15), ...SONNET_4_LONG }),
  row('claude-sonnet-4', '2025-05-22', PRICING, { ...rates(3, 15), ...SONNET_4_LONG }),
  // prompts up to 100,000 tokens $0.10 / $0.50, writes $0.125 / $0.20; a longer prompt
  // (input + cache writes + reads) bills the whole request at $0.50 / $2.50, writes $0.625;
  // cache reads ($0.01 / $0.05) and the long tier's 1-hour writes ($1) as the price lists
  // that carry the model give them
  row('claude-haiku-5-5', '2026-10-07', page('haiku-5-5'), { ...rates(0.1, 0.5), ...HAIKU_5_5_LONG, ...US_ONLY }),
  row('claude-haiku-4-5', '2025-10-15', page('haiku-4-5'), rates(1, 5)),
  row('claude-3-7-sonnet', '2025-02-24', PRICING, rates(3, 15)),
  row('claude-3-5-sonnet', '2024-06-20', PRICING, rates(3, 15)),
  // the price list's price; the launch price ($1 / $5, cut weeks later) has no published date
  row('claude-3-5-haiku', '2024-11-04', PRICING, rates(0.8, 4, 0.08, 1, 1.6)),
  row('claude-3-opus', '2024-03-04', PRICING, rates(15, 75)),
  row('claude-3-haiku', '2024-03-13', PRICING, rates(0.25, 1.25, 0.03, 0.3, 0.5)),
];

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

/** What else of a request changes its price. */
export interface RequestTerms {
  /** logged with `usage.speed: "fast"` */
  fast?: boolean;
  /** `usage.server_tool_use.web_search_requests` */
  webSearches?: number;
  /** served with `inference_geo: "us"` */
  usOnly?: boolean;
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
  const price: ModelPrice = rates(o.input, o.output, o.cacheRead ?? o.input * 0.1, o.cacheWrite5m ?? o.input * 1.25, o.cacheWrite1h ?? o.input * 2);
  if (o.webSearch !== undefined) price.webSearch = o.webSearch;
  if (o.usOnlyMultiplier !== undefined) price.usOnlyMultiplier = o.usOnlyMultiplier;
  return price;
}

/** A model's prices by time: `prices[i]` applies from `starts[i]` (epoch ms) on. */
export interface PriceTimeline {
  starts: number[];
  prices: ModelPrice[];
}

/** The price of `timeline` at `at` (epoch ms): the latest row at or before it, else the first. */
export function priceAt(timeline: PriceTimeline, at: number): ModelPrice {
  const { starts, prices } = timeline;
  // NaN compares false: an unknown time takes the first row
  if (prices.length === 1 || !(at >= starts[1])) return prices[0];
  let lo = 1;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return prices[lo];
}

/** Each model's rows sorted by date; throws on a row without a valid date or source, or two rows of one model on one date. */
export function buildTimelines(table: readonly PriceRow[]): Record<string, PriceTimeline> {
  const byModel: Record<string, Array<{ start: number; row: PriceRow }>> = Object.create(null);
  for (const row of table) {
    const start = /^\d{4}-\d{2}-\d{2}$/.test(row.from) ? Date.parse(`${row.from}T00:00:00Z`) : NaN;
    if (Number.isNaN(start)) throw new Error(`price table: ${row.model}: "${row.from}" is not a date (YYYY-MM-DD)`);
    if (!row.source) throw new Error(`price table: ${row.model} from ${row.from} names no source`);
    (byModel[row.model] ??= []).push({ start, row });
  }
  const out: Record<string, PriceTimeline> = Object.create(null);
  for (const [model, rows] of Object.entries(byModel)) {
    rows.sort((a, b) => a.start - b.start);
    for (let i = 1; i < rows.length; i++) {
      if (rows[i].start === rows[i - 1].start) throw new Error(`price table: ${model} has two rows from ${rows[i].row.from}`);
    }
    out[model] = { starts: rows.map((r) => r.start), prices: rows.map((r) => r.row) };
  }
  return out;
}

const BUILT_IN = buildTimelines(PRICE_TABLE);

/**
 * Looks up prices per model, once per distinct model name. Overrides (per model id,
 * matched as the table is; USD per million) win over the built-in table at every date; a
 * model found in neither costs 0 and is listed in `unknownModels`.
 */
export class Pricer {
  private readonly cache = new Map<string, PriceTimeline | null>();
  readonly unknownModels = new Set<string>();
  private readonly overrides: Record<string, PriceTimeline>;
  private readonly table: Record<string, PriceTimeline>;

  constructor(
    readonly overridesGiven: Record<string, PriceOverride> = {},
    /** the price table (tests give their own) */
    table?: readonly PriceRow[],
  ) {
    this.table = table ? buildTimelines(table) : BUILT_IN;
    this.overrides = Object.create(null);
    for (const [model, o] of Object.entries(overridesGiven)) this.overrides[normaliseModel(model)] = { starts: [-Infinity], prices: [overrideToPrice(o)] };
  }

  /** A model's prices by time, or null when neither the overrides nor the table have it. */
  timelineOf(model: string): PriceTimeline | null {
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit;
    const own = matchModel(model, this.overrides);
    const builtIn = own ? null : matchModel(model, this.table);
    const timeline = own ? this.overrides[own] : builtIn ? this.table[builtIn] : null;
    if (!timeline && model !== '<synthetic>') this.unknownModels.add(model);
    this.cache.set(model, timeline);
    return timeline;
  }

  /** The price of `model` for a request at `at` (epoch ms), or null when unknown. */
  priceOf(model: string, at: number): ModelPrice | null {
    const timeline = this.timelineOf(model);
    return timeline ? priceAt(timeline, at) : null;
  }

  /** USD cost of a request to `model` at `at` (epoch ms). */
  cost(model: string, tokens: RequestTokens, at: number, terms?: RequestTerms): number {
    const price = this.priceOf(model, at);
    return price ? requestCost(price, tokens, terms) : 0;
  }
}

/** USD cost of one request. */
export function requestCost(price: ModelPrice, t: RequestTokens, terms?: RequestTerms): number {
  const prompt = t.input + t.cacheWrite + t.cacheRead;
  const r: Rates = price.longContext && price.longContextThreshold !== undefined && prompt > price.longContextThreshold ? price.longContext : price;
  const write1h = Math.min(t.cacheWrite1h, t.cacheWrite);
  let usd = (t.input * r.input + t.output * r.output + (t.cacheWrite - write1h) * r.cacheWrite5m + write1h * r.cacheWrite1h + t.cacheRead * r.cacheRead) / 1e6;
  if (!terms) return usd;
  if (terms.fast && price.fastMultiplier) usd *= price.fastMultiplier;
  if (terms.usOnly && price.usOnlyMultiplier) usd *= price.usOnlyMultiplier;
  if (terms.webSearches && price.webSearch) usd += terms.webSearches * price.webSearch;
  return usd;
}
