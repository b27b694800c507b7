'use strict';
// Delivery core throughput and latency against the local fakes (loopback, no retries):
// N alerts to one destination (serialised by the per-destination queue) and the same
// N spread over one destination per service (in parallel). Prints figures; asserts nothing.
// Run: npm run bench:channels   (builds first; N=400 by default, BENCH_N to change)
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
execFileSync(process.execPath, [path.join(root, 'scripts', 'build.js')], { stdio: 'inherit' });

const lib = (name) => require(path.join(root, 'dist', 'nodes', 'lib', name));
const { deliver } = lib('delivery/core');
const { DestinationQueues } = lib('delivery/queue');
const { makeAlert } = lib('alert');
const adapters = {
  discord: lib('delivery/adapters/discord').discordAdapter,
  pushover: lib('delivery/adapters/pushover').pushoverAdapter,
  matrix: lib('delivery/adapters/matrix').matrixAdapter,
  ntfy: lib('delivery/adapters/ntfy').ntfyAdapter,
  telegram: lib('delivery/adapters/telegram').telegramAdapter,
  webhook: lib('delivery/adapters/webhook').webhookAdapter,
};

const N = Number(process.env.BENCH_N) || 400;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(label, jobs) {
  const queues = new DestinationQueues(jobs.length); // the nodes' shared queues hold at most 100 waiting per destination
  const latencies = [];
  const started = process.hrtime.bigint();
  const results = await Promise.all(
    jobs.map(async ({ adapter, config, alert }) => {
      const t0 = process.hrtime.bigint();
      const r = await queues.run(adapter.destination(config), () => deliver(adapter, config, alert));
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      return r;
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failed = results.filter((r) => !r.ok).length;
  latencies.sort((a, b) => a - b);
  const perAttempt = results.reduce((s, r) => s + r.attempts, 0) / results.length;
  console.log(
    `${label.padEnd(34)} ${String(jobs.length).padStart(5)} alerts  ${(jobs.length / seconds).toFixed(0).padStart(6)} alerts/s  ` +
      `queue wait+send p50 ${percentile(latencies, 50).toFixed(1)} ms  p99 ${percentile(latencies, 99).toFixed(1)} ms  attempts/alert ${perAttempt.toFixed(2)}  failed ${failed}`,
  );
}

async function main() {
  const fakes = {
    discord: await require('../test/fakes/discord').startDiscordFake(),
    pushover: await require('../test/fakes/pushover').startPushoverFake(),
    matrix: await require('../test/fakes/matrix').startMatrixFake(),
    ntfy: await require('../test/fakes/ntfy').startNtfyFake(),
    telegram: await require('../test/fakes/telegram').startTelegramFake(),
    webhook: await require('../test/fakes/webhook').startWebhookFake(),
  };
  const configs = {
    discord: { url: fakes.discord.webhookUrl, username: 'bench' },
    pushover: { token: fakes.pushover.token, user: fakes.pushover.user, device: '', sound: '', priority: 'auto', apiUrl: fakes.pushover.url },
    matrix: { accessToken: fakes.matrix.accessToken, homeserver: fakes.matrix.url, room: fakes.matrix.roomId, msgtype: 'm.text' },
    ntfy: { token: '', server: fakes.ntfy.url, topic: 'bench', tags: '' },
    telegram: { botToken: fakes.telegram.botToken, chatId: fakes.telegram.chatId, apiUrl: fakes.telegram.url },
    webhook: { url: fakes.webhook.n8nUrl, method: 'POST', headers: '', template: '' },
  };
  const alertN = (i) => makeAlert({ title: `Claude 5-hour usage at ${i}%`, message: `work: 5-hour window at ${i}%`, account: 'work', kind: 'threshold', limit_type: 'session', level: 'warning', pct: i, threshold: 90 });
  const names = Object.keys(adapters);
  console.log(`node ${process.version}, ${N} alerts per run, loopback fakes`);
  await run('one Discord webhook (in order)', Array.from({ length: N }, (_, i) => ({ adapter: adapters.discord, config: configs.discord, alert: alertN(i) })));
  await run('six services (one queue each)', Array.from({ length: N }, (_, i) => {
    const name = names[i % names.length];
    return { adapter: adapters[name], config: configs[name], alert: alertN(i) };
  }));
  for (const f of Object.values(fakes)) await f.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
