// The claude-code-usage scan state kept on disk, so that after a restart only new bytes
// are read: what the reader knew of each file and directory, and the de-duplicated
// entries with their de-duplication state, from one moment between scans.
//
// Layout: MAGIC, a 4-byte header length, the header (JSON), the entries' numbers
// (Float64, little-endian), the entries' strings (JSON). The header carries the format
// version, an identity (code, roots and prices the state was made with: anything else
// is foreign), the sections' lengths and a CRC-32 of the sections. Everything is
// checked (zod, lengths, indexes, finite numbers) before it is used; a state that fails
// is not used. Written to a temporary file, synced and renamed over the old one, so a
// crash mid-write leaves the previous state or none.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { z } from 'zod';
import { ENTRY_FIELDS, type StoreSnapshot } from './entries';
import type { PriceOverride } from './pricing';
import type { ReaderSnapshot } from './reader';

export const STATE_VERSION = 1;
/** A state larger than this is neither written nor read. */
export const MAX_STATE_BYTES = 256 << 20;
const MAGIC = Buffer.from('CCUSAGE-SCAN\n');

export interface ScanState {
  reader: ReaderSnapshot;
  store: StoreSnapshot;
}

export type LoadResult =
  | { state: ScanState }
  | {
      state: null;
      /** missing: no state yet; foreign: another version or setting made it; damaged / too-large / unreadable */
      reason: 'missing' | 'foreign' | 'damaged' | 'too-large' | 'unreadable';
      detail: string;
    };

const int = z.number().int().nonnegative();
const finite = z.number().finite();
const limitLine = z
  .object({ at: z.string(), resetsAt: z.string().nullable(), text: z.string(), limit: z.enum(['session', 'weekly', 'model']).nullable().optional(), model: z.string().nullable().optional() })
  .strict();
const headerSchema = z
  .object({
    version: z.number(),
    identity: z.string(),
    entries: int,
    numbersBytes: int,
    stringsBytes: int,
    crc: int,
    files: z.array(z.tuple([z.string(), finite, finite, finite, int])),
    dirs: z.array(z.tuple([z.string(), finite, z.array(z.string()), z.array(z.string())])),
    corruptLines: int,
    limitLines: z.array(limitLine),
    anonymous: int,
    unknownModels: z.array(z.string()),
  })
  .strict();
const stringsSchema = z
  .object({
    keys: z.array(z.string()),
    messageIds: z.array(z.string().nullable()),
    modelNames: z.array(z.string()),
    models: z.array(int),
    byMessage: z.array(int),
  })
  .strict();

let codeHash: string | null = null;

/** A hash of the code that reads and prices lines: a state made by other code is foreign. */
function codeFingerprint(): string {
  if (codeHash === null) {
    const hash = crypto.createHash('sha256');
    for (const name of ['entries.js', 'line-parser.js', 'line-scanner.js', 'line-scanner.wasm', 'pricing.js', 'reader.js', 'scan-state.js']) {
      hash.update(name);
      try {
        hash.update(fs.readFileSync(path.join(__dirname, name)));
      } catch {
        hash.update('missing');
      }
    }
    codeHash = hash.digest('hex');
  }
  return codeHash;
}

/** What a state must have been made with to be used: this code, these `projects` roots and price overrides. */
export function stateIdentity(roots: string[], prices: Record<string, PriceOverride>): string {
  return crypto
    .createHash('sha256')
    .update(JSON.stringify({ version: STATE_VERSION, code: codeFingerprint(), roots, prices }))
    .digest('hex');
}

/** The state file's name for a node id (ids are kept to safe characters). */
export function stateFileName(nodeId: string): string {
  return `code-usage-${nodeId.replace(/[^A-Za-z0-9_-]/g, '_')}.state`;
}

export class TooLargeError extends Error {}

/** Encodes a state; throws TooLargeError above `maxBytes`. */
export function encodeState(state: ScanState, identity: string, maxBytes = MAX_STATE_BYTES): Buffer {
  const { store, reader } = state;
  const modelIndex = new Map<string, number>();
  const models = store.models.map((m) => {
    let i = modelIndex.get(m);
    if (i === undefined) modelIndex.set(m, (i = modelIndex.size));
    return i;
  });
  const strings = Buffer.from(
    JSON.stringify({ keys: store.keys, messageIds: store.messageIds, modelNames: [...modelIndex.keys()], models, byMessage: store.byMessage }),
  );
  const numbers = Buffer.from(store.numbers.buffer, store.numbers.byteOffset, store.numbers.byteLength);
  const crc = zlib.crc32(strings, zlib.crc32(numbers));
  const header = Buffer.from(
    JSON.stringify({
      version: STATE_VERSION,
      identity,
      entries: store.keys.length,
      numbersBytes: numbers.length,
      stringsBytes: strings.length,
      crc,
      files: reader.files,
      dirs: reader.dirs,
      corruptLines: reader.corruptLines,
      limitLines: store.limitLines,
      anonymous: store.anonymous,
      unknownModels: store.unknownModels,
    }),
  );
  const total = MAGIC.length + 4 + header.length + numbers.length + strings.length;
  if (total > maxBytes) throw new TooLargeError(`the scan state would take ${mb(total)} MB, more than ${mb(maxBytes)} MB`);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length);
  return Buffer.concat([MAGIC, length, header, numbers, strings], total);
}

