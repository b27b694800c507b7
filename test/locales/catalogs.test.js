'use strict';
// Every node has texts (locales/<lang>/<node>.json) and help (locales/<lang>/<node>.html) in
// every language the package ships; each language holds exactly the English keys with the same
// placeholders; every key the sources name is in the English catalog. The channel nodes' set
// (claude-channels) also has a catalog of its own: the texts every channel shares.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, nodeTypes, channelTable } = require('../support/node-red');

const LANGS = ['en-US', 'de'];
const locales = path.join(root, 'nodes', 'locales');
const types = nodeTypes();
/** Every catalog: one per node type, and the channel set's shared one. */
const catalogs = [...types, channelTable().set];

const readCatalog = (lang, type) => JSON.parse(fs.readFileSync(path.join(locales, lang, `${type}.json`), 'utf8'));
const readHelp = (lang, type) => fs.readFileSync(path.join(locales, lang, `${type}.html`), 'utf8');

/** Leaf paths of a catalog, each with its text: { 'claude-usage.status.polling': 'polling…' }. */
function leaves(value, prefix = '', out = {}) {
  if (typeof value === 'string') out[prefix] = value;
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = value;
  return out;
}
const placeholders = (text) => [...text.matchAll(/__([A-Za-z0-9]+)__/g)].map((m) => m[1]).sort();

/** What a key names in a catalog: a text, an object (a key prefix) or undefined. */
function lookup(catalog, key) {
  return key.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), catalog);
}

/**
 * Message keys the sources name: quoted strings shaped `<node type>.<path>` (optionally with the
 * package namespace `@…/<set>:`), data-i18n attribute values, and template literals whose static
 * start is such a key (`claude-hass.status.${key}`: the start must name a group of texts).
 */
function keysIn(source) {
  const found = [];
  const typeAlt = catalogs.join('|');
  const key = `(?:@claude-usage\\/node-red-claude-usage\\/[a-z-]+:)?((?:${typeAlt})\\.[A-Za-z0-9_.-]*[A-Za-z0-9_-])`;
  for (const m of source.matchAll(new RegExp(`(needsPermission\\(\\s*)?(['"])${key}\\2`, 'g'))) {
    if (!m[1]) found.push({ key: m[3], prefix: false });
  }
  for (const m of source.matchAll(new RegExp(`\`${key}(\\.\\$\\{)?`, 'g'))) found.push({ key: m[1], prefix: Boolean(m[2]) });
  for (const m of source.matchAll(/data-i18n="([^"]+)"/g)) {
    for (const part of m[1].split(';')) found.push({ key: part.replace(/^\[[a-z-]+\]/, '').replace(/^[^:]+:/, ''), prefix: false });
  }
  // file names (icons, scripts) are not keys
  const unique = new Map(found.filter((k) => !/\.(svg|png|js|sh|ps1|json|html)$/.test(k.key)).map((k) => [`${k.key} ${k.prefix}`, k]));
  return [...unique.values()];
}

