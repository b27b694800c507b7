'use strict';
// The channel nodes are one node set, but each channel keeps its own editor
// (nodes/<type>.html), texts and help (nodes/locales/<lang>/<type>.{json,html}).
// joinChannelSet makes what Node-RED loads for the set from them, in the channels table's
// order: <set>.html and locales/<lang>/<set>.{json,html}. The set's catalog also holds the
// texts every channel shares (nodes/locales/<lang>/<set>.json). It throws when an entry of
// the table lacks a file, or an editor, texts or help file belongs to no node set and no entry.
const fs = require('node:fs');
const path = require('node:path');

const SCRIPT_TAG = /^<script src="[^"]+"><\/script>$/;
const stem = (name) => name.replace(/\.(html|json)$/, '');

/**
 * @param {object} o
 * @param {string} o.src the nodes/ folder
 * @param {string} o.set the set's name (its package.json node-red.nodes key)
 * @param {string[]} o.channels the node types of the channels table, in its order
 * @param {string[]} o.sets every package.json node-red.nodes key
 * @returns {{ files: Record<string, string>, sources: Set<string> }} the set's files by path
 *   under dist/nodes, and the source file names they were made from
 */
function joinChannelSet({ src, set, channels, sets }) {
  const langs = fs.readdirSync(path.join(src, 'locales')).sort();
  const read = (file) => fs.readFileSync(path.join(src, file), 'utf8');

  for (const type of channels) {
    if (sets.includes(type)) throw new Error(`${type} is in the channels table and in package.json node-red.nodes: it belongs in one`);
    if (fs.existsSync(path.join(src, `${type}.ts`))) throw new Error(`nodes/${type}.ts: a channel has no node file of its own (${set} registers it)`);
    for (const file of [`${type}.html`, ...langs.flatMap((l) => [`locales/${l}/${type}.json`, `locales/${l}/${type}.html`])]) {
      if (!fs.existsSync(path.join(src, file))) throw new Error(`nodes/${file} is missing for ${type} of the channels table`);
    }
  }
  for (const dir of ['', ...langs.map((l) => `locales/${l}`)]) {
    for (const name of fs.readdirSync(path.join(src, dir)).filter((n) => /\.(html|json)$/.test(n))) {
      const owner = stem(name);
      if (!sets.includes(owner) && !channels.includes(owner)) throw new Error(`nodes/${dir ? `${dir}/` : ''}${name} belongs to no node set in package.json and no entry of the channels table`);
    }
  }
  for (const file of [`${set}.html`, ...langs.map((l) => `locales/${l}/${set}.html`)]) {
    if (fs.existsSync(path.join(src, file))) throw new Error(`nodes/${file}: the set's editor and help are made from its channels' files`);
  }

  const files = {};
  // The editor: every channel's, with a shared editor script loaded once.
  const scripts = new Set();
  const once = (line) => {
    const tag = line.trim();
    if (!SCRIPT_TAG.test(tag)) return true;
    if (scripts.has(tag)) return false;
    scripts.add(tag);
    return true;
  };
  files[`${set}.html`] = `${channels.map((type) => read(`${type}.html`).split('\n').filter(once).join('\n').trim()).join('\n\n')}\n`;

  for (const lang of langs) {
    const own = `locales/${lang}/${set}.json`;
    const catalog = fs.existsSync(path.join(src, own)) ? JSON.parse(read(own)) : {};
    for (const type of channels) {
      const texts = JSON.parse(read(`locales/${lang}/${type}.json`));
      const keys = Object.keys(texts);
      if (keys.length !== 1 || keys[0] !== type) throw new Error(`nodes/locales/${lang}/${type}.json: its one top-level key must be ${type}`);
      if (type in catalog) throw new Error(`nodes/${own} holds ${type}'s texts: they belong in nodes/locales/${lang}/${type}.json`);
      catalog[type] = texts[type];
    }
    files[`locales/${lang}/${set}.json`] = `${JSON.stringify(catalog, null, 2)}\n`;
    files[`locales/${lang}/${set}.html`] = `${channels.map((type) => read(`locales/${lang}/${type}.html`).trim()).join('\n\n')}\n`;
  }
  const sources = new Set([...channels, set].flatMap((name) => [`${name}.html`, `${name}.json`]));
  return { files, sources };
}

module.exports = { joinChannelSet };
