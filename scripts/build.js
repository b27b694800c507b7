'use strict';
// Compiles nodes/**/*.ts to dist/nodes and copies what Node-RED loads beside each
// node's .js: its editor .html, its locale files, and the icons folder (Node-RED
// looks for icons next to the node file, not at the package root).
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'nodes');
const out = path.join(root, 'dist', 'nodes');

let tsc;
try {
  tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
} catch {
  // Installed as a dependency without dev tools: a published package ships dist/.
  if (fs.existsSync(out)) process.exit(0);
  console.error('build: typescript is not installed and dist/ is missing');
  process.exit(1);
}

fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', root], { stdio: 'inherit' });
// AssemblyScript → WebAssembly: the Claude Code log line scanner (see nodes/lib/code-usage/line-scanner.ts).
execFileSync(
  process.execPath,
  [
    require.resolve('assemblyscript/bin/asc.js', { paths: [root] }),
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
    if (entry.isDirectory()) copyTree(a, b, keep);
    else if (keep(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(a, b);
    }
  }
}

copyTree(src, out, (name) => name.endsWith('.html') || name.endsWith('.json'));
copyTree(path.join(root, 'icons'), path.join(out, 'icons'), () => true);
