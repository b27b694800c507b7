'use strict';
// Pipeline benchmark: many accounts → claude-threshold → claude-webhook (or a core `http request`
// node, --sink http) → a local webhook receiver,
// in a real Node-RED (localfilesystem context store, as a Home Assistant add-on runs it).
//
//   npm run build && npm run bench:pipeline -- [--accounts 100] [--minutes 5] [--source synthetic|demo]
//                                             [--sink webhook|http] [--tick 5] [--window 300] [--report 30]
//
// Sources (pluggable):
//   synthetic  an inject + function node emit claude-usage-shaped messages for every account each
//              `--tick` seconds; the 5-hour window is compressed to `--window` seconds, so usage
//              climbs, crosses thresholds and resets while you watch. Needs only claude-threshold.
//   demo       one claude-account (auth demo) + claude-usage node per account, polling every
//              30 s (the minimum), exactly as users wire it. Needs claude-usage on this branch.
//
// Figures: alert latency from crossing to delivery (the crossing sample's fetchedAt, which the
// alert carries as `at`, to its arrival at the receiver), alerts per minute, and the Node-RED
// process's CPU and RSS every `--report` seconds, so a leak shows as RSS climbing.
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const { execSync } = require('node:child_process');
const { startNodeRed } = require('../test/support/red-process');

const root = path.resolve(__dirname, '..');

function options(argv) {
  const o = { accounts: 100, minutes: 5, source: 'synthetic', sink: 'webhook', tick: 5, window: 300, report: 30 };
  const words = ['source', 'sink'];
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!(name in o)) throw new Error(`unknown option ${argv[i]}`);
    o[name] = words.includes(name) ? argv[i + 1] : Number(argv[i + 1]);
    if (!words.includes(name) && !(o[name] > 0)) throw new Error(`--${name} needs a positive number`);
  }
  if (!['synthetic', 'demo'].includes(o.source)) throw new Error('--source is synthetic or demo');
  if (!['webhook', 'http'].includes(o.sink)) throw new Error('--sink is webhook (claude-webhook) or http (core http request)');
  return o;
}

