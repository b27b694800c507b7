// The fast LineParser: line-scanner.wasm (built from assembly/line-scanner.ts) checks
// each line with JSON.parse's grammar and finds the wanted fields in place, so only
// those few strings are ever created. Lines it does not decode itself (escapes in
// wanted strings, unusual numbers, API error lines whose text is needed) go to
// parseLine, and so does everything when WebAssembly is unavailable (node --jitless).
// The read buffer lives in the module's memory, so lines are scanned where they
// were read.
import fs from 'node:fs';
import path from 'node:path';
import { jsonLineParser, parseLine, type LineFields, type LineParser, type ParsedUsage } from './line-parser';

// Field slots and value types, as numbered in assembly/line-scanner.ts.
const F_TIMESTAMP = 0;
const F_REQUEST_ID = 1;
const F_SESSION_ID = 2;
const F_IS_SIDECHAIN = 3;
const F_IS_API_ERROR = 4;
const F_MESSAGE = 5;
const F_MESSAGE_ID = 6;
const F_MODEL = 7;
const F_USAGE = 8;
const F_INPUT = 9;
const F_OUTPUT = 10;
const F_CACHE_WRITE = 11;
const F_CACHE_READ = 12;
const F_SPEED = 13;
const F_CACHE_CREATION = 14;
const F_CACHE_WRITE_1H = 15;
const FIELD_COUNT = 16;

const T_ABSENT = 0;
const T_STRING = 1;
const T_NUMBER = 2;
const T_TRUE = 3;
const T_OBJECT = 6;
const T_ARRAY = 7;

const NOT_OBJECT = 0;
const FOUND = 1;

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
  slots(): number;
  heapBase(): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled scanner, once per thread; null when WebAssembly cannot run it. */
function scannerModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'line-scanner.wasm')));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

class WasmLineParser implements LineParser {
  private readonly memory: WebAssembly.Memory;
  private readonly base: number;
  private types!: Int32Array;
  private starts!: Int32Array;
  private ends!: Int32Array;
  private values!: Float64Array;
  /** start and end of the line nextUsageLine found */
  private line!: Int32Array;
  private viewsOf: ArrayBuffer | null = null;
  /** the buffer handed out last (its bytes stay in place when memory grows) */
  private current: Buffer | null = null;

  constructor(private readonly exports: ScannerExports) {
    this.memory = exports.memory;
    this.base = exports.DATA_BASE.value as number;
    if (exports.heapBase() > this.base) throw new Error('line scanner data overlaps its buffer');
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
      if (this.viewsOf !== this.memory.buffer) this.refreshViews();
      const lineEnd = this.line[1];
      each(this.fields(result, buf, this.line[0] - at, lineEnd - at));
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
    if (this.viewsOf !== this.memory.buffer) this.refreshViews();
    const types = this.types;
    const out: LineFields = {
      timestamp: this.string(buf, F_TIMESTAMP),
      requestId: this.string(buf, F_REQUEST_ID),
      sessionId: this.string(buf, F_SESSION_ID),
      isSidechain: types[F_IS_SIDECHAIN] === T_TRUE,
      isApiErrorMessage: types[F_IS_API_ERROR] === T_TRUE,
    };
    // an array passes JSON.parse's `typeof message === 'object'` check too (with no fields)
    if (types[F_MESSAGE] === T_OBJECT || types[F_MESSAGE] === T_ARRAY) {
      const id = types[F_MESSAGE_ID];
      out.messageId = id === T_ABSENT ? undefined : id === T_STRING ? this.string(buf, F_MESSAGE_ID) : null;
      out.model = this.string(buf, F_MODEL);
      // the text of error lines is needed too (usage-limit detection)
      if (out.isApiErrorMessage || out.model === '<synthetic>') return parseLine(buf, start, end);
      out.usage = this.usage(buf);
    }
    return out;
  }

  private usage(buf: Buffer): ParsedUsage | undefined {
    const types = this.types;
    const container = types[F_USAGE];
    if ((container !== T_OBJECT && container !== T_ARRAY) || types[F_INPUT] !== T_NUMBER || types[F_OUTPUT] !== T_NUMBER) return undefined;
    const split = types[F_CACHE_CREATION] === T_OBJECT || types[F_CACHE_CREATION] === T_ARRAY;
    return {
      input: this.number(F_INPUT),
      output: this.number(F_OUTPUT),
      cacheWrite: this.number(F_CACHE_WRITE),
      cacheWrite1h: split ? this.number(F_CACHE_WRITE_1H) : 0,
      cacheRead: this.number(F_CACHE_READ),
      fast: this.string(buf, F_SPEED) === 'fast',
    };
  }

  /**
   * A wanted number (the scanner decodes only plain non-negative integers), as a small
   * integer when it is one: entries whose fields hold the same kinds of number share one
   * shape, which keeps the code that walks them fast (see count() in entries.ts).
   */
  private number(field: number): number {
    if (this.types[field] !== T_NUMBER) return 0;
    const n = this.values[field];
    return (n | 0) === n ? n | 0 : n;
  }

  private string(buf: Buffer, field: number): string | undefined {
    if (this.types[field] !== T_STRING) return undefined;
    return buf.toString('latin1', this.starts[field] - buf.byteOffset, this.ends[field] - buf.byteOffset);
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    const slots = this.exports.slots();
    this.types = new Int32Array(buffer, slots, FIELD_COUNT);
    this.starts = new Int32Array(buffer, slots + FIELD_COUNT * 4, FIELD_COUNT);
    this.ends = new Int32Array(buffer, slots + FIELD_COUNT * 8, FIELD_COUNT);
    this.values = new Float64Array(buffer, slots + FIELD_COUNT * 12, FIELD_COUNT);
    this.line = new Int32Array(buffer, slots + FIELD_COUNT * 20, 2);
    this.viewsOf = buffer;
  }
}

/** A parser over line-scanner.wasm when WebAssembly can run it, else JSON.parse. */
export function createLineParser(): LineParser {
  const module = scannerModule();
  if (module) {
    try {
      return new WasmLineParser(new WebAssembly.Instance(module).exports as unknown as ScannerExports);
    } catch {
      // fall through to the reference parser
    }
  }
  return jsonLineParser;
}
