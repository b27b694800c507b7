'use strict';
// The real-capture suite itself: every data file has the .txt that names its source.
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { requireReal, realDir } = require('./support');

describe('real captures', function () {
  requireReal(this);

  it('name their source beside every data file', function () {
    for (const dir of fs.readdirSync(realDir)) {
      for (const f of fs.readdirSync(path.join(realDir, dir))) {
        if (f.endsWith('.txt')) continue;
        const txt = path.join(realDir, dir, f.replace(/\.[^.]+$/, '.txt'));
        assert.ok(fs.existsSync(txt), `${dir}/${f} has no .txt`);
      }
    }
  });
});
