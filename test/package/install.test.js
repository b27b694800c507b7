'use strict';
// The packed tarball as a user gets it: `npm pack`, then `npm install --engine-strict` of the
// tarball into a fresh Node-RED user dir, by npm running on the Node under test (so the
// engines field is checked against it), then every example deployed on the Node-RED under
// test, one after another, with no error. Dashboard 2.0 is the dev dependency's copy.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { root, nodeRedVersion, nodeSets } = require('../support/node-red');
const { startNodeRed, logProblems } = require('../support/red-process');
const { packInto } = require('../support/pack');

const pkg = require(path.join(root, 'package.json'));
const EXAMPLES = path.join(root, 'examples');

/** npm's own script, run by the Node under test rather than by whatever `npm` on PATH runs on. */
function npmCli() {
  const npm = execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim();
  return path.join(path.dirname(fs.realpathSync(npm)), 'npm-cli.js');
}

describe(`the packed tarball installed with --engine-strict (Node ${process.versions.node}, Node-RED ${nodeRedVersion()})`, function () {
  this.timeout(240_000);
  let tmp;
  let red;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'claude-usage-pack-'));
    const tarball = packInto(tmp);
    const userDir = path.join(tmp, 'user');
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'package.json'), JSON.stringify({ name: 'node-red-project', private: true }));
    execFileSync(process.execPath, [npmCli(), 'install', '--engine-strict', '--no-audit', '--no-fund', '--loglevel', 'error', tarball], { cwd: userDir, stdio: ['ignore', 'ignore', 'inherit'] });
    const dash = path.join(userDir, 'node_modules', '@flowfuse', 'node-red-dashboard');
    fs.mkdirSync(path.dirname(dash), { recursive: true });
    fs.symlinkSync(path.join(root, 'node_modules', '@flowfuse', 'node-red-dashboard'), dash, 'dir');
    red = await startNodeRed({ userDir });
  });

  after(async () => {
    await red?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('is installed (not linked) and Node-RED loads all its nodes without errors', async () => {
    const installed = path.join(tmp, 'user', 'node_modules', ...pkg.name.split('/'));
    assert.equal(fs.lstatSync(installed).isSymbolicLink(), false);
    const sets = (await red.request('GET', '/nodes', undefined, { accept: 'application/json' })).json.filter((s) => s.module === pkg.name);
    assert.deepEqual(sets.filter((s) => s.err).map((s) => `${s.name}: ${s.err}`), []);
    assert.deepEqual(Object.fromEntries(sets.map((s) => [s.name, s.types])), nodeSets(), 'every node set with its node types, in order');
    assert.ok(sets.every((s) => s.version === pkg.version && s.enabled));
  });

  for (const file of fs.readdirSync(EXAMPLES).filter((f) => f.endsWith('.json')).sort()) {
    it(`deploys ${file} with no error`, async () => {
      const mark = red.log.length;
      await red.deploy(JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8')));
      await new Promise((r) => setTimeout(r, 2000)); // a moment for errors right after the start
      assert.deepEqual(logProblems(red.log, mark), []);
    });
  }
});
