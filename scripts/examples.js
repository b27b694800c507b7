'use strict';
// Every example flow as one flow set, as `npm start` loads them: each example stays importable
// alone (those with dashboard pages bring their own ui-base and ui-theme), and together they
// form one dashboard. Dashboard 2.0 serves one ui-base: as its editor does when a second one is
// imported, the first is kept and every page and widget of the others points at it.
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', 'examples');

/** The nodes of each example file, by file name, in file-name order. */
function readExamples(dir = EXAMPLES_DIR) {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, nodes: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

/** One ui-base and one ui-theme for all: the first of each; references to the others point at them. */
function oneDashboard(nodes) {
  const keep = {};
  const replaced = new Map();
  for (const n of nodes) {
    if (n.type !== 'ui-base' && n.type !== 'ui-theme') continue;
    if (!keep[n.type]) keep[n.type] = n.id;
    else replaced.set(n.id, keep[n.type]);
  }
  return nodes
    .filter((n) => !replaced.has(n.id))
    .map((n) => {
      const out = { ...n };
      for (const ref of ['ui', 'theme']) if (typeof out[ref] === 'string' && replaced.has(out[ref])) out[ref] = replaced.get(out[ref]);
      return out;
    });
}

/**
 * Every example's nodes in one flow set (their ids never clash), with one dashboard base and
 * without the module lists (global-config); with `demo`, Claude Code nodes in demo mode, so
 * every page is live with no logs.
 */
function combinedExamples({ demo = false, dir } = {}) {
  const nodes = readExamples(dir).flatMap((e) => e.nodes.filter((n) => n.type !== 'global-config'));
  if (demo) for (const n of nodes) if (n.type === 'claude-code-usage') n.mode = 'demo';
  return oneDashboard(nodes);
}

module.exports = { readExamples, oneDashboard, combinedExamples, EXAMPLES_DIR };
