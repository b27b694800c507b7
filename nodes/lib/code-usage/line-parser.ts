// Pulls the few fields a usage entry needs out of one JSONL line without building
// the whole object: the bulky parts of a Claude Code line (message content, tool
// results) are skipped by jumping from quote to quote. Lines the scanner cannot
// follow fall back to JSON.parse, so the result never depends on key order.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** What one line contributes. Strings are decoded; absent fields are undefined. */
export interface LineFields {
  timestamp?: string;
  requestId?: string;
  sessionId?: string;
  isSidechain?: boolean;
  isApiErrorMessage?: boolean;
  /** null when present but not a string */
  messageId?: string | null;
  model?: string;
  usage?: ParsedUsage;
  /** message.content, only decoded for API error lines (usage-limit detection) */
  content?: unknown;
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
}

function tokenCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
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
  };
}

class Malformed extends Error {}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Index of the closing quote of the string whose opening quote is at `open`. */
function stringEnd(buf: Buffer, open: number, end: number): number {
  // Keys, ids and short values end within a few dozen bytes: a plain loop beats a native
  // call there; long text is left to indexOf (memchr).
  const near = Math.min(end, open + 96);
  let i = open + 1;
  for (; i < near; i++) {
    if (buf[i] === QUOTE && !escaped(buf, open, i)) return i;
  }
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    if (q < 0 || q >= end) throw new Malformed();
    if (!escaped(buf, open, q)) return q;
    i = q + 1;
  }
}

/** Whether the quote at `q` is escaped (preceded by an odd number of backslashes). */
function escaped(buf: Buffer, open: number, q: number): boolean {
  let slashes = 0;
  for (let j = q - 1; j > open && buf[j] === BACKSLASH; j--) slashes++;
  return (slashes & 1) === 1;
}

/** Index just past the value starting at `i` (after white space). */
function skipValue(buf: Buffer, i: number, end: number): number {
  const c = buf[i];
  if (c === QUOTE) return stringEnd(buf, i, end) + 1;
  if (c === LBRACE || c === LBRACKET) {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const b = buf[j];
      if (b === QUOTE) j = stringEnd(buf, j, end);
      else if (b === LBRACE || b === LBRACKET) depth++;
      else if (b === RBRACE || b === RBRACKET) {
        if (--depth === 0) return j + 1;
      }
    }
    throw new Malformed();
  }
  let j = i;
  while (j < end) {
    const b = buf[j];
    if (b === COMMA || b === RBRACE || b === RBRACKET || isSpace(b)) break;
    j++;
  }
  if (j === i) throw new Malformed();
  return j;
}

function skipSpace(buf: Buffer, i: number, end: number): number {
  while (i < end && isSpace(buf[i])) i++;
  return i;
}

function keyIs(buf: Buffer, start: number, stop: number, key: string): boolean {
  if (stop - start !== key.length) return false;
  for (let k = 0; k < key.length; k++) if (buf[start + k] !== key.charCodeAt(k)) return false;
  return true;
}

function stringValue(buf: Buffer, i: number, end: number): string | undefined {
  if (buf[i] !== QUOTE) return undefined;
  const close = stringEnd(buf, i, end);
  for (let k = i + 1; k < close; k++) {
    // Ids, models and timestamps are plain ASCII; anything else goes through JSON.parse.
    if (buf[k] === BACKSLASH || buf[k] > 0x7f) return JSON.parse(buf.toString('utf8', i, close + 1)) as string;
  }
  return buf.toString('latin1', i + 1, close);
}

function literalTrue(buf: Buffer, i: number): boolean {
  return buf[i] === 0x74; // t(rue)
}

/**
 * Walks the members of the object at `i` and calls `member(keyStart, keyEnd, valueStart)`;
 * the callback returns the index just past the value (or -1 to have it skipped).
 */
function walkObject(buf: Buffer, i: number, end: number, member: (ks: number, ke: number, vs: number) => number): number {
  if (buf[i] !== LBRACE) throw new Malformed();
  i = skipSpace(buf, i + 1, end);
  if (buf[i] === RBRACE) return i + 1;
  for (;;) {
    if (buf[i] !== QUOTE) throw new Malformed();
    const ke = stringEnd(buf, i, end);
    let v = skipSpace(buf, ke + 1, end);
    if (buf[v] !== COLON) throw new Malformed();
    v = skipSpace(buf, v + 1, end);
    const after = member(i + 1, ke, v);
    i = skipSpace(buf, after >= 0 ? after : skipValue(buf, v, end), end);
    if (buf[i] === COMMA) i = skipSpace(buf, i + 1, end);
    else if (buf[i] === RBRACE) return i + 1;
    else throw new Malformed();
  }
}

