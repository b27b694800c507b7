'use strict';
// What `npm publish` would ship: every node set's compiled .js with its editor .html and its texts
// and help in every language beside it, the icons where Node-RED looks (next to the node files), and the examples.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, nodeSets } = require('../support/node-red');
const { packedFiles } = require('../support/pack');

describe('package contents', function () {
  this.timeout(60_000);
  const pkg = require(path.join(root, 'package.json'));
  let files;
  before(() => {
    files = packedFiles();
  });

  it('declares what the flow library asks for', () => {
    assert.equal(pkg.name, '@claude-usage/node-red-claude-usage');
    for (const k of ['node-red', 'claude', 'anthropic', 'home-assistant']) assert.ok(pkg.keywords.includes(k), k);
    assert.ok(pkg.license && pkg.repository && pkg.engines.node);
    assert.equal(pkg['node-red'].version, '>=4.0.0');
    assert.deepEqual(Object.keys(pkg.dependencies).sort(), ['undici', 'zod']);
  });

  it('ships each node set with its editor file, texts and help in every language, and the icons beside them', () => {
    const sets = nodeSets();
    assert.deepEqual(Object.keys(pkg['node-red'].nodes), Object.keys(sets));
    for (const [set, file] of Object.entries(pkg['node-red'].nodes)) {
      assert.equal(file, `dist/nodes/${set}.js`);
      assert.ok(files.has(file), `${file}`);
      assert.ok(files.has(`dist/nodes/${set}.html`), `${set} editor`);
      for (const lang of fs.readdirSync(path.join(root, 'nodes', 'locales'))) {
        assert.ok(files.has(`dist/nodes/locales/${lang}/${set}.json`), `${set} ${lang} texts`);
        assert.ok(files.has(`dist/nodes/locales/${lang}/${set}.html`), `${set} ${lang} help`);
      }
    }
    // Each node type's editor, texts and help are in its set's files.
    for (const [set, types] of Object.entries(sets)) {
      const editor = fs.readFileSync(path.join(root, 'dist', 'nodes', `${set}.html`), 'utf8');
      assert.deepEqual([...editor.matchAll(/data-template-name="([^"]+)"/g)].map((m) => m[1]), types, `${set} editors`);
      for (const lang of fs.readdirSync(path.join(root, 'nodes', 'locales'))) {
        const texts = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'nodes', 'locales', lang, `${set}.json`), 'utf8'));
        const help = fs.readFileSync(path.join(root, 'dist', 'nodes', 'locales', lang, `${set}.html`), 'utf8');
        assert.deepEqual([...help.matchAll(/data-help-name="([^"]+)"/g)].map((m) => m[1]), types, `${set} ${lang} help`);
        for (const type of types) assert.ok(texts[type], `${type} ${lang} texts`);
      }
    }
    const icons = [...files].filter((f) => f.startsWith('dist/nodes/icons/'));
    assert.ok(icons.length >= 5, 'icons next to the node files');
    assert.ok([...files].some((f) => f.startsWith('examples/') && f.endsWith('.json')), 'examples');
    assert.ok(files.has('dist/nodes/lib/code-usage/line-scanner.wasm'), 'the Claude Code log line scanner');
    assert.ok(![...files].some((f) => f.startsWith('test/') || f.startsWith('nodes/') || f.startsWith('.node-red/')), 'no sources, tests or user dirs');
  });
});
