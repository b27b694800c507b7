'use strict';
// Headless Debian Chromium through playwright-core, with a fresh profile per launch,
// and a place for screenshots (test/.tmp, ignored by git).
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

module.exports = { launchBrowser, screenshot, requireChromium, CHROMIUM, SHOTS, EDITOR_SETTINGS };
