'use strict';
// Change notices for the Claude Code log reader: TreeWatch on its own (with a fake
// fs.watch), then LogReader on real trees: an idle scan stats nothing, every kind of change
// is still seen, a file system that sends no notices is found out by the full pass, and a
// reader with notices reports exactly what a reader without them reports.
const assert = require('node:assert/strict');
const { EventEmitter } = require('node:events');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { lib } = require('../support/node-red');
const { generateClaudeLogs } = require('../support/claude-logs');

const { TreeWatch } = lib('code-usage/tree-watch');
const { Pricer } = lib('code-usage/pricing');
const { EntryStore } = lib('code-usage/entries');
const { LogReader } = lib('code-usage/reader');
const { buildReport } = lib('code-usage/report');

const OPTS = { host: 'h', billingDay: 1, timeZone: 'UTC', monthlySessions: 50 };

let counter = 0;
function line(iso, extra = {}) {
  counter++;
  return JSON.stringify({ type: 'assistant', sessionId: 's', timestamp: iso, requestId: `req_w${counter}`, message: { id: `msg_w${counter}`, model: 'claude-haiku-4-5', usage: { input_tokens: 3, output_tokens: 7 } }, ...extra }) + '\n';
}

/** A fake fs.watch: records watchers; `fire(dir)` sends a notice, `fail` makes the next call throw. */
function fakeWatch() {
  const watchers = new Map();
  const fake = (dir, options, listener) => {
    if (fake.fail) {
      const err = new Error(fake.fail);
      err.code = fake.fail;
      throw err;
    }
    const w = new EventEmitter();
    w.closed = false;
    w.close = () => {
      w.closed = true;
      watchers.delete(dir);
    };
    w.listener = listener;
    assert.equal(options.persistent, false, 'a watch must not keep Node-RED running');
    watchers.set(dir, w);
    return w;
  };
  fake.watchers = watchers;
  fake.fire = (dir) => watchers.get(dir).listener('change', 'x.jsonl');
  return fake;
}

/** Counts fs stat calls made while `fn` runs. */
async function countingStats(fn) {
  const names = ['statSync', 'lstatSync', 'fstatSync'];
  const saved = names.map((n) => fs[n]);
  let calls = 0;
  names.forEach((n, i) => {
    fs[n] = (...args) => {
      calls++;
      return saved[i].apply(fs, args);
    };
  });
  try {
    const result = await fn();
    return { result, calls };
  } finally {
    names.forEach((n, i) => {
      fs[n] = saved[i];
    });
  }
}

describe('code-usage TreeWatch', () => {
  it('watches exactly the directories given, each new one reported as changed once', () => {
    const fake = fakeWatch();
    const watch = new TreeWatch(10, fake);
    assert.equal(watch.sync(new Set(['/a', '/b'])), true);
    assert.deepEqual([...fake.watchers.keys()].sort(), ['/a', '/b']);
    assert.deepEqual([...watch.take().dirs].sort(), ['/a', '/b']);
    assert.deepEqual([...watch.take().dirs], [], 'taken once');
    watch.sync(new Set(['/b', '/c']));
    assert.deepEqual([...fake.watchers.keys()].sort(), ['/b', '/c'], '/a closed');
    fake.fire('/b');
    const changes = watch.take();
    assert.deepEqual([...changes.dirs].sort(), ['/b', '/c']);
    assert.equal(changes.all, false);
    watch.close();
    assert.equal(fake.watchers.size, 0);
  });

  it('asks for a full look after a watcher error or a directory gone before its watch', () => {
    const fake = fakeWatch();
    const watch = new TreeWatch(10, fake);
    watch.sync(new Set(['/a']));
    watch.take();
    fake.watchers.get('/a').emit('error', new Error('EACCES'));
    assert.equal(fake.watchers.size, 0, 'the failed watcher is closed');
    assert.equal(watch.take().all, true);
    assert.equal(watch.take().all, false);
    fake.fail = 'ENOENT';
    assert.equal(watch.sync(new Set(['/gone'])), true);
    assert.equal(watch.take().all, true);
    assert.equal(watch.active, true);
  });

  it('drops a watch whose directory itself was deleted or moved, and watches it again at the next sync', () => {
    const fake = fakeWatch();
    const watch = new TreeWatch(10, fake);
    watch.sync(new Set(['/p/a', '/p/b']));
    watch.take();
    const ended = fake.watchers.get('/p/a');
    ended.listener('rename', 'a');
    assert.equal(ended.closed, true);
    assert.equal(watch.size, 1);
    assert.equal(watch.take().all, true);
    watch.sync(new Set(['/p/a', '/p/b']));
    assert.equal(watch.size, 2);
    assert.notEqual(fake.watchers.get('/p/a'), ended, 'a new watch');
    assert.deepEqual([...watch.take().dirs], ['/p/a'], 'the new watch looks once');
  });

  it('gives up for good when the system refuses a watch or the tree has too many directories', () => {
    const fake = fakeWatch();
    const refused = new TreeWatch(10, fake);
    refused.sync(new Set(['/a']));
    fake.fail = 'ENOSPC';
    assert.equal(refused.sync(new Set(['/a', '/b'])), false);
    assert.equal(refused.active, false);
    assert.equal(fake.watchers.size, 0, 'every watcher closed');
    assert.equal(refused.take().all, true);
    fake.fail = undefined;
    assert.equal(refused.sync(new Set(['/a'])), false, 'stays off');

    const big = new TreeWatch(2, fakeWatch());
    assert.equal(big.sync(new Set(['/a', '/b', '/c'])), false);
    assert.equal(big.active, false);
  });
});

