'use strict';
// Which Node-RED the suite runs against: NODE_RED_DIR (set by scripts/test.js for the
// Node-RED 5 run), else the dev dependency (4.1).
const fs = require('node:fs');
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
const locales = path.join(root, 'dist', 'nodes', 'locales');

const translators = new Map();
/**
 * RED._ as Node-RED gives it to a node set: the set's own catalog (locales/<lang>/<name>.json),
 * English where a language lacks a key, `__name__` filled in, on the i18next of the Node-RED
 * under test. The test helper's own RED._ answers the key itself; a key no catalog holds
 * throws here, so a test fails on it.
 */
function translator(name, lang = 'en-US') {
  const id = `${name}:${lang}`;
  if (!translators.has(id)) {
    const i18next = require(require.resolve('i18next', { paths: [nodeRedDir()] }));
    const resources = {};
    for (const l of fs.readdirSync(locales)) {
      const file = path.join(locales, l, `${name}.json`);
      if (fs.existsSync(file)) resources[l] = { [name]: JSON.parse(fs.readFileSync(file, 'utf8')) };
    }
    const missing = [];
    const i18n = i18next.createInstance();
    i18n.init({
      lng: lang,
      fallbackLng: 'en-US',
      ns: [name],
      defaultNS: name,
      resources,
      initAsync: false,
      showSupportNotice: false,
      keySeparator: '.',
      nsSeparator: ':',
      interpolation: { unescapeSuffix: 'HTML', escapeValue: false, prefix: '__', suffix: '__' },
      saveMissing: true,
      missingKeyHandler: (_lngs, _ns, key) => missing.push(key),
    });
    translators.set(id, (key, vars) => {
      const text = i18n.t(key, vars);
      if (missing.length) throw new Error(`no message ${missing.splice(0).join(', ')} in locales/${lang}/${name}.json`);
      return text;
    });
  }
  return translators.get(id);
}

/** The channels table (compiled): its node set's name and its node types in order. */
function channelTable() {
  const { CHANNELS, CHANNEL_SET } = require(path.join(root, 'dist', 'nodes', 'lib', 'delivery', 'channels.js'));
  return { set: CHANNEL_SET, types: CHANNELS.map((c) => c.type) };
}

/**
 * Every node set of the package (package.json node-red.nodes) with the node types it
 * registers: { 'claude-usage': ['claude-usage'], 'claude-channels': ['claude-discord', …], … }.
 */
function nodeSets() {
  const { set, types } = channelTable();
  const names = Object.keys(require(path.join(root, 'package.json'))['node-red'].nodes);
  return Object.fromEntries(names.map((name) => [name, name === set ? types : [name]]));
}

/** Every node type of the package, in package.json's order (the channels in the table's). */
function nodeTypes() {
  return Object.values(nodeSets()).flat();
}

/** The node set that registers `type` (a set's own name gives the set). */
function setOf(type) {
  const sets = nodeSets();
  if (type in sets) return type;
  const found = Object.keys(sets).find((name) => sets[name].includes(type));
  if (!found) throw new Error(`${type} is no node type of this package`);
  return found;
}

const nodes = new Map();
/**
 * A compiled node module by its set or one of its types, e.g. node('claude-usage') or
 * node('claude-discord') (the claude-channels set), with RED._ translating from the set's
 * catalog in `lang`, as Node-RED gives a set its RED._.
 */
function node(name, lang = 'en-US') {
  const set = setOf(name);
  const id = `${set}:${lang}`;
  if (!nodes.has(id)) {
    const mod = require(path.join(root, 'dist', 'nodes', `${set}.js`));
    const _ = translator(set, lang);
    nodes.set(id, (RED) => mod(new Proxy(RED, { get: (target, prop) => (prop === '_' ? _ : Reflect.get(target, prop)) })));
  }
  return nodes.get(id);
}
/** A compiled library module, e.g. lib('format'). */
function lib(name) {
  return require(path.join(root, 'dist', 'nodes', 'lib', `${name}.js`));
}

module.exports = { nodeRedDir, nodeRedVersion, testHelper, node, lib, root, translator, nodeSets, nodeTypes, setOf, channelTable };