/** A non-negative integer literal at [i, stop), or NaN when the value is anything else. */
function integerAt(buf: Buffer, i: number, stop: number): number {
  let n = 0;
  let j = i;
  for (; j < stop; j++) {
    const d = buf[j] - 0x30;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (j === i || j - i > 15) return NaN;
  const b = buf[j];
  return b === COMMA || b === RBRACE || isSpace(b) ? n : NaN;
}

/** The number at [vs, after): integers in place, anything else through JSON.parse. */
function numberAt(buf: Buffer, vs: number, after: number): unknown {
  const n = integerAt(buf, vs, after);
  return Number.isNaN(n) ? JSON.parse(buf.toString('utf8', vs, after)) : n;
}

/** Reads the usage object in place (no object per member); odd values go through JSON.parse. */
function parseUsage(buf: Buffer, start: number, stop: number): ParsedUsage | undefined {
  let input: unknown;
  let output: unknown;
  let cacheWrite: unknown = 0;
  let cacheRead: unknown = 0;
  let cacheWrite1h: unknown = 0;
  let fast = false;
  walkObject(buf, start, stop, (ks, ke, vs) => {
    const after = skipValue(buf, vs, stop);
    const len = ke - ks;
    if (len === 12 && keyIs(buf, ks, ke, 'input_tokens')) input = numberAt(buf, vs, after);
    else if (len === 13 && keyIs(buf, ks, ke, 'output_tokens')) output = numberAt(buf, vs, after);
    else if (len === 27 && keyIs(buf, ks, ke, 'cache_creation_input_tokens')) cacheWrite = numberAt(buf, vs, after);
    else if (len === 23 && keyIs(buf, ks, ke, 'cache_read_input_tokens')) cacheRead = numberAt(buf, vs, after);
    else if (len === 5 && keyIs(buf, ks, ke, 'speed')) fast = stringValue(buf, vs, stop) === 'fast';
    else if (len === 14 && keyIs(buf, ks, ke, 'cache_creation') && buf[vs] === LBRACE) {
      walkObject(buf, vs, after, (ks2, ke2, vs2) => {
        const after2 = skipValue(buf, vs2, after);
        if (keyIs(buf, ks2, ke2, 'ephemeral_1h_input_tokens')) cacheWrite1h = numberAt(buf, vs2, after2);
        return after2;
      });
    }
    return after;
  });
  if (typeof input !== 'number' || typeof output !== 'number') return undefined;
  return {
    input: tokenCount(input),
    output: tokenCount(output),
    cacheWrite: tokenCount(cacheWrite),
    cacheWrite1h: tokenCount(cacheWrite1h),
    cacheRead: tokenCount(cacheRead),
    fast,
  };
}

function scanMessage(buf: Buffer, i: number, end: number, out: LineFields): number {
  let contentStart = -1;
  let contentEnd = -1;
  const stop = walkObject(buf, i, end, (ks, ke, vs) => {
    if (keyIs(buf, ks, ke, 'id')) {
      out.messageId = stringValue(buf, vs, end) ?? null;
    } else if (keyIs(buf, ks, ke, 'model')) {
      out.model = stringValue(buf, vs, end);
    } else if (keyIs(buf, ks, ke, 'usage')) {
      const after = skipValue(buf, vs, end);
      if (buf[vs] === LBRACE) out.usage = parseUsage(buf, vs, after);
      return after;
    } else if (keyIs(buf, ks, ke, 'content')) {
      contentStart = vs;
      contentEnd = skipValue(buf, vs, end);
      return contentEnd;
    }
    return -1;
  });
  if (contentStart >= 0 && (out.isApiErrorMessage || out.model === '<synthetic>')) {
    out.content = JSON.parse(buf.toString('utf8', contentStart, contentEnd));
  }
  return stop;
}

/** The fields of the JSON object line `buf[start, end)`, or null when the line is not a JSON object. */
export function parseLine(buf: Buffer, start: number, end: number): LineFields | null {
  const i = skipSpace(buf, start, end);
  if (i >= end) return null;
  try {
    const out: LineFields = {};
    let messageAt = -1;
    walkObject(buf, i, end, (ks, ke, vs) => {
      switch (ke - ks) {
        case 4:
          if (keyIs(buf, ks, ke, 'type')) return -1;
          break;
        case 7:
          if (keyIs(buf, ks, ke, 'message') && buf[vs] === LBRACE) {
            messageAt = vs;
            return skipValue(buf, vs, end);
          }
          break;
        case 9:
          if (keyIs(buf, ks, ke, 'timestamp')) out.timestamp = stringValue(buf, vs, end);
          else if (keyIs(buf, ks, ke, 'requestId')) out.requestId = stringValue(buf, vs, end);
          else if (keyIs(buf, ks, ke, 'sessionId')) out.sessionId = stringValue(buf, vs, end);
          break;
        case 11:
          if (keyIs(buf, ks, ke, 'isSidechain')) out.isSidechain = literalTrue(buf, vs);
          break;
        case 17:
          if (keyIs(buf, ks, ke, 'isApiErrorMessage')) out.isApiErrorMessage = literalTrue(buf, vs);
          break;
      }
      return -1;
    });
    // The message is read last so that isApiErrorMessage is known wherever it sits.
    if (messageAt >= 0) scanMessage(buf, messageAt, end, out);
    return out;
  } catch (err) {
    if (!(err instanceof Malformed) && !(err instanceof SyntaxError)) throw err;
    return parseLineSlow(buf, start, end);
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** JSON.parse fallback, for lines with unusual layout; null when the line is not JSON. */
export function parseLineSlow(buf: Buffer, start: number, end: number): LineFields | null {
  let obj: unknown;
  try {
    obj = JSON.parse(buf.toString('utf8', start, end));
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
    out.messageId = message.id === undefined ? undefined : (str(message.id) ?? null);
    out.model = str(message.model);
    out.usage = usageFromObject(message.usage);
    if (out.isApiErrorMessage || out.model === '<synthetic>') out.content = message.content;
  }
  return out;
}
