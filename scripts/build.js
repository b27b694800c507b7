'use strict';
// Compiles nodes/**/*.ts to dist/nodes and the Claude Code log line scanner
// (AssemblyScript) to dist/nodes/lib/code-usage/line-scanner.wasm, and copies what
// Node-RED loads beside each node's .js: its editor .html, its locale files, and the
// icons folder (Node-RED looks for icons next to the node file, not at the package root).
// The channel nodes are one node set (claude-channels): their editors, texts and help stay
// one file per channel and are joined here, in the channels table's order, into the set's.
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'nodes');
const out = path.join(root, 'dist', 'nodes');

const resolve = (id) => {
  try {
    return require.resolve(id, { paths: [root] });
  } catch {
    return null;
  }
};
const tsc = resolve('typescript/bin/tsc');
const asc = resolve('assemblyscript/bin/asc.js');
// Installed as a dependency without dev tools: a published package ships dist/.
if (!tsc && !asc && fs.existsSync(out)) process.exit(0);
// The test suite packs the tree it has built (test/support/pack.js) while other suites run on it.
if (process.env.CLAUDE_USAGE_KEEP_DIST === '1' && fs.existsSync(out)) process.exit(0);
if (!tsc || !asc) {
  console.error('build: typescript and assemblyscript (dev dependencies) are needed: run npm install');
  process.exit(1);
}

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
// AssemblyScript → WebAssembly: the Claude Code log line scanner (see nodes/lib/code-usage/line-scanner.ts).
execFileSync(
  process.execPath,
  [
    asc,
    path.join(src, 'lib', 'code-usage', 'assembly', 'line-scanner.ts'),
    ...['--outFile', path.join(out, 'lib', 'code-usage', 'line-scanner.wasm')],
    ...['-O3', '--runtime', 'stub', '--noAssert', '--enable', 'simd'],
  ],
  { stdio: 'inherit' },
);

function copyTree(from, to, keep) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'assembly') copyTree(a, b, keep); // compiled to .wasm above
    } else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(a, b);
    }
  }
}

const { joinChannelSet } = require('./channel-set');
const { CHANNELS, CHANNEL_SET } = require(path.join(out, 'lib', 'delivery', 'channels.js'));
let channelSet;
try {
  channelSet = joinChannelSet({ src, set: CHANNEL_SET, channels: CHANNELS.map((c) => c.type), sets: Object.keys(require(path.join(root, 'package.json'))['node-red'].nodes) });
} catch (err) {
  console.error(`build: ${err.message}`);
  process.exit(1);
}
copyTree(src, out, (name) => (name.endsWith('.html') || name.endsWith('.json')) && !channelSet.sources.has(name));
for (const [file, text] of Object.entries(channelSet.files)) {
  fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
  fs.writeFileSync(path.join(out, file), text);
}
copyTree(path.join(root, 'icons'), path.join(out, 'icons'), () => true);
