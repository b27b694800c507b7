// AssemblyScript, compiled to line-scanner.wasm by scripts/build.js; used through
// ../line-scanner.ts. nextUsageLine() finds the next line of a buffer that can carry
// usage (see "Finding usage lines" below) and scans it; scan() alone checks one line.
//
// Checks one JSONL line with JSON.parse's grammar (over the latin1 text, as
// line-parser.ts reads it) and locates the few fields a usage entry needs, without
// building any objects: JSON.parse spends most of a first scan creating the keys,
// strings and objects of lines whose fields are then thrown away. Duplicate keys
// behave as in JSON.parse: the last one wins, and a later "message" (or "usage",
// "cache_creation") replaces everything found inside an earlier one.
//
// scan(start, end) answers
//   0  not a JSON object (invalid JSON, or valid JSON of another kind)
//   1  a JSON object; the slots hold each wanted field's type, position and value
//   2  valid so far but outside what this scanner decodes (an escaped key in an object
//      that has wanted keys, an escape in a wanted string, a wanted number that is not
//      a plain integer, very deep nesting): the caller parses the line with JSON.parse.

import {
  F_TIMESTAMP,
  F_REQUEST_ID,
  F_SESSION_ID,
  F_IS_SIDECHAIN,
  F_IS_API_ERROR,
  F_MESSAGE,
  F_MESSAGE_ID,
  F_MODEL,
  F_USAGE,
  F_INPUT,
  F_OUTPUT,
  F_CACHE_WRITE,
  F_CACHE_READ,
  F_SPEED,
  F_INFERENCE_GEO,
  F_CACHE_CREATION,
  F_CACHE_WRITE_1H,
  F_SERVER_TOOL_USE,
  F_WEB_SEARCH,
  FIELD_COUNT,
  T_STRING,
  T_NUMBER,
  T_TRUE,
  T_FALSE,
  T_NULL,
  T_OBJECT,
  T_ARRAY,
  NOT_OBJECT,
  FOUND,
  USE_JSON_PARSE,
} from './layout';

const NOT_WANTED = -1;

// Which object the scanner is in: only these have wanted keys.
const C_OTHER = 0;
const C_TOP = 1;
const C_MESSAGE = 2;
const C_USAGE = 3;
const C_CACHE_CREATION = 4;
const C_SERVER_TOOL_USE = 5;


/**
 * Per field: type (i32), start (i32), end (i32), value (f64, plain integers only); then
 * the start and end (i32) of the line nextUsageLine found. Each array has room for an
 * even number of fields, which keeps the f64 values 8-byte aligned.
 */
const SLOT_COUNT = (FIELD_COUNT + 1) & ~1;
const SLOTS = memory.data(SLOT_COUNT * 20 + 8, 16);
const TYPES = SLOTS;
const STARTS = SLOTS + SLOT_COUNT * 4;
const ENDS = SLOTS + SLOT_COUNT * 8;
const VALUES = SLOTS + SLOT_COUNT * 12;
const LINE_START = SLOTS + SLOT_COUNT * 20;
const LINE_END = LINE_START + 4;

/** One byte per open bracket: context << 1 | 1 for an object. */
const STACK_SIZE: usize = 4096;
const STACK = memory.data(<i32>STACK_SIZE);

/** Where the caller's line buffer starts; everything below is this module's. */
export const DATA_BASE: usize = 65536;

// Where the results are, for the caller's views.
export function fieldCount(): i32 {
  return FIELD_COUNT;
}
export function types(): usize {
  return TYPES;
}
export function starts(): usize {
  return STARTS;
}
export function ends(): usize {
  return ENDS;
}
export function values(): usize {
  return VALUES;
}
export function lineBounds(): usize {
  return LINE_START;
}

// Set by scanString: the string held an escape sequence.
let escaped = false;
// Set by scanNumber: the number was a non-negative integer without fraction or exponent.
let plain = false;

@inline function byteAt(p: usize, end: usize): i32 {
  return p < end ? <i32>load<u8>(p) : -1;
}

