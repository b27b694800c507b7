'use strict';
// The claude-code-usage scan state on disk: exact round trip, atomic write, version and
// identity, damaged files, deleted files, size bound, no writable directory.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib, root } = require('../support/node-red');

const { Pricer } = lib('code-usage/pricing');
const { EntryStore } = lib('code-usage/entries');
const { LogReader } = lib('code-usage/reader');
const { buildReport } = lib('code-usage/report');
const { ScanStateFile, encodeState, decodeState, stateIdentity, stateFileName, STATE_VERSION, TooLargeError } = lib('code-usage/scan-state');

const FIXTURE = path.join(root, 'test', 'fixtures', 'claude-logs');
const OPTS = { host: 'h', billingDay: 1, timeZone: 'UTC', monthlySessions: 50 };
const NOW = Date.parse('2026-11-20T17:00:00Z');

function line(iso, id, extra = {}) {
  return JSON.stringify({ type: 'assistant', sessionId: 's', timestamp: iso, requestId: `req_${id}`, message: { id: `msg_${id}`, model: 'claude-haiku-4-5', usage: { input_tokens: 3, output_tokens: 7 } }, ...extra }) + '\n';
}

describe('code-usage scan state', () => {
  let tree;
  let stateDir;
  let roots;
  beforeEach(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-state-tree-'));
    fs.cpSync(FIXTURE, tree, { recursive: true });
    stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scan-state-'));
    roots = [path.join(tree, 'projects')];
  });
  afterEach(() => {
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const fresh = () => {
    const store = new EntryStore(new Pricer());
    return { store, reader: new LogReader(roots, store) };
  };
  const identity = () => stateIdentity(roots, {});
  const stateOf = ({ reader, store }) => ({ reader: reader.snapshot(), store: store.snapshot() });
  const fileIn = (dir) => new ScanStateFile(path.join(dir, stateFileName('n1.a')), identity());

  async function scanned() {
    const s = fresh();
    await s.reader.scan();
    return s;
  }

  it('round-trips exactly: the restored reader reads only appended bytes and reports as a continuous run', async () => {
    const running = await scanned();
    const file = fileIn(stateDir);
    await file.save(stateOf(running));
    const loaded = file.load();
    assert.ok(loaded.state, loaded.detail);
    assert.deepEqual(loaded.state.store, running.store.snapshot());
    assert.deepEqual(loaded.state.reader, running.reader.snapshot());

    const restarted = fresh();
    restarted.store.restore(loaded.state.store);
    restarted.reader.restore(loaded.state.reader);
    const appended = line('2026-11-20T16:40:00.000Z', 'Z') + JSON.stringify({ type: 'assistant', timestamp: '2026-11-20T16:41:00.000Z', message: { model: 'claude-haiku-4-5', usage: { input_tokens: 1, output_tokens: 1 } } }) + '\n';
    fs.appendFileSync(path.join(tree, 'projects', '-home-dev-app', 's2.jsonl'), appended);
    const stats = await restarted.reader.scan();
    assert.equal(stats.fromScratch, false);
    assert.equal(stats.filesRead, 1);
    assert.equal(stats.bytesRead, Buffer.byteLength(appended));
    await running.reader.scan();
    assert.deepEqual(buildReport(restarted.store, OPTS, NOW), buildReport(running.store, OPTS, NOW));
    assert.deepEqual(restarted.store.snapshot(), running.store.snapshot(), 'same entries, keys and de-duplication state');
    const nothing = await restarted.reader.scan();
    assert.equal(nothing.bytesRead, 0);
  });

  it('writes atomically: no temporary file is left, and a failed write keeps the previous state', async () => {
    const s = await scanned();
    const file = fileIn(stateDir);
    await file.save(stateOf(s));
    const before = fs.readFileSync(file.file);
    assert.deepEqual(fs.readdirSync(stateDir), [path.basename(file.file)]);
    // A directory in the temporary file's place makes the write fail before the rename.
    fs.mkdirSync(`${file.file}.${process.pid}.tmp`);
    fs.appendFileSync(path.join(tree, 'projects', '-home-dev-app', 's2.jsonl'), line('2026-11-20T16:40:00.000Z', 'Y'));
    await s.reader.scan();
    await assert.rejects(file.save(stateOf(s)));
    assert.deepEqual(fs.readFileSync(file.file), before);
    assert.ok(file.load().state);
  });

  it('ignores a state of another format version or identity (other roots, prices or code)', async () => {
    const s = await scanned();
    const data = encodeState(stateOf(s), identity());
    assert.equal(decodeState(data, stateIdentity(roots, { m: { input: 1, output: 2 } })).reason, 'foreign');
    assert.equal(decodeState(data, stateIdentity(['/elsewhere/projects'], {})).reason, 'foreign');
    const text = data.toString('latin1').replace(`"version":${STATE_VERSION}`, `"version":${STATE_VERSION + 1}`);
    const other = decodeState(Buffer.from(text, 'latin1'), identity());
    assert.equal(other.reason, 'foreign');
    assert.match(other.detail, /format version/);
    assert.equal(decodeState(Buffer.from('{"version":1}'), identity()).reason, 'foreign');
  });

  it('reports a damaged state (cut short, flipped byte, bad header) instead of using it', async () => {
    const s = await scanned();
    const data = encodeState(stateOf(s), identity());
    assert.equal(decodeState(data.subarray(0, data.length - 5), identity()).reason, 'damaged');
    assert.equal(decodeState(data.subarray(0, 30), identity()).reason, 'damaged');
    const flipped = Buffer.from(data);
    flipped[flipped.length - 10] ^= 0x20;
    assert.match(decodeState(flipped, identity()).detail, /checksum/);
    const text = data.toString('latin1').replace('"corruptLines"', '"corruptLinez"');
    const bad = decodeState(Buffer.from(text, 'latin1'), identity());
    assert.equal(bad.reason, 'damaged');
    assert.match(bad.detail, /corruptLines/);
    const file = fileIn(stateDir);
    fs.writeFileSync(file.file, flipped);
    assert.equal(file.load().reason, 'damaged');
    fs.rmSync(file.file);
    assert.equal(file.load().reason, 'missing');
    fs.mkdirSync(file.file);
    assert.equal(file.load().reason, 'unreadable');
  });

  it('drops deleted files from the state: the restored reader starts over without them', async () => {
    const s = await scanned();
    const file = fileIn(stateDir);
    await file.save(stateOf(s));
    const gone = path.join(tree, 'projects', '-home-dev-app', 's1', 'subagents', 'agent-a1.jsonl');
    fs.rmSync(gone);
    const restarted = fresh();
    const { state } = file.load();
    restarted.store.restore(state.store);
    restarted.reader.restore(state.reader);
    const stats = await restarted.reader.scan();
    assert.equal(stats.fromScratch, true);
    await file.save(stateOf(restarted));
    const saved = file.load().state;
    assert.ok(!saved.reader.files.some(([f]) => f === gone));
    assert.equal(saved.reader.files.length, 2);
    const direct = await scanned();
    assert.deepEqual(buildReport(restarted.store, OPTS, NOW), buildReport(direct.store, OPTS, NOW));
  });

  it('neither writes nor reads a state above the size bound, and removes the old one', async () => {
    const s = await scanned();
    const big = new ScanStateFile(path.join(stateDir, 'x.state'), identity());
    await big.save(stateOf(s));
    assert.ok(fs.existsSync(big.file));
    const small = new ScanStateFile(big.file, identity(), 200);
    await assert.rejects(small.save(stateOf(s)), TooLargeError);
    assert.equal(fs.existsSync(big.file), false);
    fs.writeFileSync(big.file, Buffer.alloc(300));
    assert.equal(small.load().reason, 'too-large');
  });

  it('fails to save, without throwing, where the directory cannot be made', async () => {
    const s = await scanned();
    fs.writeFileSync(path.join(stateDir, 'blocker'), ''); // a file where the directory should be (root too cannot)
    const file = new ScanStateFile(path.join(stateDir, 'blocker', 'sub', 'x.state'), identity());
    await assert.rejects(file.save(stateOf(s)), (err) => ['ENOTDIR', 'EEXIST'].includes(err.code));
    assert.equal(file.load().state, null);
  });

  it('keeps node ids to safe file names', () => {
    assert.equal(stateFileName('a1b2.c3'), 'code-usage-a1b2_c3.state');
    assert.equal(stateFileName('../../etc/passwd'), 'code-usage-______etc_passwd.state');
  });
});
