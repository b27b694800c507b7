'use strict';
// `npm start`: Node-RED (the dev dependency) with this package and Dashboard 2.0, a user dir
// inside the repository (.node-red/, git-ignored), and every example flow on demo accounts
// loaded on first start, Claude Code nodes in demo mode. PORT and HOST override 1880 and 127.0.0.1. MQTT nodes whose broker
// does not answer then are loaded disabled (said once), so that no connection error repeats.
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { combinedExamples } = require('./examples');

const root = path.resolve(__dirname, '..');
const userDir = path.join(root, '.node-red');
const port = Number(process.env.PORT) || 1880;
const host = process.env.HOST || '127.0.0.1';

function link(name, target) {
  const at = path.join(userDir, 'node_modules', ...name.split('/'));
  if (fs.existsSync(at)) return;
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'dir');
}

/** Whether something accepts TCP connections at host:port within a second. */
function answers(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 1000 });
    const end = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => end(true));
    socket.once('timeout', () => end(false));
    socket.once('error', () => end(false));
  });
}

/** Disables the mqtt in/out nodes of brokers that do not answer, saying so once. */
async function withoutUnreachableBrokers(nodes) {
  for (const broker of nodes.filter((n) => n.type === 'mqtt-broker')) {
    const port = Number(broker.port) || 1883;
    if (await answers(broker.broker, port)) continue;
    const users = nodes.filter((n) => (n.type === 'mqtt in' || n.type === 'mqtt out') && n.broker === broker.id);
    for (const n of users) n.d = true;
    const tab = nodes.find((n) => n.id === users[0]?.z);
    console.log(`No MQTT broker at ${broker.broker}:${port}: the MQTT nodes of "${tab?.label ?? 'the Home Assistant example'}" are loaded disabled. Set the broker, enable them and deploy.`);
  }
  return nodes;
}

if (!fs.existsSync(path.join(root, 'dist', 'nodes'))) execFileSync(process.execPath, [path.join(__dirname, 'build.js')], { stdio: 'inherit' });
fs.mkdirSync(userDir, { recursive: true });
link('@claude-usage/node-red-claude-usage', root);
link('@flowfuse/node-red-dashboard', path.join(root, 'node_modules', '@flowfuse', 'node-red-dashboard'));

const settingsFile = path.join(userDir, 'settings.js');
if (!fs.existsSync(settingsFile)) {
  fs.writeFileSync(
    settingsFile,
    `// Written by npm start; edit freely (see https://nodered.org/docs/user-guide/runtime/configuration).
module.exports = {
  uiHost: process.env.HOST || '127.0.0.1',
  uiPort: Number(process.env.PORT) || 1880,
  flowFile: 'flows.json',
  contextStorage: { default: { module: 'localfilesystem' } },
  logging: { console: { level: 'info' } },
  editorTheme: { tours: false, projects: { enabled: false } },
};
`,
  );
}
async function main() {
  const flowFile = path.join(userDir, 'flows.json');
  if (!fs.existsSync(flowFile)) fs.writeFileSync(flowFile, JSON.stringify(await withoutUnreachableBrokers(combinedExamples({ demo: true })), null, 2));

  const red = path.join(path.dirname(require.resolve('node-red/package.json')), 'red.js');
  const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', settingsFile], { stdio: ['inherit', 'pipe', 'inherit'] });
  let announced = false;
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    if (!announced && /Started flows/.test(String(chunk))) {
      announced = true;
      const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
      console.log(`\n  Node-RED editor:  ${base}/\n  Dashboard:        ${base}/dashboard\n  (demo usage shows in the editor's debug sidebar within a minute; Ctrl-C stops)\n`);
    }
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
