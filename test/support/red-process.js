'use strict';
// Starts a real Node-RED (red.js of the version under test) in its own user dir, on
// loopback, with this package (and optionally Dashboard 2.0) installed as symlinks,
// exactly as `npm install <path>` would. Flows are deployed through the admin API.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { nodeRedDir, root } = require('./node-red');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function linkPackage(userDir, name, target) {
  const at = path.join(userDir, 'node_modules', ...name.split('/'));
  fs.mkdirSync(path.dirname(at), { recursive: true });
  fs.symlinkSync(target, at, 'dir');
}

/**
 * Gives flow nodes (those on a tab) the x/y the editor would: Node-RED treats a node on a
 * tab without coordinates as a config node.
 */
function placeOnCanvas(flows) {
  return flows.map((n, i) => (n.z && n.type !== 'tab' && n.x === undefined ? { ...n, x: 150 + (i % 5) * 200, y: 60 + Math.floor(i / 5) * 80 } : n));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * @param {object} opts
 * @param {boolean} [opts.dashboard] also install @flowfuse/node-red-dashboard
 * @param {object} [opts.settings] extra settings.js properties (JSON-serialisable)
 * @param {string} [opts.userDir] reuse a user dir (for restart tests)
 * @param {object} [opts.env] extra environment variables
 */
async function startNodeRed(opts = {}) {
  const userDir = opts.userDir || fs.mkdtempSync(path.join(os.tmpdir(), 'nr-e2e-'));
  const port = await freePort();
  if (!fs.existsSync(path.join(userDir, 'node_modules'))) {
    linkPackage(userDir, '@claude-usage/node-red-claude-usage', root);
    if (opts.dashboard) {
      linkPackage(userDir, '@flowfuse/node-red-dashboard', path.join(root, 'node_modules', '@flowfuse', 'node-red-dashboard'));
    }
  }
  const settings = {
    uiHost: '127.0.0.1',
    uiPort: port,
    flowFile: 'flows.json',
    credentialSecret: 'e2e-test-secret',
    logging: { console: { level: 'info', metrics: false, audit: false } },
    editorTheme: { tours: false, projects: { enabled: false } },
    externalModules: { palette: { allowInstall: false } },
    lang: 'en-US', // the runtime's texts in English whatever the machine's locale
    ...(opts.settings || {}),
  };
  fs.writeFileSync(path.join(userDir, 'settings.js'), `module.exports = ${JSON.stringify(settings, null, 2)};\n`);

  const red = path.join(nodeRedDir(), 'red.js');
  const child = spawn(process.execPath, [red, '--userDir', userDir, '--settings', path.join(userDir, 'settings.js')], {
    env: { ...process.env, NODE_RED_ENABLE_PROJECTS: 'false', ...(opts.env || {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));

  const url = `http://127.0.0.1:${port}`;
  const instance = {
    url,
    userDir,
    port,
    pid: child.pid,
    get log() {
      return log;
    },
    async request(method, p, body, headers = {}) {
      const res = await fetch(url + p, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, text, json };
    },
    /** Deploys a full flow set and waits until the runtime has started it. */
    async deploy(flows) {
      const mark = log.length;
      const res = await instance.request('POST', '/flows', placeOnCanvas(flows), { 'Node-RED-Deployment-Type': 'full' });
      if (res.status !== 204 && res.status !== 200) throw new Error(`deploy failed: ${res.status} ${res.text}`);
      await instance.waitForLog(/Started flows/, 20_000, mark);
      return res;
    },
    async waitForLog(re, timeoutMs = 20_000, from = 0) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (re.test(log.slice(from))) return;
        await sleep(50);
      }
      throw new Error(`timed out waiting for ${re} in the Node-RED log:\n${log.slice(-3000)}`);
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
        await exited;
        clearTimeout(timer);
      }
    },
    /** Removes the user dir (after stop). */
    cleanup() {
      fs.rmSync(userDir, { recursive: true, force: true });
    },
  };

  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Node-RED exited early:\n${log}`);
    try {
      const res = await fetch(url + '/settings');
      await res.arrayBuffer();
      if (res.status < 500) break; // 401 with adminAuth: listening all the same
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) {
      await instance.stop();
      throw new Error(`Node-RED did not start:\n${log}`);
    }
    await sleep(100);
  }
  // the runtime logs in its language (settings.js `lang`): English, or German for the locale tests
  await instance.waitForLog(/Started flows|Starting flows|Flows werden gestartet|Flows sind gestartet/, 30_000);
  return instance;
}

/** Lines of a Node-RED log from `mark` on that tell of a problem: errors, and warnings from our nodes and Dashboard 2.0. */
function logProblems(log, mark = 0) {
  return log
    .slice(mark)
    .split('\n')
    .filter((l) => /\[error\]/.test(l) || /\[warn\] \[(claude-|ui-)/.test(l));
}

module.exports = { startNodeRed, freePort, placeOnCanvas, logProblems };
