'use strict';
// Which Node-RED the suite runs against: NODE_RED_DIR (set by scripts/test.js for the
// Node-RED 5 run), else the dev dependency (4.1).
const path = require('node:path');
const helper = require('node-red-node-test-helper');

function nodeRedDir() {
  return process.env.NODE_RED_DIR || path.dirname(require.resolve('node-red/package.json'));
}

function nodeRedVersion() {
  return require(path.join(nodeRedDir(), 'package.json')).version;
}

let initialised = false;
/** The test helper, initialised once on the Node-RED under test. */
function testHelper() {
  if (!initialised) {
    const dir = nodeRedDir();
    helper.init(path.join(dir, require(path.join(dir, 'package.json')).main));
    initialised = true;
  }
  return helper;
}

const root = path.resolve(__dirname, '..', '..');
/** A compiled node module, e.g. node('claude-usage'). */
function node(name) {
  return require(path.join(root, 'dist', 'nodes', `${name}.js`));
}
/** A compiled library module, e.g. lib('format'). */
function lib(name) {
  return require(path.join(root, 'dist', 'nodes', 'lib', `${name}.js`));
}

module.exports = { nodeRedDir, nodeRedVersion, testHelper, node, lib, root };
