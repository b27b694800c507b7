// The few fields a usage entry needs from one JSONL line.
//
// Lines are decoded as latin1 before JSON.parse: that is markedly faster than UTF-8
// and keeps the JSON structure intact (bytes of multi-byte characters are never quotes,
// backslashes or brackets); only the text of non-ASCII strings comes out garbled, and
// the fields used here (ids, model, times, token counts) are ASCII. The one text that
// is used, the content of usage-limit lines, is decoded again as UTF-8.

import type * as LogSchemas from '../schemas/claude-code-log';

/** What one line contributes. Strings are decoded; absent fields are undefined. */
export interface LineFields {
  timestamp?: string;
  requestId?: string;
  sessionId?: string;
  isSidechain?: boolean;
  isApiErrorMessage?: boolean;
  /** null when present but neither a string nor null */
  messageId?: string | null;
  model?: string;
  usage?: ParsedUsage;
  /** message.content, only for API error lines (usage-limit detection) */
  content?: unknown;
  /** the line's `error` and `apiError` words, only for lines read for limit walls */
  error?: string;
  apiError?: string;
  /** `quotaLimits`, else `apiErrorParams.rate_limit_info`, only for lines read for limit walls */
  quotaLimits?: Record<string, unknown>;
}

/** Token counts of one line; present only when input_tokens and output_tokens are numbers. */
export interface ParsedUsage {
  input: number;
  output: number;
  /** cache_creation_input_tokens */
  cacheWrite: number;
  /** cache_creation.ephemeral_1h_input_tokens */
  cacheWrite1h: number;
  cacheRead: number;
  /** usage.speed === "fast" */
  fast: boolean;
  /** usage.server_tool_use.web_search_requests (0 when absent) */
  webSearches: number;
  /** usage.inference_geo === "us" */
  usOnly: boolean;
}

function tokenCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}

let logSchemas: typeof LogSchemas | undefined;

/**
 * The web searches a `usage.server_tool_use` value reports. Nothing, or a count of 0 or
 * null, is 0 at once; any other value is read by the schema, loaded on first need (it
 * costs a worker thread's start otherwise).
 */
