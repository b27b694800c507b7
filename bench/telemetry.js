'use strict';
// claude-code-telemetry figures: records per second accepted over HTTP by a real Node-RED
// (gzip'd OTLP JSON batches from three machines, a bounded count), and the memory, kept
// state and report time of two billing periods of heavy use folded in one process.
// Run: npm run build && node --expose-gc bench/telemetry.js [--records 60000] [--per-day 3000]
const zlib = require('node:zlib');
const path = require('node:path');
const root = path.resolve(__dirname, '..');
const { startNodeRed } = require(path.join(root, 'test', 'support', 'red-process'));
const { apiRequest, logsBody } = require(path.join(root, 'test', 'telemetry', 'otlp'));
const { parseLogsBody } = require(path.join(root, 'dist', 'nodes', 'lib', 'schemas', 'otlp'));
const { TelemetryFold } = require(path.join(root, 'dist', 'nodes', 'lib', 'telemetry', 'fold'));
const { Pricer } = require(path.join(root, 'dist', 'nodes', 'lib', 'code-usage', 'pricing'));

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const RECORDS = Math.min(arg('records', 60_000), 500_000);
const PER_DAY = arg('per-day', 3000);
const BATCH = 200;
const TOKEN = 'bench-telemetry-token-0123456789abcdef';
const HOSTS = ['desk', 'laptop', 'server'];

function batch(host, start, count, base) {
  const records = [];
  for (let i = 0; i < count; i++) records.push(apiRequest(new Date(base + (start + i) * 1000).toISOString(), `${host}-${start + i}`, { cost_usd: 0.01, cache_read_tokens: 20000 }));
  return zlib.gzipSync(JSON.stringify(logsBody(host, records)));
}

async function overHttp() {
  const red = await startNodeRed();
  try {
    await red.deploy([
      { id: 'tab', type: 'tab', label: 'bench' },
      { id: 'tele', z: 'tab', type: 'claude-code-telemetry', name: 'bench', path: '/claude-usage/otlp', billingDay: '1', timezone: 'UTC', monthlySessions: '50', blockEndingMinutes: '30', inactivityMinutes: '10', credentials: { token: TOKEN }, wires: [[], []] },
    ]);
    const base = Date.now() - 4 * 3600_000;
    const bodies = [];
    for (let n = 0; n < RECORDS; n += BATCH) bodies.push(batch(HOSTS[(n / BATCH) % 3], n, Math.min(BATCH, RECORDS - n), base));
    const url = `${red.url}/claude-usage/otlp/v1/logs`;
    const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` };
    let next = 0;
    const t0 = process.hrtime.bigint();
    // three exporters posting at once, as three machines would
    await Promise.all(
      HOSTS.map(async () => {
        while (next < bodies.length) {
          const body = bodies[next++];
          const res = await fetch(url, { method: 'POST', headers, body });
          if (res.status !== 200) throw new Error(`answer ${res.status}: ${await res.text()}`);
          await res.arrayBuffer();
        }
      }),
    );
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(`HTTP: ${RECORDS} api_request records in ${bodies.length} gzip'd batches of ${BATCH}, 3 senders: ${ms.toFixed(0)} ms, ${Math.round(RECORDS / (ms / 1000))} records/s accepted`);
  } finally {
    await red.stop();
    red.cleanup();
  }
}

function month() {
  const gc = global.gc || (() => {});
  const now = Date.parse('2026-11-30T20:00:00Z');
  const from = Date.parse('2026-10-01T00:00:00Z');
  const days = Math.round((now - from) / 86_400_000);
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const fold = new TelemetryFold(new Pricer(), { billingDay: 1, timeZone: 'UTC', monthlySessions: 50 });
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let d = 0; d < days; d++) {
    for (let start = 0; start < PER_DAY; start += 500) {
      const records = [];
      for (let i = start; i < Math.min(PER_DAY, start + 500); i++) {
        const t = from + d * 86_400_000 + 8 * 3600_000 + Math.floor((i * 12 * 3600_000) / PER_DAY);
        records.push(apiRequest(new Date(t).toISOString(), `${d}-${i}`, { cost_usd: 0.02, cache_read_tokens: 40000, model: i % 3 ? 'claude-sonnet-4-6' : 'claude-opus-4-7' }));
      }
      const body = JSON.stringify(logsBody(HOSTS[(d + start) % 3], records));
      fold.ingest(parseLogsBody(Buffer.from(body)).records, from + d * 86_400_000 + 21 * 3600_000);
      total += records.length;
    }
  }
  const foldMs = Number(process.hrtime.bigint() - t0) / 1e6;
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  const t1 = process.hrtime.bigint();
  const report = fold.report(now);
  const reportMs = Number(process.hrtime.bigint() - t1) / 1e6;
  const t2 = process.hrtime.bigint();
  const state = JSON.stringify(fold.toState());
  const stateMs = Number(process.hrtime.bigint() - t2) / 1e6;
  console.log(
    `A month of heavy use: ${PER_DAY} requests a day for ${days} days (${total} records; kept ${fold.size}, two billing periods), ` +
      `parse + fold ${Math.round(total / (foldMs / 1000))} records/s in-process; heap ${((heap1 - heap0) / 1048576).toFixed(1)} MiB${global.gc ? '' : ' (run with --expose-gc for a steady figure)'}; ` +
      `report ${reportMs.toFixed(1)} ms (${report.blocks.length} blocks this period); kept state ${(state.length / 1048576).toFixed(1)} MiB JSON, built in ${stateMs.toFixed(0)} ms`,
  );
}

(async () => {
  month();
  await overHttp();
})().catch((err) => {
  console.error(err);
  process.exit(1);
});