/** The webhook receiver: keeps each alert's latency (arrival − alert.at). */
async function startReceiver() {
  const latencies = [];
  let bad = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      try {
        const alert = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        latencies.push(arrived - Date.parse(alert.at));
      } catch {
        bad++;
      }
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/webhook`,
    latencies,
    get bad() {
      return bad;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * Function-node code simulating claude-usage output 1 for `accounts` accounts. Each tick
 * spreads the accounts' samples evenly over the tick, as independent pollers would.
 */
function syntheticSourceCode(o) {
  return `
const ACCOUNTS = ${o.accounts}, WINDOW_MS = ${o.window * 1000}, TICK_MS = ${o.tick * 1000};
const sims = context.get('sims') || {};
context.set('sims', sims);
const at = (ms) => new Date(ms).toISOString();
function sample(i) {
  const now = Date.now();
  const account = 'bench-' + i;
  let s = sims[account];
  if (!s) { // accounts start at random points of their windows, below every threshold
    const phase = Math.random();
    s = sims[account] = { resetsAt: now + (1 - phase) * WINDOW_MS, rate: 40 + Math.random() * 80, pct: 0, weekly: Math.random() * 50, weeklyResetsAt: now + 33.6 * WINDOW_MS };
    s.pct = Math.min(70, s.rate * phase);
  }
  if (now >= s.resetsAt) { // a new window, peaking somewhere between 40 % and 120 %
    s.resetsAt = now + WINDOW_MS;
    s.pct = 0;
    s.rate = 40 + Math.random() * 80;
  }
  s.pct = Math.min(150, s.pct + s.rate * (TICK_MS / WINDOW_MS) * (0.5 + Math.random()));
  s.weekly = Math.min(150, s.weekly + (0.02 + Math.random() * 0.05));
  const session = { pct: Math.round(s.pct * 10) / 10, resetsAt: at(s.resetsAt), resetsInMinutes: Math.round((s.resetsAt - now) / 60000) };
  const weekly = { pct: Math.round(s.weekly * 10) / 10, resetsAt: at(s.weeklyResetsAt), resetsInMinutes: Math.round((s.weeklyResetsAt - now) / 60000) };
  node.send({ topic: account, payload: {
    account, organization: null, plan: 'max_5x', fetchedAt: at(now), session, weekly,
    limits: [{ id: 'session', kind: 'session', label: '5-hour', ...session }, { id: 'weekly', kind: 'weekly', label: 'Weekly', ...weekly }],
    extraUsage: null, pace: { session: null, weekly: null }, cookie: null } });
}
for (let i = 0; i < ACCOUNTS; i++) setTimeout(() => sample(i), (i * TICK_MS) / ACCOUNTS);
return null;`;
}

function flows(o, receiverUrl) {
  const z = 'bench';
  const nodes = [{ id: z, type: 'tab', label: 'pipeline bench' }];
  const at = { x: 0, y: 0 };
  if (o.source === 'synthetic') {
    nodes.push(
      { id: 'tick', z, type: 'inject', name: 'tick', props: [], repeat: String(o.tick), crontab: '', once: true, onceDelay: 0.5, topic: '', ...at, wires: [['source']] },
      { id: 'source', z, type: 'function', name: 'synthetic claude-usage', func: syntheticSourceCode(o), outputs: 1, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], ...at, wires: [['threshold']] },
    );
  } else {
    for (let i = 0; i < o.accounts; i++) {
      nodes.push(
        { id: `acct${i}`, type: 'claude-account', name: `demo-${i}`, auth: 'demo', organization: '', credentialsFile: '', cookieSetAt: '', warnDays: 7, baseUrl: 'https://claude.ai', oauthBaseUrl: 'https://api.anthropic.com', proxy: '', transport: 'undici' },
        { id: `usage${i}`, z, type: 'claude-usage', name: '', account: `acct${i}`, interval: 30, history: 2016, ...at, wires: [['threshold'], []] },
      );
    }
  }
  const threshold = { id: 'threshold', z, type: 'claude-threshold', name: '', session: '75,90,95', weekly: '75,90,95', scoped: '', extra: '', cooldownHours: 4, rearmPct: 5, notifyReset: true, pace: false, timezone: 'UTC', ...at };
  if (o.sink === 'webhook') {
    // claude-webhook with an empty template posts the alert object itself.
    nodes.push(
      { ...threshold, wires: [['webhook']] },
      { id: 'webhook', z, type: 'claude-webhook', name: '', method: 'POST', headers: '', template: '', credentials: { url: receiverUrl }, ...at, wires: [[]] },
    );
  } else {
    nodes.push(
      { ...threshold, wires: [['toBody']] },
      { id: 'toBody', z, type: 'change', name: 'alert → payload', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'alert', tot: 'msg' }], ...at, wires: [['webhook']] },
      { id: 'webhook', z, type: 'http request', name: 'webhook', method: 'POST', ret: 'txt', paytoqs: 'ignore', url: receiverUrl, tls: '', persist: true, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [], ...at, wires: [] },
    );
  }
  return nodes;
}

/** The Node-RED process: our child (Node-RED renames its process, so the command line won't tell). */
function findChildPid() {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid) return Number(entry);
    } catch {
      /* gone */
    }
  }
  throw new Error('Node-RED process not found');
}

const CLK_TCK = Number(execSync('getconf CLK_TCK').toString().trim()) || 100;

function processUsage(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK; // utime + stime
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  return { cpuMs, rssMb: rssKb / 1024, at: Date.now() };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fmt = (n, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main() {
  const o = options(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, 'dist', 'nodes', 'claude-threshold.js'))) throw new Error('run `npm run build` first');
  if (o.source === 'demo' && !fs.existsSync(path.join(root, 'dist', 'nodes', 'claude-usage.js'))) throw new Error('--source demo needs claude-usage (merge main and build)');
  if (o.sink === 'webhook' && !fs.existsSync(path.join(root, 'dist', 'nodes', 'claude-channels.js'))) throw new Error('--sink webhook needs claude-webhook (the claude-channels set); use --sink http');

  const receiver = await startReceiver();
  const red = await startNodeRed({ settings: { contextStorage: { default: { module: 'localfilesystem' } } } });
  const stopAll = async () => {
    await red.stop();
    red.cleanup();
    await receiver.close();
  };
  process.once('SIGINT', () => void stopAll().then(() => process.exit(130)));
  try {
    await red.deploy(flows(o, receiver.url));
    const pid = findChildPid();
    console.log(`pipeline bench: ${o.accounts} accounts, source ${o.source}, sink ${o.sink === 'webhook' ? 'claude-webhook' : 'core http request'}, ${o.minutes} min, Node ${process.version}, Node-RED pid ${pid}`);
    if (o.source === 'synthetic') console.log(`  synthetic: one sample per account every ${o.tick} s, spread over the tick (${fmt(o.accounts / o.tick)} msg/s), 5-hour window compressed to ${o.window} s`);
    console.log('  elapsed  alerts  alerts/min  p50 ms  p99 ms  CPU %  RSS MB');

    const start = processUsage(pid);
    const rss = [start.rssMb];
    let last = start;
    let lastCount = 0;
    const endAt = start.at + o.minutes * 60_000;
    while (Date.now() < endAt) {
      await sleep(Math.min(o.report * 1000, endAt - Date.now()));
      const now = processUsage(pid);
      const lat = [...receiver.latencies].sort((a, b) => a - b);
      const cpu = (100 * (now.cpuMs - last.cpuMs)) / (now.at - last.at);
      const perMin = ((lat.length - lastCount) * 60_000) / (now.at - last.at);
      console.log(`  ${fmt((now.at - start.at) / 1000, 0).padStart(6)} s ${String(lat.length).padStart(7)} ${fmt(perMin).padStart(11)} ${fmt(percentile(lat, 50), 0).padStart(7)} ${fmt(percentile(lat, 99), 0).padStart(7)} ${fmt(cpu).padStart(6)} ${fmt(now.rssMb).padStart(7)}`);
      rss.push(now.rssMb);
      last = now;
      lastCount = lat.length;
    }

    const lat = [...receiver.latencies].sort((a, b) => a - b);
    const minutes = (last.at - start.at) / 60_000;
    const half = Math.floor(rss.length / 2);
    const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
    // Messages from nodes ("[warn] [type:name] …"), not the start-up banner.
    const problems = red.log.split('\n').filter((l) => /\[(error|warn)\] \[/.test(l));
    if (problems.length > 0) console.log(`\nNode-RED logged ${problems.length} warnings/errors, first: ${problems.slice(0, 3).join(' | ')}`);
    console.log('\nsummary');
    console.log(`  alerts delivered   ${lat.length} (${fmt(lat.length / minutes)} per min), unreadable ${receiver.bad}`);
    console.log(`  latency ms         p50 ${fmt(percentile(lat, 50), 0)}  p99 ${fmt(percentile(lat, 99), 0)}  max ${fmt(lat[lat.length - 1], 0)}  (crossing sample's fetchedAt → webhook receiver)`);
    console.log(`  CPU                ${fmt((100 * (last.cpuMs - start.cpuMs)) / (last.at - start.at))} % of one core on average (Node-RED process)`);
    console.log(`  RSS MB             start ${fmt(start.rssMb)}  end ${fmt(last.rssMb)}  max ${fmt(Math.max(...rss))}  mean 1st half ${fmt(mean(rss.slice(0, half || 1)))}  2nd half ${fmt(mean(rss.slice(half)))}`);
  } finally {
    await stopAll();
  }
}

main().catch((err) => {
  console.error(err.stack || String(err));
  process.exit(1);
});