const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Decodes and checks a state; `foreign` when another version or identity made it. */
export function decodeState(buf: Buffer, identity: string): LoadResult {
  const damaged = (detail: string): LoadResult => ({ state: null, reason: 'damaged', detail });
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return { state: null, reason: 'foreign', detail: 'not a scan state file' };
  const headerLength = buf.readUInt32LE(MAGIC.length);
  const at = MAGIC.length + 4;
  if (at + headerLength > buf.length) return damaged('cut short');
  let json: unknown;
  try {
    json = JSON.parse(buf.toString('utf8', at, at + headerLength));
  } catch {
    return damaged('header is not JSON');
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== STATE_VERSION) return { state: null, reason: 'foreign', detail: `format version ${String(version)}, not ${STATE_VERSION}` };
  const parsed = headerSchema.safeParse(json);
  if (!parsed.success) return damaged(`header: ${issueText(parsed.error)}`);
  const h = parsed.data;
  if (h.identity !== identity) return { state: null, reason: 'foreign', detail: 'made by another version or with other directories or prices' };
  const numbersAt = at + headerLength;
  const stringsAt = numbersAt + h.numbersBytes;
  if (h.numbersBytes !== h.entries * ENTRY_FIELDS * 8 || stringsAt + h.stringsBytes !== buf.length) return damaged('section lengths do not match');
  const numbersBuf = buf.subarray(numbersAt, stringsAt);
  const stringsBuf = buf.subarray(stringsAt);
  if (zlib.crc32(stringsBuf, zlib.crc32(numbersBuf)) !== h.crc) return damaged('checksum does not match');
  let stringsJson: unknown;
  try {
    stringsJson = JSON.parse(stringsBuf.toString('utf8'));
  } catch {
    return damaged('entries are not JSON');
  }
  const strings = stringsSchema.safeParse(stringsJson);
  if (!strings.success) return damaged(`entries: ${issueText(strings.error)}`);
  const s = strings.data;
  const n = h.entries;
  if (s.keys.length !== n || s.messageIds.length !== n || s.models.length !== n) return damaged('entry counts do not match');
  if (s.models.some((i) => i >= s.modelNames.length)) return damaged('a model index is out of range');
  if (s.byMessage.some((i) => i >= n || s.messageIds[i] === null)) return damaged('a message index is out of range');
  const numbers = new Float64Array(n * ENTRY_FIELDS);
  for (let i = 0; i < numbers.length; i++) {
    const v = numbersBuf.readDoubleLE(i * 8);
    if (!Number.isFinite(v)) return damaged('an entry holds a number that is not finite');
    numbers[i] = v;
  }
  return {
    state: {
      reader: { files: h.files, dirs: h.dirs, corruptLines: h.corruptLines },
      store: {
        keys: s.keys,
        messageIds: s.messageIds,
        models: s.models.map((i) => s.modelNames[i]),
        numbers,
        limitLines: h.limitLines,
        byMessage: s.byMessage,
        anonymous: h.anonymous,
        unknownModels: h.unknownModels,
      },
    },
  };
}

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}

/** One node's state file: load, atomic save, removal. */
export class ScanStateFile {
  private saving: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    readonly identity: string,
    readonly maxBytes = MAX_STATE_BYTES,
  ) {}

  load(): LoadResult {
    let buf: Buffer;
    try {
      const st = fs.statSync(this.file);
      if (!st.isFile()) return { state: null, reason: 'unreadable', detail: 'not a regular file' };
      if (st.size > this.maxBytes) return { state: null, reason: 'too-large', detail: `${mb(st.size)} MB, more than ${mb(this.maxBytes)} MB` };
      buf = fs.readFileSync(this.file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { state: null, reason: 'missing', detail: 'no scan state yet' };
      return { state: null, reason: 'unreadable', detail: code ?? String(err) };
    }
    return decodeState(buf, this.identity);
  }

  /**
   * Writes a state atomically (temporary file, fsync, rename, directory fsync); saves run
   * one after another. Rejects with TooLargeError (the old file is then removed: it would
   * only grow staler) or the file system's error.
   */
  save(state: ScanState): Promise<void> {
    let data: Buffer;
    try {
      data = encodeState(state, this.identity, this.maxBytes);
    } catch (err) {
      if (err instanceof TooLargeError) this.remove();
      return Promise.reject(err);
    }
    const run = this.saving.then(() => this.write(data));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async write(data: Buffer): Promise<void> {
    const dir = path.dirname(this.file);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      const fh = await fs.promises.open(tmp, 'w', 0o600);
      try {
        await fh.writeFile(data);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.promises.rename(tmp, this.file);
    } catch (err) {
      await fs.promises.rm(tmp, { force: true }).catch(() => undefined);
      throw err;
    }
    try {
      const dh = await fs.promises.open(dir, 'r');
      await dh.sync().finally(() => dh.close());
    } catch {
      // not every platform syncs a directory; the rename is done all the same
    }
  }

  /** Waits for the running saves (for a node's close). */
  settled(): Promise<unknown> {
    return this.saving;
  }

  /** Deletes the state file (the node was removed, or its state became too large). */
  remove(): void {
    try {
      fs.rmSync(this.file, { force: true });
    } catch {
      // nothing to remove, or not ours to remove
    }
  }
}
