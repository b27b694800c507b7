'use strict';
// `npm start`: Node-RED (the dev dependency) with this package and Dashboard 2.0, a user dir
// inside the repository (.node-red/, git-ignored), and every example flow on demo accounts
// loaded on first start. PORT and HOST override 1880 and 127.0.0.1.
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');

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

/** Every example's nodes in one flow file; shared config nodes (same id) once. */
function exampleFlows() {
  const dir = path.join(root, 'examples');
  const byId = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    for (const n of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) if (!byId.has(n.id)) byId.set(n.id, n);
  }
  return [...byId.values()];
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
const flowFile = path.join(userDir, 'flows.json');
if (!fs.existsSync(flowFile)) fs.writeFileSync(flowFile, JSON.stringify(exampleFlows(), null, 2));

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
