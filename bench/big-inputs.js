'use strict';
// Big inputs for the claude-code-usage reader: one session file of 1 GiB, and a file with a
// 100 MB line (a huge tool result) between ordinary lines. Each is scanned in a fresh process
// (so its peak RSS is its own), and the counts are checked: every usage line of the big file,
// and every line after the huge one. A line longer than 64 MiB is skipped and counted, never
// read into memory whole. Prints figures; run after a build:
//   npm run build && node bench/big-inputs.js [--gib 1] [--line-mb 100]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

const T0 = Date.parse('2026-11-20T08:00:00Z');

function usageLine(i, pad) {
  return JSON.stringify({
    type: 'assistant',
    timestamp: new Date(T0 + i * 1000).toISOString(),
    sessionId: 'big-session',
    requestId: `req_${i}`,
    message: { id: `msg_${i}`, model: 'claude-sonnet-4-5', role: 'assistant', content: [{ type: 'text', text: pad }], usage: { input_tokens: 3, output_tokens: 100, cache_creation_input_tokens: 10, cache_read_input_tokens: 1000 } },
  });
}

/** Writes `bytes` of usage lines into one file; returns the number of lines. */
function writeBigFile(file, bytes) {
  const pad = 'x'.repeat(1800);
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let lines = 0;
  try {
    while (written < bytes) {
      const chunk = [];
      for (let k = 0; k < 2000; k++) chunk.push(usageLine(lines++, pad));
      const text = `${chunk.join('\n')}\n`;
      fs.writeSync(fd, text);
      written += Buffer.byteLength(text);
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

/** A few lines, one huge line, then `after` lines; returns the usage lines that must count. */
function writeHugeLineFile(file, lineBytes, after) {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `${usageLine(0, 'before')}\n`);
    // a tool result as Claude Code writes it: one JSON line, here `lineBytes` long
    const head = '{"type":"user","timestamp":"2026-11-20T08:00:01.000Z","message":{"role":"user","content":[{"type":"tool_result","content":"';
    const tail = '"}]}}\n';
    fs.writeSync(fd, head);
    const block = 'y'.repeat(1 << 20);
    for (let left = lineBytes - head.length - tail.length; left > 0; left -= block.length) fs.writeSync(fd, left >= block.length ? block : block.slice(0, left));
    fs.writeSync(fd, tail);
    for (let i = 1; i <= after; i++) fs.writeSync(fd, `${usageLine(i + 10, 'after')}\n`);
  } finally {
    fs.closeSync(fd);
  }
  return 1 + after;
}

/** Scans `dir` in a fresh process: its wall time, peak RSS and counts. */
function scan(dir) {
  const child = `
    const path = require('node:path');
    const lib = (p) => require(path.join(${JSON.stringify(path.join(__dirname, '..', 'dist', 'nodes', 'lib', 'code-usage'))}, p));
    const { Pricer } = lib('pricing');
    const { EntryStore } = lib('entries');
    const { LogReader } = lib('reader');
    (async () => {
      const idle = process.memoryUsage().rss;
      const store = new EntryStore(new Pricer());
      const reader = new LogReader([${JSON.stringify(path.join(dir, 'projects'))}], store);
      const t = performance.now();
      const stats = await reader.scan();
      const ms = performance.now() - t;
      console.log(JSON.stringify({ ms, entries: store.size, corruptLines: stats.corruptLines, bytesRead: stats.bytesRead, idleMiB: idle / 2 ** 20, peakMiB: process.resourceUsage().maxRSS / 1024 }));
    })().catch((err) => { console.error(err); process.exit(1); });`;
  const r = spawnSync(process.execPath, ['-e', child], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scan failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

function report(title, want, got) {
  const ok = got.entries === want.entries && got.corruptLines === want.corruptLines;
  console.log(`\n${title}`);
  console.log(`  scan: ${got.ms.toFixed(0)} ms, ${(got.bytesRead / 2 ** 20).toFixed(0)} MiB read, peak RSS ${got.peakMiB.toFixed(0)} MiB (${(got.peakMiB - got.idleMiB).toFixed(0)} MiB above the process's start)`);
  console.log(`  entries counted: ${got.entries} of ${want.entries}; lines skipped: ${got.corruptLines} (expected ${want.corruptLines}) → ${ok ? 'ok' : 'WRONG'}`);
  return ok;
}

function main() {
  const gib = arg('gib', 1);
  const lineMb = arg('line-mb', 100);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'big-inputs-'));
  let ok = true;
  try {
    const big = path.join(work, 'big', 'projects', '-home-me-app');
    fs.mkdirSync(big, { recursive: true });
    const lines = writeBigFile(path.join(big, 'session.jsonl'), gib * 2 ** 30);
    ok = report(`one session file of ${gib} GiB (${lines} usage lines)`, { entries: lines, corruptLines: 0 }, scan(path.join(work, 'big'))) && ok;
    fs.rmSync(path.join(work, 'big'), { recursive: true, force: true });

    const huge = path.join(work, 'huge', 'projects', '-home-me-app');
    fs.mkdirSync(huge, { recursive: true });
    const after = 1000;
    const counted = writeHugeLineFile(path.join(huge, 'session.jsonl'), lineMb * 1e6, after);
    ok = report(`a ${lineMb} MB line between ${counted} usage lines (the line skipped above 64 MiB, the ${after} after it counted)`, { entries: counted, corruptLines: lineMb * 1e6 > 64 * 2 ** 20 ? 1 : 0 }, scan(path.join(work, 'huge'))) && ok;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (!ok) process.exit(1);
}

main();