describe('locales', () => {
  it('ship texts and help for every node in every language, and no language the tests do not know', () => {
    assert.deepEqual(fs.readdirSync(locales).sort(), [...LANGS].sort());
    for (const lang of LANGS) {
      const files = fs.readdirSync(path.join(locales, lang)).sort();
      assert.deepEqual(files, [...types.flatMap((t) => [`${t}.html`, `${t}.json`]), `${channelTable().set}.json`].sort(), `locales/${lang}`);
    }
  });

  for (const type of catalogs) {
    it(`${type}: every language holds exactly the English keys, as texts with the same placeholders`, () => {
      const english = leaves(readCatalog('en-US', type));
      assert.ok(Object.keys(english).length > 0);
      assert.ok(Object.keys(english).every((k) => k.startsWith(`${type}.`)), 'one top-level key: the node type');
      for (const lang of LANGS.filter((l) => l !== 'en-US')) {
        const other = leaves(readCatalog(lang, type));
        const missing = Object.keys(english).filter((k) => !(k in other));
        const extra = Object.keys(other).filter((k) => !(k in english));
        assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, `${lang}/${type}.json`);
        for (const [k, text] of Object.entries(other)) {
          assert.equal(typeof text, 'string', `${lang} ${k}`);
          assert.notEqual(text.trim(), '', `${lang} ${k} is empty`);
          assert.deepEqual(placeholders(text), placeholders(english[k]), `${lang} ${k}: placeholders`);
        }
      }
    });

  }

  for (const type of types) {
    it(`${type}: help in every language is one help block with the English sections, properties and codes`, () => {
      const shape = (lang) => {
        const html = readHelp(lang, type);
        const blocks = [...html.matchAll(/<script type="text\/html" data-help-name="([^"]+)">([\s\S]*?)<\/script>/g)];
        assert.equal(blocks.length, 1, `${lang}/${type}.html: one help block`);
        assert.equal(blocks[0][1], type, `${lang}/${type}.html names ${type}`);
        assert.equal(html.replace(blocks[0][0], '').trim(), '', `${lang}/${type}.html: nothing outside the help block`);
        const body = blocks[0][2];
        const all = (re) => [...body.matchAll(re)].map((m) => m[1].trim());
        return {
          sections: all(/<h3>([\s\S]*?)<\/h3>/g).length,
          ports: all(/<li>([\s\S]*?)(?:<dl|<\/li>)/g).length,
          types: all(/<span class="property-type">([\s\S]*?)<\/span>/g),
          codes: all(/<code>([\s\S]*?)<\/code>/g).sort(),
        };
      };
      const english = shape('en-US');
      assert.ok(english.sections >= 1, 'help has sections');
      for (const lang of LANGS.filter((l) => l !== 'en-US')) assert.deepEqual(shape(lang), english, `${lang}/${type}.html`);
    });
  }

  it('the English help uses the Node-RED sections', () => {
    for (const type of types) {
      const html = readHelp('en-US', type);
      assert.match(html, /<h3>Details<\/h3>/, type);
      if (type !== 'claude-account') assert.match(html, /<h3>(Inputs|Outputs)<\/h3>/, type);
    }
  });

  it('every key named in nodes/*.ts, nodes/*.html and the channel glue is in the English catalog of its node', () => {
    const sources = [...fs.readdirSync(path.join(root, 'nodes')).filter((f) => /\.(ts|html)$/.test(f)), 'lib/delivery/channel-node.ts'];
    const problems = [];
    let checked = 0;
    for (const file of sources) {
      for (const { key, prefix } of keysIn(fs.readFileSync(path.join(root, 'nodes', file), 'utf8'))) {
        const type = key.split('.')[0];
        const found = lookup(readCatalog('en-US', type), key);
        checked += 1;
        if (prefix ? !found || typeof found !== 'object' : typeof found !== 'string') problems.push(`${file}: ${key}`);
      }
    }
    assert.deepEqual(problems, []);
    assert.ok(checked > 150, `checked ${checked} keys`);
  });

  it('the key scan finds keys in code, in attributes and in template literals, and skips permissions and file names', () => {
    const found = keysIn(`
      RED._('claude-usage.status.polling'); this._("claude-threshold.label.session");
      RED._(\`claude-hass.status.\${key}\`, {}); RED._(demo ? 'claude-code-usage.status.demo' : 'claude-code-usage.status.reading');
      <span data-i18n="claude-account.label.name"></span><input data-i18n="[placeholder]claude-account.placeholder.name;[title]claude-account.label.verify">
      RED._("@claude-usage/node-red-claude-usage/claude-account:claude-account.label.pastedOn");
      RED.auth.needsPermission('claude-account.write'); icon: "claude-usage.svg", 'not-a-node.key'`);
    assert.deepEqual(found, [
      { key: 'claude-usage.status.polling', prefix: false },
      { key: 'claude-threshold.label.session', prefix: false },
      { key: 'claude-code-usage.status.demo', prefix: false },
      { key: 'claude-code-usage.status.reading', prefix: false },
      { key: 'claude-account.label.name', prefix: false },
      { key: 'claude-account.label.pastedOn', prefix: false },
      { key: 'claude-hass.status', prefix: true },
      { key: 'claude-account.placeholder.name', prefix: false },
      { key: 'claude-account.label.verify', prefix: false },
    ]);
  });
});
