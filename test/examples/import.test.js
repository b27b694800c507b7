'use strict';
// Rules every example flow (examples/*.json) is held to, checked against a real Node-RED
// with Dashboard 2.0:
//  - it names the modules it needs: a `global-config` node whose `modules` lists every
//    module (other than Node-RED's own) providing one of its node types, with the version
//    to install (the editor offers "Install all" from this list when types are missing),
//    and a comment node naming them too;
//  - every node has a name (tabs a label; junctions and the module list have neither);
//  - ids are unique across all examples, so that importing one after another never clashes;
//  - all examples deployed together into one Node-RED (one dashboard base, as npm start loads
//    them) give no error and keep every node.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root } = require('../support/node-red');
const { startNodeRed, logProblems } = require('../support/red-process');
const { combinedExamples } = require('../../scripts/examples');

const pkg = require(path.join(root, 'package.json'));
const DIR = path.join(root, 'examples');
const FILES = fs.readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const read = (file) => JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
/** Types that carry no name: the tab has a label, the rest have no name field. */
const UNNAMED = new Set(['tab', 'junction', 'global-config']);
/** The version an example asks for, per module the project knows. */
const VERSIONS = {
  [pkg.name]: pkg.version,
  '@flowfuse/node-red-dashboard': pkg.devDependencies['@flowfuse/node-red-dashboard'].replace(/^[\^~]/, ''),
};

describe('examples: modules, names and ids, imported together into one Node-RED', function () {
  this.timeout(120_000);
  let red;
  /** node type → module providing it, as the running Node-RED reports */
  const moduleOf = new Map();

  before(async () => {
    assert.ok(FILES.length > 0, 'no examples');
    red = await startNodeRed({ dashboard: true });
    const sets = (await red.request('GET', '/nodes', undefined, { accept: 'application/json' })).json;
    for (const set of sets) for (const type of set.types) moduleOf.set(type, set.module);
  });

  after(async () => {
    await red?.stop();
    red?.cleanup();
  });

  for (const file of FILES) {
    it(`${file}: lists the modules it needs (global-config "modules" and a comment)`, () => {
      const flow = read(file);
      const needed = new Set();
      for (const n of flow) {
        if (n.type === 'tab' || n.type === 'global-config') continue;
        const mod = moduleOf.get(n.type);
        assert.ok(mod, `${n.type} (${n.id}) is a type no installed module provides`);
        if (mod !== 'node-red') needed.add(mod);
      }
      const lists = flow.filter((n) => n.type === 'global-config');
      assert.equal(lists.length, 1, 'one global-config node with the module list');
      assert.deepEqual(lists[0].env, [], 'the module list sets no environment variables');
      assert.deepEqual(Object.keys(lists[0].modules).sort(), [...needed].sort(), 'modules listed');
      for (const [mod, version] of Object.entries(lists[0].modules)) assert.equal(version, VERSIONS[mod], `version of ${mod}`);
      const comments = flow.filter((n) => n.type === 'comment').map((n) => `${n.name}\n${n.info ?? ''}`);
      for (const mod of needed) assert.ok(comments.some((c) => c.includes(mod)), `no comment node names ${mod}`);
    });

    it(`${file}: every node is named`, () => {
      for (const n of read(file)) {
        if (n.type === 'tab') assert.ok(n.label?.trim(), `tab ${n.id} has no label`);
        else if (!UNNAMED.has(n.type)) assert.ok(typeof n.name === 'string' && n.name.trim(), `${n.type} ${n.id} has no name`);
      }
    });
  }

  it('no id is used by two examples (or twice in one)', () => {
    const where = new Map();
    for (const file of FILES) {
      for (const n of read(file)) {
        assert.ok(!where.has(n.id), `${n.type} ${n.id} is in ${file} and ${where.get(n.id)}`);
        where.set(n.id, file);
      }
    }
  });

  it('all examples deployed together as npm start loads them: one dashboard base, every other node kept once, no error logged', async () => {
    const all = combinedExamples();
    const bases = all.filter((n) => n.type === 'ui-base');
    assert.equal(bases.length, 1, 'one ui-base');
    for (const n of all) if (n.type === 'ui-page' || n.type === 'ui-notification') assert.equal(n.ui, bases[0].id, `${n.type} ${n.id} is on the one dashboard`);
    const dropped = FILES.flatMap(read).filter((n) => !all.some((a) => a.id === n.id)).map((n) => n.type);
    assert.ok(dropped.every((t) => t === 'ui-base' || t === 'ui-theme' || t === 'global-config'), `dropped ${dropped}`);
    const mark = red.log.length;
    await red.deploy(all);
    // a moment for errors that come after the start (a failed first poll, a route clash)
    await new Promise((r) => setTimeout(r, 3000));
    assert.deepEqual(logProblems(red.log, mark), []);
    const deployed = (await red.request('GET', '/flows', undefined, { accept: 'application/json' })).json;
    const ids = deployed.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids after the deploy');
    for (const n of all) assert.ok(ids.includes(n.id), `${n.type} ${n.id} was dropped`);
  });
});