@inline function skipSpace(p: usize, end: usize): usize {
  while (p < end) {
    const c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
  return p;
}

@inline function isHex(c: i32): bool {
  return (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

/**
 * The position of the quote that closes the string whose text starts at `p`, or 0 when
 * the string is not valid JSON (unterminated, a control character, a bad escape).
 * Reads 16 bytes at a time; the caller keeps 16 readable bytes past `end`.
 */
function scanString(p: usize, end: usize): usize {
  escaped = false;
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  while (p < end) {
    const v = v128.load(p);
    const special = v128.or(v128.or(i8x16.eq(v, quote), i8x16.eq(v, backslash)), i8x16.lt_u(v, space));
    const mask = i8x16.bitmask(special);
    if (mask == 0) {
      p += 16;
      continue;
    }
    p += <usize>ctz(mask);
    if (p >= end) return 0;
    const c = load<u8>(p);
    if (c == 0x22) return p;
    if (c < 0x20) return 0;
    // a backslash
    escaped = true;
    const e = byteAt(p + 1, end);
    if (e == 0x75) {
      if (!isHex(byteAt(p + 2, end)) || !isHex(byteAt(p + 3, end)) || !isHex(byteAt(p + 4, end)) || !isHex(byteAt(p + 5, end))) return 0;
      p += 6;
    } else if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
      p += 2;
    } else return 0;
  }
  return 0;
}

@inline function keyIs(p: usize, len: usize, name: string): bool {
  if (len != <usize>name.length) return false;
  for (let i: usize = 0; i < len; i++) if (<i32>load<u8>(p + i) != <i32>name.charCodeAt(<i32>i)) return false;
  return true;
}

/** The wanted field named by the key `[p, p + len)` in an object of context `ctx`. */
function fieldOf(ctx: i32, p: usize, len: usize): i32 {
  if (ctx == C_TOP) {
    if (keyIs(p, len, 'timestamp')) return F_TIMESTAMP;
    if (keyIs(p, len, 'requestId')) return F_REQUEST_ID;
    if (keyIs(p, len, 'sessionId')) return F_SESSION_ID;
    if (keyIs(p, len, 'message')) return F_MESSAGE;
    if (keyIs(p, len, 'isSidechain')) return F_IS_SIDECHAIN;
    if (keyIs(p, len, 'isApiErrorMessage')) return F_IS_API_ERROR;
  } else if (ctx == C_MESSAGE) {
    if (keyIs(p, len, 'id')) return F_MESSAGE_ID;
    if (keyIs(p, len, 'model')) return F_MODEL;
    if (keyIs(p, len, 'usage')) return F_USAGE;
  } else if (ctx == C_USAGE) {
    if (keyIs(p, len, 'input_tokens')) return F_INPUT;
    if (keyIs(p, len, 'output_tokens')) return F_OUTPUT;
    if (keyIs(p, len, 'cache_creation_input_tokens')) return F_CACHE_WRITE;
    if (keyIs(p, len, 'cache_read_input_tokens')) return F_CACHE_READ;
    if (keyIs(p, len, 'cache_creation')) return F_CACHE_CREATION;
    if (keyIs(p, len, 'speed')) return F_SPEED;
    if (keyIs(p, len, 'server_tool_use')) return F_SERVER_TOOL_USE;
    if (keyIs(p, len, 'inference_geo')) return F_INFERENCE_GEO;
  } else if (ctx == C_CACHE_CREATION) {
    if (keyIs(p, len, 'ephemeral_1h_input_tokens')) return F_CACHE_WRITE_1H;
  } else if (ctx == C_SERVER_TOOL_USE) {
    if (keyIs(p, len, 'web_search_requests')) return F_WEB_SEARCH;
  }
  return NOT_WANTED;
}

/** The context of an object that is the value of `field`. */
function contextOf(field: i32): i32 {
  if (field == F_MESSAGE) return C_MESSAGE;
  if (field == F_USAGE) return C_USAGE;
  if (field == F_CACHE_CREATION) return C_CACHE_CREATION;
  if (field == F_SERVER_TOOL_USE) return C_SERVER_TOOL_USE;
  return C_OTHER;
}

/** One past the last field inside the container `field`. */
function containerEnd(field: i32): i32 {
  if (field == F_CACHE_CREATION) return F_CACHE_WRITE_1H + 1;
  if (field == F_SERVER_TOOL_USE) return F_WEB_SEARCH + 1;
  return FIELD_COUNT; // message and usage hold every field after them
}

/** Records a value of `field`; a new value of a container forgets what its earlier value held. */
@inline function record(field: i32, type: i32, start: usize, end: usize): void {
  store<i32>(TYPES + (<usize>field << 2), type);
  store<i32>(STARTS + (<usize>field << 2), <i32>start);
  store<i32>(ENDS + (<usize>field << 2), <i32>end);
  if (contextOf(field) != C_OTHER) for (let f = field + 1, end = containerEnd(field); f < end; f++) store<i32>(TYPES + (<usize>f << 2), 0);
}

@inline function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

/** The position after the JSON number starting at `p`, or 0 when there is none; sets `plain`. */
function scanNumber(p: usize, end: usize): usize {
  plain = true;
  if (byteAt(p, end) == 0x2d) {
    plain = false;
    p++;
  }
  const first = byteAt(p, end);
  if (first == 0x30) p++;
  else if (first >= 0x31 && first <= 0x39) {
    do p++;
    while (isDigit(byteAt(p, end)));
  } else return 0;
  if (byteAt(p, end) == 0x2e) {
    plain = false;
    p++;
    if (!isDigit(byteAt(p, end))) return 0;
    do p++;
    while (isDigit(byteAt(p, end)));
  }
  const e = byteAt(p, end);
  if (e == 0x65 || e == 0x45) {
    plain = false;
    p++;
    const sign = byteAt(p, end);
    if (sign == 0x2b || sign == 0x2d) p++;
    if (!isDigit(byteAt(p, end))) return 0;
    do p++;
    while (isDigit(byteAt(p, end)));
  }
  return p;
}

/** Whether the bytes at `p` (before `end`) spell `word`. */
@inline function isWord(p: usize, end: usize, word: string): bool {
  return p + <usize>word.length <= end && keyIs(p, <usize>word.length, word);
}

// Parser states
const S_VALUE = 0;
const S_KEY = 1;
const S_AFTER_VALUE = 2;

export function scan(start: usize, end: usize): i32 {
  for (let f = 0; f < FIELD_COUNT; f++) store<i32>(TYPES + (<usize>f << 2), 0);
  let p = skipSpace(start, end);
  if (byteAt(p, end) != 0x7b) return NOT_OBJECT;
  p++;
  let depth: usize = 1;
  let top: i32 = (C_TOP << 1) | 1;
  store<u8>(STACK, <u8>top);
  let field = NOT_WANTED;
  let state = S_KEY;
  // an empty object
  p = skipSpace(p, end);
  if (byteAt(p, end) == 0x7d) {
    p++;
    state = S_AFTER_VALUE;
    depth = 0;
  }
  for (;;) {
    if (state == S_KEY) {
      p = skipSpace(p, end);
      if (byteAt(p, end) != 0x22) return NOT_OBJECT;
      const keyStart = p + 1;
      const close = scanString(keyStart, end);
      if (close == 0) return NOT_OBJECT;
      const ctx = top >> 1;
      if (ctx != C_OTHER) {
        if (escaped) return USE_JSON_PARSE;
        field = fieldOf(ctx, keyStart, close - keyStart);
      } else field = NOT_WANTED;
      p = skipSpace(close + 1, end);
      if (byteAt(p, end) != 0x3a) return NOT_OBJECT;
      p++;
      state = S_VALUE;
      continue;
    }
    if (state == S_VALUE) {
      p = skipSpace(p, end);
      const c = byteAt(p, end);
      if (c == 0x7b || c == 0x5b) {
        const isObject = c == 0x7b;
        if (field != NOT_WANTED) record(field, isObject ? T_OBJECT : T_ARRAY, p, p);
        if (depth >= STACK_SIZE) return USE_JSON_PARSE;
        top = isObject ? (contextOf(field) << 1) | 1 : C_OTHER << 1;
        store<u8>(STACK + depth, <u8>top);
        depth++;
        p = skipSpace(p + 1, end);
        const next = byteAt(p, end);
        if (next == (isObject ? 0x7d : 0x5d)) {
          p++;
          depth--;
          top = <i32>load<u8>(STACK + depth - 1);
          state = S_AFTER_VALUE;
        } else if (isObject) state = S_KEY;
        else field = NOT_WANTED;
        continue;
      }
      if (c == 0x22) {
        const close = scanString(p + 1, end);
        if (close == 0) return NOT_OBJECT;
        if (field != NOT_WANTED) {
          if (escaped) return USE_JSON_PARSE;
          record(field, T_STRING, p + 1, close);
        }
        p = close + 1;
      } else if (c == 0x2d || isDigit(c)) {
        const after = scanNumber(p, end);
        if (after == 0) return NOT_OBJECT;
        if (field != NOT_WANTED) {
          if (!plain || after - p > 15) return USE_JSON_PARSE;
          let value: f64 = 0;
          for (let i = p; i < after; i++) value = value * 10 + <f64>(load<u8>(i) - 0x30);
          record(field, T_NUMBER, p, after);
          store<f64>(VALUES + (<usize>field << 3), value);
        }
        p = after;
      } else if (isWord(p, end, 'true')) {
        if (field != NOT_WANTED) record(field, T_TRUE, p, p + 4);
        p += 4;
      } else if (isWord(p, end, 'false')) {
        if (field != NOT_WANTED) record(field, T_FALSE, p, p + 5);
        p += 5;
      } else if (isWord(p, end, 'null')) {
        if (field != NOT_WANTED) record(field, T_NULL, p, p + 4);
        p += 4;
      } else return NOT_OBJECT;
      state = S_AFTER_VALUE;
      continue;
    }
    // S_AFTER_VALUE
    p = skipSpace(p, end);
    if (depth == 0) return p == end ? FOUND : NOT_OBJECT;
    const c = byteAt(p, end);
    if (c == 0x2c) {
      p++;
      if (top & 1) state = S_KEY;
      else {
        field = NOT_WANTED;
        state = S_VALUE;
      }
    } else if (c == ((top & 1) ? 0x7d : 0x5d)) {
      p++;
      depth--;
      if (depth > 0) top = <i32>load<u8>(STACK + depth - 1);
    } else return NOT_OBJECT;
  }
  return NOT_OBJECT; // not reached: the loop only returns
}

// Finding usage lines. Every line with usable token counts holds `"output_tokens":`
// (usage needs output_tokens; Claude Code writes compact JSON), which cannot occur
// inside a JSON string, where quotes are escaped. The search looks for `_tokens":`
// (every usage key ends so; `_` is a rare byte) and checks that line for the full key.
const TOKENS_KEY_HEAD: u64 = 0x22736e656b6f745f; // `_tokens"` little-endian; then `:`
const OUTPUT_KEY_HEAD: u64 = 0x5f74757074756f22; // `"output_` little-endian

const NO_LINE = -1;

/** The first `_tokens":` at or after `p` that ends before `end`, or `end`. */
function findTokensKey(p: usize, end: usize): usize {
  const first = i8x16.splat(0x5f);
  const last = i8x16.splat(0x3a);
  while (p + 9 <= end) {
    let mask = i8x16.bitmask(v128.and(i8x16.eq(v128.load(p), first), i8x16.eq(v128.load(p + 8), last)));
    while (mask != 0) {
      const i = p + <usize>ctz(mask);
      if (i + 9 > end) return end;
      if (load<u64>(i) == TOKENS_KEY_HEAD) return i;
      mask &= mask - 1;
    }
    p += 16;
  }
  return end;
}

/** The position after the last newline in [from, p), or `from`. */
function lineStartBefore(p: usize, from: usize): usize {
  const newline = i8x16.splat(0x0a);
  while (p >= from + 16) {
    p -= 16;
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p), newline));
    if (mask != 0) return p + 32 - <usize>clz(mask);
  }
  while (p > from) {
    p--;
    if (load<u8>(p) == 0x0a) return p + 1;
  }
  return from;
}