describe('code-usage LogReader with change notices', function () {
  this.timeout(60_000);
  let tree;
  let projects;
  beforeEach(() => {
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-tree-'));
    generateClaudeLogs({ out: tree, sizeMb: 0.3, days: 2, projects: 3, seed: 7, end: '2026-12-07T10:00:00Z' });
    projects = path.join(tree, 'projects');
  });
  afterEach(() => fs.rmSync(tree, { recursive: true, force: true }));

  const reader = (options = {}) => {
    const store = new EntryStore(new Pricer());
    return new LogReader([projects], store, undefined, options);
  };
  const logFiles = () => fs.readdirSync(projects, { recursive: true }).filter((f) => f.endsWith('.jsonl')).map((f) => path.join(projects, f));
  const report = (r) => buildReport(r.store, OPTS, Date.parse('2026-12-07T12:00:00Z'));

  it('stats nothing when nothing changed, once the tree is known', async () => {
    const r = reader();
    try {
      const first = await r.scan();
      assert.equal(first.watched, false, 'the first scan stats everything');
      assert.ok(first.files > 3);
      const second = await r.scan();
      assert.equal(second.watched, true);
      const idle = await countingStats(() => r.scan());
      assert.equal(idle.result.watched, true);
      assert.equal(idle.result.changed, false);
      assert.equal(idle.result.files, first.files);
      assert.equal(idle.calls, 0, 'an idle scan with notices makes no stat call');
      const without = reader({ watch: false });
      await without.scan();
      const full = await countingStats(() => without.scan());
      assert.ok(full.calls >= first.files, `a reader without notices stats every file (${full.calls})`);
    } finally {
      r.abort();
    }
  });

  it('sees an append, a new file, a new project and a deleted file at the next scan', async () => {
    const r = reader();
    try {
      await r.scan();
      await r.scan();
      const before = r.store.size;

      fs.appendFileSync(logFiles()[0], line('2026-12-07T11:00:00Z'));
      const appended = await countingStats(() => r.scan());
      assert.equal(appended.result.watched, true);
      assert.equal(r.store.size, before + 1);
      assert.ok(appended.calls < logFiles().length, `only the changed directory is stat'ed (${appended.calls} stat calls)`);

      const dir = path.dirname(logFiles()[0]);
      fs.writeFileSync(path.join(dir, 'new-session.jsonl'), line('2026-12-07T11:01:00Z'));
      await r.scan();
      assert.equal(r.store.size, before + 2);

      fs.mkdirSync(path.join(projects, '-home-dev-new', 'sub', 'subagents'), { recursive: true });
      fs.writeFileSync(path.join(projects, '-home-dev-new', 'sub', 'subagents', 'agent.jsonl'), line('2026-12-07T11:02:00Z'));
      const created = await r.scan();
      assert.equal(created.watched, true);
      assert.equal(r.store.size, before + 3, 'a new project tree is read whole');
      fs.appendFileSync(path.join(projects, '-home-dev-new', 'sub', 'subagents', 'agent.jsonl'), line('2026-12-07T11:03:00Z'));
      await r.scan();
      await r.scan();
      assert.equal(r.store.size, before + 4, 'the new directories are watched too');

      fs.rmSync(path.join(dir, 'new-session.jsonl'));
      const removed = await r.scan();
      assert.equal(removed.fromScratch, true, 'a vanished file starts over, as without notices');
      assert.equal(r.store.size, before + 3);
    } finally {
      r.abort();
    }
  });

  it('looks at a directory holding a link to a log every scan (its target sends no notice here)', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-outside-'));
    const r = reader();
    try {
      const target = path.join(outside, 'elsewhere.jsonl');
      fs.writeFileSync(target, line('2026-12-07T11:00:00Z'));
      fs.symlinkSync(target, path.join(path.dirname(logFiles()[0]), 'linked.jsonl'));
      await r.scan();
      await r.scan();
      const before = r.store.size;
      fs.appendFileSync(target, line('2026-12-07T11:05:00Z'));
      const s = await r.scan();
      assert.equal(s.watched, true);
      assert.equal(r.store.size, before + 1);
      assert.equal(r.watching, true, 'a link is no reason to give notices up');
    } finally {
      r.abort();
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it('finds out a file system that sends no notices at the full pass, and from then on stats every scan', async () => {
    let now = 0;
    const silent = new TreeWatch(undefined, (dir, options) => Object.assign(new EventEmitter(), { close() {} }, { options }));
    const r = reader({ watch: silent, fullPassMs: 60_000, now: () => now });
    await r.scan();
    await r.scan();
    const before = r.store.size;
    fs.appendFileSync(logFiles()[0], line('2026-12-07T11:00:00Z'));
    now += 1_000;
    assert.equal((await r.scan()).watched, true);
    assert.equal(r.store.size, before, 'without a notice a scan between full passes cannot see it');
    now += 60_000;
    const full = await r.scan();
    assert.equal(full.watched, false, 'the full pass');
    assert.equal(r.store.size, before + 1, 'the full pass sees it');
    assert.equal(r.watching, true, 'the notice may still be on its way');
    now += 1_000;
    const next = await r.scan();
    assert.equal(r.watching, false, 'no notice came: given up');
    assert.equal(next.watched, false);
    fs.appendFileSync(logFiles()[1], line('2026-12-07T11:10:00Z'));
    now += 1_000;
    await r.scan();
    assert.equal(r.store.size, before + 2, 'every scan stats everything now');
  });

  it('follows a project deleted and made again, and keeps notices through the next full pass', async () => {
    let now = 0;
    const r = reader({ fullPassMs: 60_000, now: () => now });
    try {
      await r.scan();
      await r.scan();
      const project = path.dirname(logFiles()[0]);
      fs.rmSync(project, { recursive: true });
      now += 1_000;
      await r.scan();
      fs.mkdirSync(project);
      fs.writeFileSync(path.join(project, 'again.jsonl'), line('2026-12-07T11:00:00Z'));
      now += 1_000;
      await r.scan();
      const size = r.store.size;
      for (let i = 0; i < 2; i++) {
        fs.appendFileSync(path.join(project, 'again.jsonl'), line(`2026-12-07T11:1${i}:00Z`));
        now += 1_000;
        const s = await r.scan();
        assert.equal(s.watched, true, `scan ${i} used notices`);
        assert.equal(r.store.size, size + i + 1, 'the new directory is watched');
      }
      now += 60_000;
      await r.scan();
      now += 1_000;
      await r.scan();
      assert.equal(r.watching, true, 'nothing was missed, so notices stay');
    } finally {
      r.abort();
    }
  });

  it('drops a removed directory that held no log without reading everything again', async () => {
    const r = reader();
    try {
      const empty = path.join(path.dirname(logFiles()[0]), 'empty-session');
      fs.mkdirSync(empty);
      await r.scan();
      await r.scan();
      fs.mkdirSync(path.join(empty, 'subagents'));
      await r.scan();
      await r.scan();
      fs.rmSync(empty, { recursive: true });
      const s = await r.scan();
      assert.equal(s.fromScratch, false);
      assert.equal(s.bytesRead, 0);
      const after = await countingStats(() => r.scan());
      assert.equal(after.result.watched, true, 'notices go on without the removed directories');
      assert.equal(after.calls, 0);
    } finally {
      r.abort();
    }
  });

  it('reads a root added after the start at the next scan', async () => {
    const store = new EntryStore(new Pricer());
    const r = new LogReader([], store);
    try {
      await r.scan();
      await r.scan();
      r.roots.push(projects);
      const s = await r.scan();
      assert.ok(s.files > 3 && store.size > 0, 'read at once, not at the next full pass');
      assert.equal(s.watched, false);
    } finally {
      r.abort();
    }
  });

  it('keeps notices when the full pass finds only what notices told of', async () => {
    let now = 0;
    const r = reader({ fullPassMs: 60_000, now: () => now });
    try {
      await r.scan();
      await r.scan();
      for (let i = 0; i < 3; i++) {
        fs.appendFileSync(logFiles()[i], line(`2026-12-07T11:0${i}:00Z`));
        now += 61_000;
        assert.equal((await r.scan()).watched, false);
        now += 1_000;
        assert.equal((await r.scan()).watched, true);
        assert.equal(r.watching, true);
      }
    } finally {
      r.abort();
    }
  });

  it('reports exactly what a reader without notices reports, over random changes', async () => {
    const watched = reader();
    const plain = reader({ watch: false });
    let seed = 11;
    const rnd = (n) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    try {
      for (let step = 0; step < 40; step++) {
        const files = logFiles();
        const minute = String(step % 60).padStart(2, '0');
        const op = rnd(10);
        if (op < 6) fs.appendFileSync(files[rnd(files.length)], line(`2026-12-07T1${rnd(2)}:${minute}:00Z`));
        else if (op < 8) fs.writeFileSync(path.join(path.dirname(files[rnd(files.length)]), `s-${step}.jsonl`), line(`2026-12-07T11:${minute}:30Z`));
        else if (op < 9) {
          const dir = path.join(projects, `-p${step}`, 'sess', 'subagents');
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, 'a.jsonl'), line(`2026-12-07T10:${minute}:00Z`));
        } // else: nothing changes
        const a = await watched.scan();
        await plain.scan();
        assert.deepEqual(report(watched), report(plain), `step ${step}`);
        if (step > 1) assert.equal(a.watched, true, `step ${step} used notices`);
      }
    } finally {
      watched.abort();
    }
  });
});
