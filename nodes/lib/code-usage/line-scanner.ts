// The fast LineParser: line-scanner.wasm (built from assembly/line-scanner.ts) finds
// usage lines, checks each with JSON.parse's grammar and finds the wanted fields in
// place, so only those few strings are ever created. Lines it does not decode itself go
// to parseLine: an escaped key in an object with wanted keys, an escape in a wanted
// string, a wanted number that is not a plain integer, very deep nesting, and API
// error and <synthetic> lines (their text is needed). So does everything where the
// module cannot run (node --jitless, no SIMD); lineScannerProblem() says why. The read
// buffer lives in the module's memory, so lines are scanned where they were read.
import fs from 'node:fs';
import path from 'node:path';
import { count } from './entries';
import { jsonLineParser, parseLine, US_ONLY_GEO, webSearchesOf, type LineFields, type LineParser, type ParsedUsage } from './line-parser';
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
  T_ABSENT,
  T_STRING,
  T_NUMBER,
  T_TRUE,
  T_NULL,
  T_OBJECT,
  T_ARRAY,
  NOT_OBJECT,
  FOUND,
} from './assembly/layout';

const PAGE = 65536;
/**
 * The scanner reads 16 bytes at a time and so up to 15 bytes past the end it is given
 * (finding a string's end, a line's end, or the second half of `_tokens":`).
 */
const PADDING = 16;
/** Positions cross into the module as i32. */
const MAX_POSITION = 2 ** 31 - 1;

const NO_LINE = -1;

interface ScannerExports {
  memory: WebAssembly.Memory;
  DATA_BASE: WebAssembly.Global;
  scan(start: number, end: number): number;
  nextUsageLine(from: number, end: number): number;
  heapBase(): number;
  fieldCount(): number;
  types(): number;
  starts(): number;
  ends(): number;
  values(): number;
  lineBounds(): number;
}

/** The scanner's results, seen from JavaScript (made anew when its memory grows). */
interface Views {
  of: ArrayBuffer;
  types: Int32Array;
  starts: Int32Array;
  ends: Int32Array;
  values: Float64Array;
  /** start and end of the line nextUsageLine found */
  line: Int32Array;
}

let compiled: WebAssembly.Module | null | undefined;
let problem: string | null = null;

/** The compiled scanner, once per thread; null (and `problem` set) when it cannot run here. */
function scannerModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'line-scanner.wasm')));
      // one trial instance, so that a module that compiles but cannot run is found here too
      new WasmLineParser(new WebAssembly.Instance(compiled).exports as unknown as ScannerExports);
    } catch (err) {
      compiled = null;
      problem = typeof WebAssembly === 'undefined' ? 'WebAssembly is not available' : err instanceof Error ? err.message : String(err);
    }
  }
  return compiled;
}

/** Why lines are read with JSON.parse instead of the scanner, or null when the scanner runs. */
export function lineScannerProblem(): string | null {
  scannerModule();
  return problem;
}

/**
 * One parser per reader: every buffer `grow` hands out is the same memory (at DATA_BASE),
 * and growing detaches the ones handed out before.
 */
class WasmLineParser implements LineParser {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private views: Views;
  /** the buffer handed out last (its bytes stay in place when memory grows) */
  private current: Buffer | null = null;

  constructor(private readonly exports: ScannerExports) {
    this.memory = exports.memory;
    this.base = exports.DATA_BASE.value as number;
    if (exports.heapBase() > this.base) throw new Error('line scanner data overlaps its buffer');
    if (exports.fieldCount() !== FIELD_COUNT) throw new Error('line scanner fields differ from its glue');
    this.views = this.makeViews();
  }

  grow(current: Buffer, keep: number, size: number): Buffer {
    const kept = current === this.current ? null : Buffer.from(current.subarray(0, keep));
    const needed = this.base + size + PADDING;
    const have = this.memory.buffer.byteLength;
    if (needed > have) this.memory.grow(Math.ceil((needed - have) / PAGE));
    const buf = Buffer.from(this.memory.buffer, this.base, size);
    if (kept) kept.copy(buf);
    this.current = buf;
    return buf;
  }

  parse(buf: Buffer, start: number, end: number): LineFields | null {
    const at = buf.byteOffset;
    if (!(start >= 0 && start <= end && end <= buf.length) || !this.owns(buf, end)) return parseLine(buf, start, end);
    return this.fields(this.exports.scan(at + start, at + end), buf, start, end);
  }

  readLines(buf: Buffer, length: number, each: (fields: LineFields | null) => void): void {
    if (!(length >= 0 && length <= buf.length) || !this.owns(buf, length)) return jsonLineParser.readLines(buf, length, each);
    const at = buf.byteOffset;
    const end = at + length;
    for (let from = at; ; ) {
      const result = this.exports.nextUsageLine(from, end);
      if (result === NO_LINE) return;
      const line = this.currentViews().line;
      const lineEnd = line[1];
      each(this.fields(result, buf, line[0] - at, lineEnd - at));
      from = lineEnd + 1;
    }
  }

