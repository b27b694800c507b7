'use strict';
// The README follows the channels table: a channel in the table and not in the README (or the
// other way round) fails here.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { root, lib } = require('../support/node-red');

const { CHANNELS } = lib('delivery/channels');
const types = CHANNELS.map((c) => c.type);
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

/** The node types named in backticks in `text`, in order. */
const named = (text) => [...text.matchAll(/`(claude-[a-z-]+)`/g)].map((m) => m[1]);

/** The lines of the README section that starts with `heading`, up to the next heading of any level. */
function section(heading) {
  const lines = readme.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `README has no ${heading}`);
  const end = lines.findIndex((l, i) => i > start && /^#{1,6} /.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

describe('README and the channels table', () => {
  it("lists every channel, in the table's order, in the node overview", () => {
    const row = readme.split('\n').find((l) => l.startsWith('| `claude-discord`'));
    assert.ok(row, 'no overview row for the channels');
    assert.deepEqual(named(row.split('|')[1]), types);
  });

  it("names every channel, in the table's order, in the Channels section's first sentence", () => {
    const first = section('## Channels').join('\n').trim().split(/\.\s/)[0];
    assert.deepEqual(named(first), types);
  });

  it('has a set-up row per channel saying what to paste, as its spec says', () => {
    const rows = section('### Setting up each service')
      .filter((l) => l.startsWith('| `claude-'))
      .map((l) => l.split('|').map((c) => c.trim()));
    assert.deepEqual(
      rows.map((r) => [r[1], r[2]]),
      CHANNELS.map((c) => [`\`${c.type}\``, c.paste]),
    );
  });

  it('has each channel in the CHANGELOG', () => {
    const changelog = fs.readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8');
    for (const type of types) assert.ok(changelog.includes(`\`${type}\``), type);
  });
});
