// 5-hour session blocks, as `ccusage blocks` (ccusage 20) computes them: a block
// starts at the UTC hour floor of its first entry and lasts 5 hours; an entry more
// than 5 hours after the block's start or after the previous entry starts a new one.
import { HOUR_MS, MINUTE_MS, SESSION_WINDOW_MS } from '../constants';
import { entryTokens, type UsageEntry } from './entries';

export const BLOCK_MS = SESSION_WINDOW_MS;

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
}

export interface BurnRate {
  tokensPerMinute: number;
  /** input + output tokens per minute (cache tokens left out), as ccusage prints it */
  tokensPerMinuteForIndicator: number;
  costPerHour: number;
}

export interface Projection {
  totalTokens: number;
  totalCost: number;
  remainingMinutes: number;
}

/** The field names of `ccusage blocks --json`. */
export interface Block {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: false;
  entries: number;
  tokenCounts: TokenCounts;
  totalTokens: number;
  costUSD: number;
  models: string[];
  burnRate: BurnRate | null;
  projection: Projection | null;
  /** when a usage-limit line in the block says the limit lifts */
  usageLimitResetTime?: string;
}

export interface UsageLimitHint {
  at: number;
  resetsAt: string | null;
}

function floorToHour(t: number): number {
  return Math.floor(t / HOUR_MS) * HOUR_MS;
}

/** A block as its entries make it; whether it is active depends on the time it is looked at. */
export interface BlockShape {
  block: Block;
  firstT: number;
  lastT: number;
}

/** Groups time-sorted entries into blocks (no gap blocks), each still inactive. */
export function groupBlocks(sorted: UsageEntry[], limits: UsageLimitHint[] = []): BlockShape[] {
  const shapes: BlockShape[] = [];
  let start = 0;
  let first = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i].t;
    if (i > first && (t - start > BLOCK_MS || t - sorted[i - 1].t > BLOCK_MS)) {
      shapes.push(makeShape(sorted, first, i, start));
      first = i;
    }
    if (i === first) start = floorToHour(t);
  }
  if (sorted.length) shapes.push(makeShape(sorted, first, sorted.length, start));
  attachLimitResets(
    shapes.map((s) => s.block),
    limits,
  );
  return shapes;
}

/** The blocks as they stand at `now`: fresh objects, the shapes are left as they are. */
export function blocksAt(shapes: readonly BlockShape[], now: number): Block[] {
  return shapes.map(({ block, firstT, lastT }) => {
    const b: Block = { ...block, tokenCounts: { ...block.tokenCounts }, models: [...block.models] };
    b.isActive = now - lastT < BLOCK_MS && now < Date.parse(b.endTime);
    if (b.isActive) {
      b.burnRate = burnRate(b, firstT, lastT);
      b.projection = b.burnRate && projection(b, b.burnRate, now);
    }
    return b;
  });
}

/** Groups time-sorted entries into blocks (no gap blocks) as they stand at `now`. */
export function buildBlocks(sorted: UsageEntry[], now: number, limits: UsageLimitHint[] = []): Block[] {
  return blocksAt(groupBlocks(sorted, limits), now);
}

function makeShape(sorted: UsageEntry[], from: number, to: number, start: number): BlockShape {
  const tokenCounts: TokenCounts = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  let costUSD = 0;
  const models: string[] = [];
  for (let i = from; i < to; i++) {
    const e = sorted[i];
    tokenCounts.inputTokens += e.input;
    tokenCounts.outputTokens += e.output;
    tokenCounts.cacheCreationInputTokens += e.cacheWrite;
    tokenCounts.cacheReadInputTokens += e.cacheRead;
    costUSD += e.costUSD;
    if (e.model !== '<synthetic>' && !models.includes(e.model)) models.push(e.model);
  }
  const lastT = sorted[to - 1].t;
  const block: Block = {
    id: new Date(start).toISOString(),
    startTime: new Date(start).toISOString(),
    endTime: new Date(start + BLOCK_MS).toISOString(),
    actualEndTime: new Date(lastT).toISOString(),
    isActive: false,
    isGap: false,
    entries: to - from,
    tokenCounts,
    totalTokens: tokenCounts.inputTokens + tokenCounts.outputTokens + tokenCounts.cacheCreationInputTokens + tokenCounts.cacheReadInputTokens,
    costUSD,
    models,
    burnRate: null,
    projection: null,
  };
  return { block, firstT: sorted[from].t, lastT };
}

/** Rates over the span from the block's first to its last entry; null when that span is empty. */
export function burnRate(block: Block, firstT: number, lastT: number): BurnRate | null {
  const minutes = (lastT - firstT) / MINUTE_MS;
  if (minutes <= 0) return null;
  return {
    tokensPerMinute: block.totalTokens / minutes,
    tokensPerMinuteForIndicator: (block.tokenCounts.inputTokens + block.tokenCounts.outputTokens) / minutes,
    costPerHour: (block.costUSD / minutes) * 60,
  };
}

/** Where the block ends up if the burn rate holds until its end. */
export function projection(block: Block, rate: BurnRate, now: number): Projection {
  const remaining = Math.max(0, (Date.parse(block.endTime) - now) / MINUTE_MS);
  return {
    totalTokens: Math.round(block.totalTokens + rate.tokensPerMinute * remaining),
    totalCost: Math.round((block.costUSD + (rate.costPerHour / 60) * remaining) * 100) / 100,
    remainingMinutes: Math.round(remaining),
  };
}

function attachLimitResets(blocks: Block[], limits: UsageLimitHint[]): void {
  if (!limits.length || !blocks.length) return;
  // The block's first usage-limit line with a reset time tells when the limit lifts (as ccusage).
  const byTime = limits.filter((l) => l.resetsAt).sort((a, b) => a.at - b.at);
  for (const limit of byTime) {
    const block = blocks.find((b) => limit.at >= Date.parse(b.startTime) && limit.at <= Date.parse(b.actualEndTime ?? b.endTime));
    if (block && !block.usageLimitResetTime) block.usageLimitResetTime = limit.resetsAt as string;
  }
}

export { entryTokens };
