'use strict';
// Headless Debian Chromium through playwright-core, with a fresh profile per launch,
// a place for screenshots (test/.tmp, ignored by git), and turns: the suites of several
// runtimes run side by side, and their browser tests take turns, one at a time on the
// machine, so an editor or dashboard is never driven while another one loads.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');
const { root } = require('../support/node-red');

const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = path.join(root, 'test', '.tmp');

/** Node-RED settings for editor tests: no telemetry consent dialog over the canvas. */
const EDITOR_SETTINGS = { telemetry: { enabled: false } };

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Throws (failing the test, never skipping it) when there is no Chromium to drive. */
function requireChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: install it (Debian: apt-get install chromium) or set CHROMIUM_BIN`);
}

async function launchBrowser({ width = 1400, height = 900 } = {}) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width, height },
  });
  const page = context.pages()[0] || (await context.newPage());
  const errors = [];
  page.on('pageerror', (err) => errors.push(String(err && err.stack ? err.stack : err)));
  return {
    context,
    page,
    /** Uncaught exceptions thrown in the page. */
    errors,
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot as test/.tmp/<name>.png (and also as docs/images/<name>.png when asked) and returns its path. */
async function screenshot(target, name, opts = {}) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await target.screenshot({ path: file, ...opts });
  const docs = process.env.DOCS_SCREENSHOTS;
  if (docs) {
    fs.mkdirSync(docs, { recursive: true });
    fs.copyFileSync(file, path.join(docs, `${name}.png`));
  }
  return file;
}

const TURN_DIR = path.join(os.tmpdir(), 'claude-usage-browser-turn');
/** How long a browser test waits for its turn before it fails. */
const TURN_WAIT_MS = 15 * 60_000;

function holderAlive() {
  try {
    const pid = Number(fs.readFileSync(path.join(TURN_DIR, 'pid'), 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // no pid file yet: the holder is between mkdir and writing it
    if (err.code === 'ENOENT') return fs.existsSync(TURN_DIR) && Date.now() - fs.statSync(TURN_DIR).mtimeMs < 5_000;
    return err.code === 'EPERM';
  }
}

const TAKEOVER_DIR = `${TURN_DIR}.takeover`;

/**
 * Removes a turn whose holder has died. Takeovers go one at a time (a second lock, itself
 * taken over after 5 s), and the holder is checked again under it: a process that saw the
 * same dead holder a moment ago must not remove the turn another process has taken since.
 */
function takeOverDeadTurn() {
  try {
    fs.mkdirSync(TAKEOVER_DIR);
  } catch {
    try {
      if (Date.now() - fs.statSync(TAKEOVER_DIR).mtimeMs > 5_000) fs.rmSync(TAKEOVER_DIR, { recursive: true, force: true });
    } catch {
      // released meanwhile
    }
    return;
  }
  try {
    if (fs.existsSync(TURN_DIR) && !holderAlive()) fs.rmSync(TURN_DIR, { recursive: true, force: true });
  } finally {
    fs.rmSync(TAKEOVER_DIR, { recursive: true, force: true });
  }
}

/**
 * Waits until no other test process on this machine holds the browser turn, takes it and
 * returns its release. A turn whose holder has died is taken over. Use it in a describe's
 * before hook, first thing (it raises the hook's timeout while it waits), and release it
 * in the after hook, last thing.
 */
async function takeBrowserTurn(hook) {
  const timeout = hook.timeout(); // 0: timeouts are off (--no-timeout, --inspect) and stay off
  const started = Date.now();
  if (timeout > 0) hook.timeout(TURN_WAIT_MS + timeout);
  const until = started + TURN_WAIT_MS;
  for (;;) {
    try {
      fs.mkdirSync(TURN_DIR);
      fs.writeFileSync(path.join(TURN_DIR, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (!holderAlive()) {
        takeOverDeadTurn();
        continue;
      }
      if (Date.now() > until) throw new Error(`waited ${TURN_WAIT_MS / 60_000} min for another test process's browser tests (${TURN_DIR})`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  // mocha measures a hook from its start: its own time comes on top of the wait
  if (timeout > 0) hook.timeout(timeout + (Date.now() - started));
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    try {
      if (Number(fs.readFileSync(path.join(TURN_DIR, 'pid'), 'utf8')) === process.pid) fs.rmSync(TURN_DIR, { recursive: true, force: true });
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}

module.exports = { launchBrowser, screenshot, requireChromium, takeBrowserTurn, CHROMIUM, SHOTS, EDITOR_SETTINGS };
