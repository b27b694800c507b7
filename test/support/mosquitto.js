'use strict';
// A real MQTT broker for end-to-end tests: Debian's mosquitto on loopback, random port,
// anonymous, no persistence, in a temporary directory removed on stop.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { freePort } = require('./red-process');

const MOSQUITTO = process.env.MOSQUITTO_BIN || '/usr/sbin/mosquitto';

/** Throws (failing the test, never skipping it) when there is no broker to start. */
function requireMosquitto() {
  if (!fs.existsSync(MOSQUITTO)) throw new Error(`no mosquitto at ${MOSQUITTO}: install it (Debian: apt-get install mosquitto) or set MOSQUITTO_BIN`);
}

function canConnect(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startMosquitto() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', ''].join('\n'));
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const until = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`mosquitto did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, url: `mqtt://127.0.0.1:${port}`, get log() { return log; }, stop };
}

module.exports = { startMosquitto, requireMosquitto };