export function webSearchesOf(serverToolUse: unknown): number {
  if (serverToolUse === undefined || serverToolUse === null) return 0;
  if (typeof serverToolUse === 'object' && !Array.isArray(serverToolUse)) {
    const n = (serverToolUse as Record<string, unknown>).web_search_requests;
    if (n === undefined || n === null || n === 0) return 0;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first need, see above
  logSchemas ??= require('../schemas/claude-code-log') as typeof LogSchemas;
  return logSchemas.webSearchRequests(serverToolUse);
}

/** ParsedUsage of a decoded usage object, or undefined when it has no token counts. */
export function usageFromObject(u: unknown): ParsedUsage | undefined {
  if (!u || typeof u !== 'object') return undefined;
  const o = u as Record<string, unknown>;
  if (typeof o.input_tokens !== 'number' || typeof o.output_tokens !== 'number') return undefined;
  const split = o.cache_creation && typeof o.cache_creation === 'object' ? (o.cache_creation as Record<string, unknown>) : null;
  return {
    input: tokenCount(o.input_tokens),
    output: tokenCount(o.output_tokens),
    cacheWrite: tokenCount(o.cache_creation_input_tokens),
    cacheWrite1h: split ? tokenCount(split.ephemeral_1h_input_tokens) : 0,
    cacheRead: tokenCount(o.cache_read_input_tokens),
    fast: o.speed === 'fast',
    webSearches: webSearchesOf(o.server_tool_use),
    usOnly: o.inference_geo === US_ONLY_GEO,
  };
}

/** `usage.inference_geo` of a request served with US-only inference. */
export const US_ONLY_GEO = 'us';

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The fields of the JSON object line `buf[start, end)`, or null when the line is not a JSON object. */
export function parseLine(buf: Buffer, start: number, end: number): LineFields | null {
  let obj: unknown;
  try {
    obj = JSON.parse(buf.toString('latin1', start, end));
  } catch {
    return null;
  }
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const o = obj as Record<string, unknown>;
  const message = o.message && typeof o.message === 'object' ? (o.message as Record<string, unknown>) : undefined;
  const out: LineFields = {
    timestamp: str(o.timestamp),
    requestId: str(o.requestId),
    sessionId: str(o.sessionId),
    isSidechain: o.isSidechain === true,
    isApiErrorMessage: o.isApiErrorMessage === true,
  };
  if (message) {
    // null means absent, as in every field
    out.messageId = message.id === undefined || message.id === null ? undefined : (str(message.id) ?? null);
    out.model = str(message.model);
    out.usage = usageFromObject(message.usage);
    if (out.isApiErrorMessage || out.model === '<synthetic>') out.content = utf8Content(buf, start, end) ?? message.content;
  }
  return out;
}

/**
 * The fields of a line that may be a usage-limit wall: those of parseLine, the text
 * (decoded as UTF-8), the `error` / `apiError` words and the structured block. Every
 * field that is null counts as absent.
 */
export function parseWallLine(buf: Buffer, start: number, end: number): LineFields | null {
  const out = parseLine(buf, start, end);
  if (!out) return null;
  let obj: Record<string, unknown> | undefined;
  try {
    obj = record(JSON.parse(buf.toString('utf8', start, end)));
  } catch {
    return out;
  }
  if (!obj) return out;
  out.content = record(obj.message)?.content;
  out.error = str(obj.error);
  out.apiError = str(obj.apiError);
  out.quotaLimits = record(obj.quotaLimits) ?? record(record(obj.apiErrorParams)?.rate_limit_info);
  return out;
}

function utf8Content(buf: Buffer, start: number, end: number): unknown {
  try {
    const obj = JSON.parse(buf.toString('utf8', start, end)) as { message?: { content?: unknown } };
    return obj.message?.content;
  } catch {
    return undefined;
  }
}

/** How a ChunkReader gets its read buffer and the fields of each usage line. */
export interface LineParser {
  /**
   * A buffer of at least `size` bytes whose first `keep` bytes are those of `current`.
   * It may reuse `current`'s memory (the scanner keeps one buffer per parser): use only
   * the buffer it returns afterwards.
   */
  grow(current: Buffer, keep: number, size: number): Buffer;
  /** The fields of the one line `buf[start, end)`, or null when it is not a JSON object (readers use readLines). */
  parse(buf: Buffer, start: number, end: number): LineFields | null;
  /**
   * Calls `each` with the fields of every usage line of `buf[0, length)` (complete lines;
   * the last may lack its newline), or with null for one that is not a JSON object.
   */
  readLines(buf: Buffer, length: number, each: (fields: LineFields | null) => void): void;
}

/**
 * Every usage-limit wall line holds one of these: Claude Code writes walls as `<synthetic>`
 * lines, and the forms without that model carry `quotaLimits` or `apiError`. They may
 * also match elsewhere (a text, another key); such a line costs one parse and limitWall
 * decides. Short keys whose first byte is rare in JSONL are found several times faster
 * than whole keys (`"isApiErrorMessage":true`), which matters on every byte read.
 */
const WALL_KEYS = ['<synthetic>', 'Limits"', 'Error"'].map((k) => Buffer.from(k));

/**
 * Calls `each` with the fields (parseWallLine) of every line of `buf[0, length)` that
 * holds one of WALL_KEYS, once per line and in order; lines that are not JSON objects are
 * skipped (the usage pass counts those it looks at).
 */
export function readWallLines(buf: Buffer, length: number, each: (fields: LineFields) => void): void {
  const chunk = buf.subarray(0, length);
  let starts: number[] | null = null;
  for (const key of WALL_KEYS) {
    for (let from = 0; ; ) {
      const hit = chunk.indexOf(key, from);
      if (hit < 0) break;
      (starts ??= []).push(chunk.lastIndexOf(NEWLINE, hit) + 1);
      const end = chunk.indexOf(NEWLINE, hit);
      if (end < 0) break;
      from = end + 1;
    }
  }
  if (!starts) return;
  starts.sort((a, b) => a - b);
  let previous = -1;
  for (const start of starts) {
    if (start === previous) continue;
    previous = start;
    let end = chunk.indexOf(NEWLINE, start);
    if (end < 0) end = chunk.length;
    const fields = parseWallLine(chunk, start, end);
    if (fields) each(fields);
  }
}

const NEWLINE = 0x0a;
/**
 * Every line with usable token counts contains this key (usage needs output_tokens;
 * Claude Code writes compact JSON), and it cannot match inside a JSON string, where
 * quotes are escaped. Lines without it are skipped unparsed.
 */
const USAGE_KEY = Buffer.from('"output_tokens":');
/**
 * What the search looks for first: every usage object holds it (`input_tokens":`,
 * `output_tokens":`, …). Buffer#indexOf jumps between occurrences of a pattern's first
 * byte; `"` is the commonest byte of JSON and `_` a rare one, so finding this is about
 * twice as fast as finding USAGE_KEY, the check for which then runs on one line only.
 */
const CANDIDATE_KEY = Buffer.from('_tokens":');

/** The reference parser: JSON.parse of each line. */
export const jsonLineParser: LineParser = {
  grow(current, keep, size) {
    const bigger = Buffer.allocUnsafe(size);
    current.copy(bigger, 0, 0, keep);
    return bigger;
  },
  parse: parseLine,
  readLines(buf, length, each) {
    const chunk = buf.subarray(0, length);
    for (let from = 0; ; ) {
      const hit = chunk.indexOf(CANDIDATE_KEY, from);
      if (hit < 0) return;
      const start = chunk.lastIndexOf(NEWLINE, hit) + 1;
      let end = chunk.indexOf(NEWLINE, hit);
      if (end < 0) end = chunk.length;
      if (chunk.subarray(start, end).indexOf(USAGE_KEY) >= 0) each(parseLine(chunk, start, end));
      from = end + 1;
    }
  },
};