/** The position of the first newline in [p, end), or `end`. */
function lineEndAfter(p: usize, end: usize): usize {
  const newline = i8x16.splat(0x0a);
  while (p < end) {
    const mask = i8x16.bitmask(i8x16.eq(v128.load(p), newline));
    if (mask != 0) {
      const i = p + <usize>ctz(mask);
      return i < end ? i : end;
    }
    p += 16;
  }
  return end;
}

/**
 * Whether the line [start, end) holds `"output_tokens":`, given `first`, its first
 * `_tokens":` (an earlier `"output_tokens":` would have held one).
 */
function hasOutputTokensKey(start: usize, first: usize, end: usize): bool {
  for (let i = first; i < end; i = findTokensKey(i + 1, end)) {
    if (i >= start + 7 && load<u64>(i - 7) == OUTPUT_KEY_HEAD) return true;
  }
  return false;
}

/**
 * Finds the next usage line in [from, end) (complete lines, the last one may lack its
 * newline), records its bounds and scans it: answers scan()'s result, or -1 when there
 * is no usage line left.
 */
export function nextUsageLine(from: usize, end: usize): i32 {
  for (let p = from; ; ) {
    const key = findTokensKey(p, end);
    if (key >= end) return NO_LINE;
    const start = lineStartBefore(key, from);
    const lineEnd = lineEndAfter(key, end);
    if (hasOutputTokensKey(start, key, lineEnd)) {
      store<i32>(LINE_START, <i32>start);
      store<i32>(LINE_END, <i32>lineEnd);
      return scan(start, lineEnd);
    }
    p = lineEnd + 1;
  }
  return NO_LINE; // not reached
}

/** End of this module's own data; the caller checks it lies below DATA_BASE. */
export function heapBase(): usize {
  return __heap_base;
}
