'use strict';
// scripts/claude-statusline.sh run by dash (a strict POSIX sh) against a local HTTP server:
// the status line it prints, what it posts (only the picked fields), with and without jq, the
// CLAUDE_USAGE_NEXT hand-over, a Node-RED that is down or does not answer, and the token.
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { root } = require('../support/node-red');

const SCRIPT = path.join(root, 'scripts', 'claude-statusline.sh');
const TOKEN = 'script-test-token-Zq8v0123456789abcdef';
const TOOLS = ['dash', 'sh', 'cat', 'awk', 'mawk', 'sed', 'tr', 'cut', 'hostname', 'uname', 'curl', 'echo', 'printf'];

/** A directory of the tools the script may use, with jq or without, and a curl that logs its arguments. */
function toolDir(withJq) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sl-bin-'));
  for (const t of withJq ? [...TOOLS, 'jq'] : TOOLS) {
    let at;
    try {
      at = execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim();
    } catch {
      continue;
    }
    if (t === 'curl') {
      fs.writeFileSync(path.join(dir, 'curl'), `#!/bin/sh\nprintf '%s\\n' "$*" >> "${dir}/curl-args"\nexec ${at} "$@"\n`, { mode: 0o755 });
    } else if (at.startsWith('/')) fs.symlinkSync(at, path.join(dir, t));
  }
  return dir;
}

/** What Claude Code hands its status line, with paths and fields that must never leave the machine. */
function stdinFor({ resetsIn = 72 * 60 + 30, limits = true } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    hook_event_name: 'Status',
    session_id: '65f4714e-3848-434d-b684-9068108338d1',
    transcript_path: '/home/me/.claude/projects/SECRET-MARK/65f4.jsonl',
    cwd: 'C:\\Users\\me\\"SECRET-MARK"}{[',
    model: { id: 'claude-opus-5-5', display_name: 'Opus "5.5"' },
    workspace: { current_dir: '/home/me/SECRET-MARK', project_dir: '/home/me/SECRET-MARK', nested: [{ a: '}' }] },
    worktree: { name: 'SECRET-MARK', path: '/tmp/SECRET-MARK' },
    pr: { url: 'https://example.invalid/SECRET-MARK' },
    version: '2.1.281',
    output_style: { name: 'default' },
    cost: { total_cost_usd: 0.4213, total_duration_ms: 12000, total_lines_added: 3 },
    context_window: { used_percentage: 12, context_window_size: 200000, current_usage: null },
    exceeds_200k_tokens: false,
    ...(limits ? { rate_limits: { five_hour: { used_percentage: 42.2, resets_at: now + resetsIn }, seven_day: { used_percentage: 18, resets_at: new Date((now + 3 * 86400) * 1000).toISOString() } } } : {}),
    future_field: { path: '/home/me/SECRET-MARK' },
  };
}

const PICKED = ['rate_limits', 'session_id', 'model', 'version', 'cost', 'context_window'];
const pick = (o) => Object.fromEntries(PICKED.filter((k) => k in o).map((k) => [k, o[k]]));

/** Runs the script with dash; resolves when it exits and its output pipes close. */
function run(input, env, bin) {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(bin, 'dash'), [SCRIPT], { env: { PATH: bin, HOME: os.tmpdir(), ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(typeof input === 'string' ? input : JSON.stringify(input, null, 2));
  });
}

