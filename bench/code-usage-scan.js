'use strict';
// One first scan of a Claude Code log tree with the claude-code-usage reader, as a
// separate process (so its wall time and peak RSS compare with ccusage's), then N idle
// rescans. Prints JSON; with idle rescans also every block's start, tokens and cost (to
// check agreement with ccusage). Usage: node bench/code-usage-scan.js <claude-dir> [idleRescans]
// PARALLEL_MIN_MB=n sets when the first scan uses a worker thread (0: always, Infinity: never).
const path = require('node:path');
const lib = (p) => require(path.join(__dirname, '..', 'dist', 'nodes', 'lib', 'code-usage', p));
const { Pricer } = lib('pricing');
const { EntryStore } = lib('entries');
const { LogReader } = lib('reader');
const { buildReport } = lib('report');
const { buildBlocks } = lib('blocks');

(async () => {
  const dir = process.argv[2];
  const idle = Number(process.argv[3] || 0);
  const t0 = performance.now();
  const store = new EntryStore(new Pricer());
  const parallelMinMB = process.env.PARALLEL_MIN_MB;
  const reader = new LogReader([path.join(dir, 'projects')], store, parallelMinMB ? Number(parallelMinMB) * 2 ** 20 : undefined);
  await reader.scan();
  const report = buildReport(store, { host: 'bench', billingDay: 1, timeZone: 'UTC', monthlySessions: 50 }, Date.now());
  const firstMs = performance.now() - t0;
  const idleMs = [];
  for (let i = 0; i < idle; i++) {
    const t = performance.now();
    const stats = await reader.scan();
    if (stats.changed) throw new Error('idle rescan found changes');
    idleMs.push(performance.now() - t);
  }
  const all = idle > 0 ? buildBlocks(store.sorted(), Date.now()).map((b) => [b.startTime, b.totalTokens, b.costUSD]) : undefined;
  console.log(JSON.stringify({ firstMs, idleMs, entries: store.size, blocks: report.blocks.length, all }));
})();
