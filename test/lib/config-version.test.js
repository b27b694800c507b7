'use strict';
// Every flow saved before configs had a version loads through the migration path unchanged,
// and a new node's editor saves the version this release reads.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { testHelper, node, lib, root, nodeTypes } = require('../support/node-red');

const { CONFIG_VERSION, configVersion, migrateConfig } = lib('config-version');
const TYPES = nodeTypes();

describe('node config versions', () => {
  it('brings every node of every example (saved without a version) to this version, keeping every property', () => {
    const dir = path.join(root, 'examples');
    let seen = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      for (const n of JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))) {
        if (!TYPES.includes(n.type)) continue;
        seen++;
        const given = { ...n };
        delete given.version;
        const before = structuredClone(given);
        const { config, from, newer } = migrateConfig(n.type, given);
        assert.equal(from, 0, `${file}: ${n.name}`);
        assert.equal(newer, false);
        assert.equal(config.version, CONFIG_VERSION);
        for (const [key, value] of Object.entries(given)) assert.deepEqual(config[key], value, `${file}: ${n.name}: ${key} changed`);
        assert.deepEqual(given, before, 'the given config is not changed');
      }
    }
    assert.ok(seen > 20, `only ${seen} nodes in the examples`);
  });

  it('gives a claude-code-usage saved before Source existed the log files as its source', () => {
    assert.equal(migrateConfig('claude-code-usage', { configDir: '' }).config.mode, 'logs');
    assert.equal(migrateConfig('claude-code-usage', { mode: 'demo' }).config.mode, 'demo');
    assert.equal(migrateConfig('claude-code-usage', { mode: '', version: 1 }).config.mode, '', 'a current config is not touched');
  });

  it('reads a missing or unreadable version as 0 and leaves a newer config as it is', () => {
    assert.equal(configVersion({}), 0);
    assert.equal(configVersion({ version: 'x' }), 0);
    assert.equal(configVersion({ version: -3 }), 0);
    assert.equal(configVersion({ version: '1' }), 1);
    const newer = { version: CONFIG_VERSION + 1, future: true };
    const m = migrateConfig('claude-usage', newer);
    assert.equal(m.newer, true);
    assert.equal(m.config, newer);
  });

  it('has every editor save this version for a new node', () => {
    for (const type of TYPES) {
      const html = fs.readFileSync(path.join(root, 'nodes', `${type}.html`), 'utf8');
      const m = /defaults:\s*\{\s*version:\s*\{\s*value:\s*(\d+)\s*\}/.exec(html);
      assert.ok(m, `${type}: no version in the editor's defaults`);
      assert.equal(Number(m[1]), CONFIG_VERSION, type);
    }
  });

  describe('at runtime', () => {
    const helper = testHelper();
    afterEach(() => helper.unload());

    it('warns about a config from a newer release and still runs it', async () => {
      await helper.load(node('claude-threshold'), [
        { id: 't1', type: 'claude-threshold', version: CONFIG_VERSION + 1, session: '50', weekly: '', timezone: 'UTC', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]);
      const t1 = helper.getNode('t1');
      const warned = t1.warn.args.map((a) => String(a[0]));
      assert.ok(warned.some((w) => /newer release/.test(w) && w.includes(`config version ${CONFIG_VERSION + 1}`)), warned.join('\n'));
    });

    for (const type of nodeTypes()) {
      it(`${type} warns about a config from a newer release in German`, async () => {
        const extra = type === 'claude-code-usage' ? { mode: 'demo' } : {};
        await helper.load(node(type, 'de'), [{ id: 'n1', type, version: CONFIG_VERSION + 1, ...extra }]);
        const warned = helper.getNode('n1').warn.args.map((a) => String(a[0]));
        const german = `von einer neueren Version dieses Pakets gespeichert (Konfigurationsversion ${CONFIG_VERSION + 1}); Einstellungen, die diese Version nicht kennt, werden ignoriert`;
        assert.ok(warned.includes(german), warned.join('\n'));
      });
    }

    it('runs a version-less config as before, without a word', async () => {
      await helper.load(node('claude-threshold'), [
        { id: 't1', type: 'claude-threshold', session: '50', weekly: '', timezone: 'UTC', wires: [['out']] },
        { id: 'out', type: 'helper' },
      ]);
      const t1 = helper.getNode('t1');
      assert.equal(t1.warn.callCount, 0);
      const got = new Promise((resolve) => helper.getNode('out').on('input', resolve));
      const resetsAt = new Date(Date.now() + 3600_000).toISOString();
      t1.receive({ topic: 'me', payload: { account: 'me', fetchedAt: new Date().toISOString(), session: { pct: 60, resetsAt }, weekly: null, limits: [{ id: 'session', kind: 'session', label: '5-hour', pct: 60, resetsAt }] } });
      const msg = await got;
      assert.equal(msg.alert.threshold, 50);
    });
  });
});