  /** Whether `buf[0, length)` lies in this scanner's memory with room for its 16-byte reads. */
  private owns(buf: Buffer, length: number): boolean {
    const end = buf.byteOffset + length + PADDING;
    return buf.buffer === this.memory.buffer && buf.byteOffset >= this.base && end <= this.memory.buffer.byteLength && end <= MAX_POSITION;
  }

  /** The fields of the line `buf[start, end)` that scan() answered `result` for. */
  private fields(result: number, buf: Buffer, start: number, end: number): LineFields | null {
    if (result === NOT_OBJECT) return null;
    if (result !== FOUND) return parseLine(buf, start, end);
    const v = this.currentViews();
    const out: LineFields = {
      timestamp: string(v, buf, F_TIMESTAMP),
      requestId: string(v, buf, F_REQUEST_ID),
      sessionId: string(v, buf, F_SESSION_ID),
      isSidechain: v.types[F_IS_SIDECHAIN] === T_TRUE,
      isApiErrorMessage: v.types[F_IS_API_ERROR] === T_TRUE,
    };
    if (isObject(v, F_MESSAGE)) {
      const id = v.types[F_MESSAGE_ID];
      out.messageId = id === T_ABSENT || id === T_NULL ? undefined : id === T_STRING ? string(v, buf, F_MESSAGE_ID) : null;
      out.model = string(v, buf, F_MODEL);
      // the text of error lines is needed too (usage-limit detection)
      if (out.isApiErrorMessage || out.model === '<synthetic>') return parseLine(buf, start, end);
      out.usage = usage(v, buf);
    }
    return out;
  }

  private currentViews(): Views {
    if (this.views.of !== this.memory.buffer) this.views = this.makeViews();
    return this.views;
  }

  private makeViews(): Views {
    const of = this.memory.buffer;
    const e = this.exports;
    return {
      of,
      types: new Int32Array(of, e.types(), FIELD_COUNT),
      starts: new Int32Array(of, e.starts(), FIELD_COUNT),
      ends: new Int32Array(of, e.ends(), FIELD_COUNT),
      values: new Float64Array(of, e.values(), FIELD_COUNT),
      line: new Int32Array(of, e.lineBounds(), 2),
    };
  }
}

/** Whether the field holds something JSON.parse's `typeof value === 'object'` accepts (an array too). */
function isObject(v: Views, field: number): boolean {
  return v.types[field] === T_OBJECT || v.types[field] === T_ARRAY;
}

function usage(v: Views, buf: Buffer): ParsedUsage | undefined {
  if (!isObject(v, F_USAGE) || v.types[F_INPUT] !== T_NUMBER || v.types[F_OUTPUT] !== T_NUMBER) return undefined;
  return {
    input: number(v, F_INPUT),
    output: number(v, F_OUTPUT),
    cacheWrite: number(v, F_CACHE_WRITE),
    cacheWrite1h: isObject(v, F_CACHE_CREATION) ? number(v, F_CACHE_WRITE_1H) : 0,
    cacheRead: number(v, F_CACHE_READ),
    fast: string(v, buf, F_SPEED) === 'fast',
    webSearches: v.types[F_SERVER_TOOL_USE] === T_OBJECT ? webSearches(v) : 0,
    usOnly: stringIs(v, buf, F_INFERENCE_GEO, US_ONLY_GEO),
  };
}

/**
 * `server_tool_use.web_search_requests`, read as line-parser reads it: nothing, null or 0
 * is 0, a plain count goes through the same schema, and any other value (the scanner
 * decodes plain integers only; a string, a boolean or a container is no count) is 0.
 */
function webSearches(v: Views): number {
  if (v.types[F_WEB_SEARCH] !== T_NUMBER || v.values[F_WEB_SEARCH] === 0) return 0;
  return webSearchesOf({ web_search_requests: v.values[F_WEB_SEARCH] });
}

/** Whether a wanted string field holds exactly the ASCII `text` (compared in place). */
function stringIs(v: Views, buf: Buffer, field: number, text: string): boolean {
  if (v.types[field] !== T_STRING) return false;
  const start = v.starts[field] - buf.byteOffset;
  if (v.ends[field] - buf.byteOffset - start !== text.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[start + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** A wanted number (the scanner decodes only plain non-negative integers), with the entries' number shape. */
function number(v: Views, field: number): number {
  return v.types[field] === T_NUMBER ? count(v.values[field]) : 0;
}

function string(v: Views, buf: Buffer, field: number): string | undefined {
  if (v.types[field] !== T_STRING) return undefined;
  return buf.toString('latin1', v.starts[field] - buf.byteOffset, v.ends[field] - buf.byteOffset);
}

/** A parser for one reader: over line-scanner.wasm where it runs, else JSON.parse. */
export function createLineParser(): LineParser {
  const module = scannerModule();
  if (!module) return jsonLineParser;
  try {
    return new WasmLineParser(new WebAssembly.Instance(module).exports as unknown as ScannerExports);
  } catch {
    return jsonLineParser; // out of memory for one more instance: still read, only slower
  }
}