describe('scripts/claude-statusline.sh (dash)', function () {
  let server;
  let url;
  let requests;
  let hold;
  const dirs = [];

  before(function () {
    assert.ok(fs.existsSync('/usr/bin/dash') || fs.existsSync('/bin/dash'), 'dash is needed for this test (apt-get install dash)');
  });

  beforeEach(async () => {
    requests = [];
    hold = false;
    server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const entry = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: false, res };
        requests.push(entry);
        if (hold) return; // a Node-RED that never answers
        entry.answered = true;
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${server.address().port}/claude-usage/statusline`;
  });

  afterEach(async () => {
    server.closeAllConnections?.();
    await new Promise((r) => server.close(r));
  });

  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  function bin(withJq) {
    const d = toolDir(withJq);
    dirs.push(d);
    return d;
  }

  async function posted(count = 1) {
    for (let i = 0; i < 1000 && requests.length < count; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(requests.length, count, 'the script posted');
    return requests[count - 1];
  }

  for (const withJq of [true, false]) {
    it(`prints the status line and posts only the picked fields (${withJq ? 'with' : 'without'} jq)`, async function () {
      const tools = bin(withJq);
      const input = stdinFor();
      const r = await run(input, { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN, CLAUDE_USAGE_HOST: 'work-laptop' }, tools);
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '5h 42% ↻ 1h12m · 7d 18%\n');
      assert.equal(r.stderr, '');
      const req = await posted();
      assert.equal(req.method, 'POST');
      assert.equal(req.url, '/claude-usage/statusline');
      assert.equal(req.headers.authorization, `Bearer ${TOKEN}`);
      assert.equal(req.headers['content-type'], 'application/json');
      assert.equal(req.headers['x-claude-host'], 'work-laptop');
      const body = JSON.parse(req.body);
      assert.deepEqual(body, pick(input));
      assert.doesNotMatch(req.body, /SECRET-MARK|transcript|cwd|workspace|worktree|future_field/);
      const args = fs.readFileSync(path.join(tools, 'curl-args'), 'utf8');
      assert.doesNotMatch(args, new RegExp(TOKEN), 'the token is not on curl’s command line');
      assert.doesNotMatch(args, /127\.0\.0\.1/, 'nor the URL');
    });
  }

  it('posts the same body with and without jq, for compact input too', async function () {
    const input = JSON.stringify(stdinFor());
    const env = { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN };
    await run(input, env, bin(true));
    const a = await posted(1);
    await run(input, env, bin(false));
    const b = await posted(2);
    assert.deepEqual(JSON.parse(a.body), JSON.parse(b.body));
    assert.equal(a.headers['x-claude-host'], b.headers['x-claude-host']);
    assert.ok(a.headers['x-claude-host'].length > 0);
  });

  it('leaves out null members and prints the model without rate_limits', async function () {
    for (const withJq of [true, false]) {
      requests = [];
      const input = { ...stdinFor({ limits: false }), rate_limits: null, version: null };
      const r = await run(input, { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN }, bin(withJq));
      assert.equal(r.code, 0);
      assert.equal(r.stdout, 'Opus "5.5"\n', `with jq: ${withJq}`);
      const body = JSON.parse((await posted()).body);
      assert.deepEqual(Object.keys(body).sort(), ['context_window', 'cost', 'model', 'session_id'], `with jq: ${withJq}`);
    }
  });

  it('prints the output of CLAUDE_USAGE_NEXT, fed the same stdin, and still posts', async function () {
    const next = `awk '/"version"/ { gsub(/[^0-9.]/, ""); print "mine " $0 }'`;
    const r = await run(stdinFor(), { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN, CLAUDE_USAGE_NEXT: next }, bin(false));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'mine 2.1.281\n');
    assert.equal(JSON.parse((await posted()).body).version, '2.1.281');
  });

  it('exits 0 with its line while Node-RED has not answered: the post runs in the background', async function () {
    hold = true;
    const r = await run(stdinFor(), { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN }, bin(true));
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '5h 42% ↻ 1h12m · 7d 18%\n');
    const req = await posted();
    assert.equal(req.answered, false, 'the script did not wait for the answer');
    req.res.statusCode = 204;
    req.res.end();
  });

  it('exits 0 with its line when Node-RED is down, and never prints the token', async function () {
    const closed = http.createServer();
    await new Promise((r) => closed.listen(0, '127.0.0.1', r));
    const port = closed.address().port;
    await new Promise((r) => closed.close(r));
    for (const withJq of [true, false]) {
      const r = await run(stdinFor(), { CLAUDE_USAGE_URL: `http://127.0.0.1:${port}/x`, CLAUDE_USAGE_TOKEN: TOKEN }, bin(withJq));
      assert.equal(r.code, 0);
      assert.equal(r.stdout, '5h 42% ↻ 1h12m · 7d 18%\n');
      assert.doesNotMatch(r.stdout + r.stderr, new RegExp(TOKEN));
    }
  });

  it('exits 0 on input that is not JSON, and without URL, token or curl posts nothing', async function () {
    const tools = bin(false);
    let r = await run('not json {', { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN }, tools);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'Claude Code\n');
    await posted(1);
    assert.deepEqual(JSON.parse(requests[0].body), {});
    r = await run(stdinFor(), { CLAUDE_USAGE_TOKEN: TOKEN }, tools);
    assert.equal(r.code, 0);
    r = await run(stdinFor(), { CLAUDE_USAGE_URL: url }, tools);
    assert.equal(r.code, 0);
    fs.rmSync(path.join(tools, 'curl'));
    r = await run(stdinFor(), { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN }, tools);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '5h 42% ↻ 1h12m · 7d 18%\n');
    // a post the script had started would have arrived by the time a later one does
    const tools2 = bin(false);
    await run(stdinFor(), { CLAUDE_USAGE_URL: url, CLAUDE_USAGE_TOKEN: TOKEN }, tools2);
    await posted(2);
    assert.equal(requests.length, 2, 'only the runs with URL, token and curl posted');
  });
});

describe('scripts/claude-statusline.ps1 (read, not run: no PowerShell on the test machines)', function () {
  const ps1 = fs.readFileSync(path.join(root, 'scripts', 'claude-statusline.ps1'), 'utf8');
  const sh = fs.readFileSync(SCRIPT, 'utf8');

  it('picks the same fields by name as the sh script and posts with a 2-second limit', function () {
    const psNames = /foreach \(\$name in ([^)]*)\)/.exec(ps1)[1].match(/'([a-z_]+)'/g).map((s) => s.slice(1, -1));
    const shNames = /split\("([a-z_ ]+)", want/.exec(sh)[1].split(' ');
    assert.deepEqual(psNames, PICKED);
    assert.deepEqual(shNames, PICKED);
    assert.match(ps1, /-TimeoutSec 2\b/);
    assert.match(sh, /--max-time 2\b/);
  });

  it('passes the token through the environment only and always exits 0', function () {
    const uses = ps1.split('\n').filter((l) => /CLAUDE_USAGE_TOKEN/.test(l) && !l.trim().startsWith('#'));
    assert.deepEqual(uses.map((l) => l.trim().replace(/\s+/g, ' ')).sort(), [
      "$headers = @{ Authorization = 'Bearer ' + $env:CLAUDE_USAGE_TOKEN; 'X-Claude-Host' = $env:CLAUDE_USAGE_SENDER }",
      'if ($env:CLAUDE_USAGE_URL -and $env:CLAUDE_USAGE_TOKEN) {',
    ]);
    assert.match(ps1.trimEnd(), /\nexit 0$/);
    assert.doesNotMatch(ps1, /\$IsWindows\s*=/i, 'an automatic variable of PowerShell 7 is read-only');
  });
});
