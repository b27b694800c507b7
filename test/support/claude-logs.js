'use strict';
// Synthetic Claude Code log trees, for the log reader's tests and benchmarks.
//
//   generateClaudeLogs({ out, sizeMb, days, seed, end, projects, continuationRate })
//   node test/support/claude-logs.js --out DIR [--size-mb 2] [--days 7] [--seed 1]
//        [--end ISO] [--projects 4] [--continuation-rate 0.1]
//
// Writes <out>/projects/<encoded cwd>/<session>.jsonl, some <session>/subagents/agent-<id>.jsonl
// side chains, and <out>/expected.json (counts and the de-duplicated token totals). Point a
// reader at it with CLAUDE_CONFIG_DIR=<out>.
//
// What the trees exercise, as Claude Code 2.x writes its transcripts:
//  - one API response spread over 1–3 assistant lines with the same message.id and
//    requestId; only the last carries the final output_tokens (earlier ones a partial count);
//  - cache writes split into 5-minute and 1-hour parts (usage.cache_creation);
//  - resumed sessions: a new file starting with a copy of an earlier session's first lines
//    (same ids), which a reader must count once;
//  - user lines (prompts and tool results) carrying most of the bytes, a few summary and
//    system lines, and now and then a usage-limit error line with its reset time;
//  - file sizes skewed like real trees (many small files, a few large ones);
//  - the same tree for the same options (seeded), no timestamp later than `end`; the newest
//    session alone in the last 5.5 hours, from 100 to 20 minutes before `end`, so that its
//    block is active (and started by it) when `end` is now.
const fs = require('node:fs');
const path = require('node:path');

const MODELS = [
  { id: 'claude-sonnet-4-6', weight: 5 },
  { id: 'claude-opus-4-7', weight: 4 },
  { id: 'claude-haiku-4-5-20251001', weight: 1 },
];
const SIDECHAIN_MODELS = ['claude-haiku-4-5-20251001', 'claude-sonnet-4-6'];
const VOCABULARY = ('read the file then run tests and fix what fails in the parser module before the '
  + 'release; check each value returned by this function against the schema and log an error '
  + 'when a token count or cost is missing from the usage block of a response').split(' ');
const MINUTE = 60_000;

/** xorshift32, seeded: every run with the same seed gives the same tree. */
function randomSource(seed) {
  let x = (seed >>> 0) || 0x9e3779b9;
  const next = () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 0x100000000;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const oneOf = (list) => list[Math.floor(next() * list.length)];
  const chars = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  return {
    next, int, oneOf,
    hex: (n) => chars('0123456789abcdef', n),
    base58: (n) => chars('123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz', n),
    uuid() {
      const h = chars('0123456789abcdef', 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${oneOf('89ab')}${h.slice(17, 20)}-${h.slice(20)}`;
    },
  };
}

/** Prose of about n characters, with the odd newline and quote for the JSON escaper. */
function prose(rnd, n) {
  const words = [];
  let length = 0;
  while (length < n) {
    const w = rnd.oneOf(VOCABULARY);
    const sep = rnd.next() < 0.06 ? '\n' : rnd.next() < 0.01 ? '"' : ' ';
    words.push(w + sep);
    length += w.length + 1;
  }
  return words.join('').slice(0, n);
}

/** Target sizes of the files: a log-normal spread (median ~1/3 of the mean), summing to totalBytes. */
function fileSizes(rnd, totalBytes) {
  const count = Math.max(4, Math.round(totalBytes / 150_000));
  const raw = Array.from({ length: count }, () => {
    const gauss = Math.sqrt(-2 * Math.log(1 - rnd.next())) * Math.cos(2 * Math.PI * rnd.next());
    return Math.exp(1.4 * gauss);
  });
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((r) => Math.max(1500, Math.round((r / sum) * totalBytes)));
}

function pickModel(rnd) {
  let r = rnd.next() * MODELS.reduce((a, m) => a + m.weight, 0);
  for (const m of MODELS) if ((r -= m.weight) < 0) return m.id;
  return MODELS[0].id;
}

const tokenTotal = (u) => u.input_tokens + u.output_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;

class TreeWriter {
  constructor(opts) {
    this.rnd = randomSource(opts.seed);
    this.out = opts.out;
    this.endMs = opts.endMs;
    this.lastAllowed = opts.endMs - 330 * MINUTE; // all but the newest session
    this.responses = new Map(); // message.id + requestId -> usage with the largest total
    this.stats = { files: 0, lines: 0, assistantLines: 0, bytes: 0, first: Infinity, last: -Infinity };
    this.heads = []; // first lines of finished sessions, for resumed ones
  }

  note(line, obj) {
    this.stats.lines++;
    this.stats.bytes += Buffer.byteLength(line);
    const at = Date.parse(obj.timestamp);
    if (at < this.stats.first) this.stats.first = at;
    if (at > this.stats.last) this.stats.last = at;
    if (obj.type !== 'assistant') return;
    this.stats.assistantLines++;
    const key = `${obj.message.id}\n${obj.requestId ?? ''}`;
    const known = this.responses.get(key);
    if (!known || tokenTotal(obj.message.usage) > tokenTotal(known)) this.responses.set(key, obj.message.usage);
  }

  /** Writes one session file of about `bytes` bytes, starting at `startMs`; returns its first lines. */
  session(file, { bytes, startMs, stopMs, project, sessionId, sidechain, agentId, resumeFrom, untilStop }) {
    const rnd = this.rnd;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fd = fs.openSync(file, 'w');
    const pending = [];
    let pendingBytes = 0;
    let written = 0;
    const head = [];
    const push = (line, obj) => {
      pending.push(line);
      pendingBytes += line.length;
      written += Buffer.byteLength(line);
      if (head.length < 300) head.push(line);
      this.note(line, obj);
      if (pendingBytes > 512 * 1024) {
        fs.writeSync(fd, pending.join(''));
        pending.length = 0;
        pendingBytes = 0;
      }
    };
    for (const line of resumeFrom ?? []) push(line, JSON.parse(line));

    const model = sidechain ? rnd.oneOf(SIDECHAIN_MODELS) : pickModel(rnd);
    const version = `2.${rnd.int(0, 1)}.${rnd.int(10, 250)}`;
    const toolScale = Math.max(1, bytes / (600 * 6000));
    let parentUuid = null;
    let context = rnd.int(6000, 30000);
    let t = startMs;
    const base = () => ({ parentUuid, isSidechain: !!sidechain, userType: 'external', cwd: project.cwd, sessionId, version, gitBranch: project.branch, ...(agentId ? { agentId } : {}) });
    const emit = (obj) => {
      push(`${JSON.stringify(obj)}\n`, obj);
      if (obj.uuid) parentUuid = obj.uuid;
    };

    if (!sidechain && rnd.next() < 0.4) {
      const summary = { type: 'summary', summary: prose(rnd, rnd.int(20, 70)), leafUuid: rnd.uuid() };
      const line = `${JSON.stringify(summary)}\n`;
      // a summary line has no timestamp: count its bytes only
      pending.push(line); pendingBytes += line.length; written += Buffer.byteLength(line);
      this.stats.lines++; this.stats.bytes += Buffer.byteLength(line);
    }
    for (let turn = 0; (untilStop || written < bytes) && t < stopMs; turn++) {
      const toolResult = turn > 0 && rnd.next() < 0.75;
      const userText = toolResult
        ? prose(rnd, Math.min(200_000, Math.round(rnd.int(400, rnd.next() < 0.04 ? 50_000 : 6000) * toolScale)))
        : prose(rnd, rnd.int(30, 500));
      emit({
        ...base(),
        type: 'user',
        message: toolResult
          ? { role: 'user', content: [{ type: 'tool_result', tool_use_id: `toolu_01${rnd.base58(22)}`, content: userText }] }
          : { role: 'user', content: userText },
        uuid: rnd.uuid(),
        timestamp: new Date(t).toISOString(),
      });
      t += rnd.int(3, 30) * 1000;

      const id = `msg_01${rnd.base58(22)}`;
      const requestId = `req_011C${rnd.base58(20)}`;
      const responseModel = sidechain || rnd.next() < 0.9 ? model : pickModel(rnd);
      const written5m = rnd.next() < 0.25 ? rnd.int(1000, 25000) : rnd.int(0, 1500);
      const written1h = rnd.next() < 0.3 ? rnd.int(0, 8000) : 0;
      const usage = {
        input_tokens: rnd.int(1, 80),
        cache_creation_input_tokens: written5m + written1h,
        cache_read_input_tokens: context,
        cache_creation: { ephemeral_5m_input_tokens: written5m, ephemeral_1h_input_tokens: written1h },
        output_tokens: rnd.int(10, 3500),
        service_tier: 'standard',
      };
      context = Math.min(170_000, context + written5m + written1h + rnd.int(300, 3000));
      const parts = rnd.int(1, 3);
      for (let p = 0; p < parts; p++) {
        const final = p === parts - 1;
        const kind = final ? rnd.oneOf(['text', 'tool_use']) : rnd.oneOf(['thinking', 'text']);
        const content = kind === 'tool_use'
          ? [{ type: 'tool_use', id: `toolu_01${rnd.base58(22)}`, name: rnd.oneOf(['Read', 'Edit', 'Bash', 'Grep', 'Glob']), input: { command: prose(rnd, rnd.int(15, 300)) } }]
          : kind === 'thinking'
            ? [{ type: 'thinking', thinking: prose(rnd, rnd.int(80, 1200)), signature: rnd.base58(160) }]
            : [{ type: 'text', text: prose(rnd, rnd.int(40, 1200)) }];
        emit({
          ...base(),
          type: 'assistant',
          message: {
            id, type: 'message', role: 'assistant', model: responseModel, content,
            stop_reason: final ? (kind === 'tool_use' ? 'tool_use' : 'end_turn') : null,
            stop_sequence: null,
            usage: final ? usage : { ...usage, output_tokens: rnd.int(1, 25) },
          },
          requestId,
          uuid: rnd.uuid(),
          timestamp: new Date(t).toISOString(),
        });
        t += rnd.int(300, 2500);
      }
      if (!sidechain && rnd.next() < 0.003) {
        const resetSec = Math.ceil((t + rnd.int(1, 4) * 3_600_000) / 3_600_000) * 3600;
        emit({
          ...base(),
          type: 'assistant',
          isApiErrorMessage: true,
          message: {
            id: rnd.uuid(), type: 'message', role: 'assistant', model: '<synthetic>',
            content: [{ type: 'text', text: `Claude AI usage limit reached|${resetSec}` }],
            usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
          },
          uuid: rnd.uuid(),
          timestamp: new Date(t).toISOString(),
        });
      }
      if (rnd.next() < 0.015) emit({ type: 'system', subtype: 'turn_duration', durationMs: rnd.int(2000, 80000), uuid: rnd.uuid(), timestamp: new Date(t).toISOString() });
      // now and then a long pause inside a session, so that some sessions span two blocks
      t += !untilStop && rnd.next() < 0.01 ? rnd.int(10, 70) * MINUTE : rnd.int(2, 25) * 1000;
    }
    if (pending.length) fs.writeSync(fd, pending.join(''));
    fs.closeSync(fd);
    this.stats.files++;
    return head;
  }
}

/**
 * Writes a log tree into `out` (emptied first) and returns the summary also written to
 * <out>/expected.json.
 */
function generateClaudeLogs(options) {
  const o = { sizeMb: 2, days: 7, seed: 1, projects: 4, continuationRate: 0.1, ...options };
  if (!o.out) throw new Error('generateClaudeLogs: `out` (a directory) is required');
  const out = path.resolve(o.out);
  if (out === path.parse(out).root || out === path.resolve(process.env.HOME || '/')) throw new Error(`refusing to empty ${out}`);
  const endMs = o.end === undefined ? Date.now() : typeof o.end === 'number' ? o.end : Date.parse(o.end);
  if (!Number.isFinite(endMs)) throw new Error(`not a time: ${o.end}`);
  fs.rmSync(out, { recursive: true, force: true });

  const w = new TreeWriter({ out, seed: o.seed, endMs });
  const rnd = w.rnd;
  const projects = Array.from({ length: Math.max(1, o.projects) }, (_, i) => {
    const cwd = `/home/dev/src/${rnd.oneOf(['api', 'site', 'cli', 'infra', 'notes'])}-${i + 1}`;
    return { cwd, dir: path.join(out, 'projects', cwd.replace(/[^A-Za-z0-9]/g, '-')), branch: rnd.oneOf(['main', 'develop', 'feat/usage', 'fix/parser']) };
  });
  const startMs = endMs - o.days * 86_400_000;
  const sizes = fileSizes(rnd, Math.round(o.sizeMb * 1024 * 1024));
  sizes.forEach((bytes, i) => {
    const newest = i === sizes.length - 1;
    const project = rnd.oneOf(projects);
    const sessionId = rnd.uuid();
    // about 8 KB and 40 s per turn: leave room for the session before `end`
    const minutes = Math.min(480, (bytes / 8000) * 0.7);
    const startAt = newest
      ? endMs - 100 * MINUTE
      : startMs + rnd.next() * Math.max(MINUTE, w.lastAllowed - startMs - minutes * MINUTE * 1.5);
    const stopMs = newest ? endMs - 20 * MINUTE : w.lastAllowed;
    const resumeFrom = !newest && w.heads.length && rnd.next() < o.continuationRate
      ? rnd.oneOf(w.heads).slice(0, rnd.int(10, 250)) : undefined;
    const head = w.session(path.join(project.dir, `${sessionId}.jsonl`), { bytes, startMs: startAt, stopMs, project, sessionId, resumeFrom, untilStop: newest });
    if (head.length) w.heads.push(head);
    if (!newest && rnd.next() < 0.15) {
      const agentId = `a${rnd.hex(16)}`;
      w.session(path.join(project.dir, sessionId, 'subagents', `agent-${agentId}.jsonl`), {
        bytes: Math.max(2000, Math.round(bytes * 0.2)), startMs: startAt + MINUTE, stopMs: w.lastAllowed, project, sessionId, sidechain: true, agentId,
      });
    }
  });

  const totals = { entries: 0, input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  for (const u of w.responses.values()) {
    totals.entries++;
    for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']) totals[k] += u[k];
  }
  const s = w.stats;
  const summary = {
    out, files: s.files, lines: s.lines, assistantLines: s.assistantLines, uniqueResponses: w.responses.size,
    bytes: s.bytes, mib: Math.round((s.bytes / 1048576) * 10) / 10,
    firstTimestamp: new Date(s.first).toISOString(), lastTimestamp: new Date(s.last).toISOString(), dedupedTotals: totals,
  };
  fs.writeFileSync(path.join(out, 'expected.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/**
 * One Claude Code usage-limit wall line in each shape Claude Code writes (`<synthetic>`
 * assistant lines), or a line that looks like one and is not. `form` names the shape;
 * `at` is the line's ISO time, `resetSec` an epoch (seconds) for the shapes that carry one.
 */
const WALL_FORMS = {
  legacy: ({ resetSec }) => ({ text: `Claude AI usage limit reached|${resetSec}`, usage: true }),
  session: () => ({ text: "You've hit your session limit · resets 7:30pm (Asia/Seoul)", error: 'rate_limit', status: 429 }),
  weekly: () => ({ text: "You've hit your weekly limit · resets Oct 12, 8am (Europe/Paris)", error: 'rate_limit', status: 429 }),
  fiveHour: () => ({ text: '5-hour limit reached ∙ resets 3pm', error: 'rate_limit' }),
  bare: () => ({ text: "You've hit your limit · resets 5pm (Europe/Berlin)", error: 'rate_limit', usage: true }),
  fable: () => ({ text: "You've reached your Fable limit. Run /usage-credits to continue or switch models with /model.", error: 'rate_limit' }),
  creditsReset: () => ({ text: "You're out of usage credits · resets 8:40pm (UTC)", error: 'rate_limit' }),
  creditsSwitch: () => ({ text: "You're out of usage credits. Switch to another model to continue.", error: 'rate_limit' }),
  creditsModel: () => ({ text: "You're out of usage credits. Use /model to switch models.", error: 'rate_limit' }),
  quota: ({ resetSec }) => ({ text: "You've hit your session limit · resets 10pm", error: 'rate_limit', status: 429, apiError: 'usage_limit_reached', quotaLimits: { status: 'rejected', rateLimitType: 'five_hour', resetsAt: resetSec, overageDisabledReason: 'out_of_credits' } }),
  quotaOnly: ({ resetSec }) => ({ text: "You've hit your session limit", plain: true, quotaLimits: { status: 'rejected', resetsAt: resetSec, rateLimitType: 'seven_day_opus', isUsingOverage: false } }),
  rateLimitInfo: ({ resetSec }) => ({ noMessage: true, error: 'rate_limit', apiError: 'usage_limit_reached', apiErrorParams: { rate_limit_info: { status: 'rejected', resetsAt: resetSec, rateLimitType: 'seven_day' } } }),
  // not walls
  login: () => ({ text: 'Login expired · Please run /login', error: 'authentication_failed' }),
  server: () => ({ text: 'API Error: The response stopped arriving. The response above may be incomplete.', error: 'server_error' }),
  safeguard: () => ({ text: 'API Error: Claude Code is unable to respond to this request, which appears to violate our Usage Policy.', error: 'invalid_request' }),
  throttle: () => ({ text: 'API Error: 429 Rate limited', error: 'rate_limit', apiError: 'rate_limited', status: 429 }),
  onHold: () => ({ text: "You've hit your session limit", error: 'account_on_hold' }),
};

function limitWallLine(form, { at, resetSec = 0, sessionId = 'wall-session', id = `wall-${form}-${at}` }) {
  const f = WALL_FORMS[form]({ resetSec });
  const obj = { parentUuid: null, isSidechain: false, type: 'assistant', uuid: id, timestamp: at, sessionId };
  if (!f.noMessage) {
    obj.message = {
      id, type: 'message', role: 'assistant', model: f.plain ? undefined : '<synthetic>', stop_reason: 'stop_sequence', stop_sequence: '',
      content: [{ type: 'text', text: f.text }],
      ...(f.usage ? { usage: { input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, server_tool_use: null, service_tier: null } } : {}),
    };
  }
  if (f.error) obj.error = f.error;
  if (!f.plain) obj.isApiErrorMessage = true;
  if (f.status) obj.apiErrorStatus = f.status;
  if (f.apiError) obj.apiError = f.apiError;
  if (f.quotaLimits) obj.quotaLimits = f.quotaLimits;
  if (f.apiErrorParams) obj.apiErrorParams = f.apiErrorParams;
  return `${JSON.stringify(obj)}\n`;
}

function parseArgs(argv) {
  const names = { '--out': 'out', '--size-mb': 'sizeMb', '--days': 'days', '--seed': 'seed', '--end': 'end', '--projects': 'projects', '--continuation-rate': 'continuationRate' };
  const o = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    if (!key || argv[i + 1] === undefined) throw new Error(`usage: claude-logs.js --out DIR [--size-mb N] [--days N] [--seed N] [--end ISO] [--projects N] [--continuation-rate F] (bad: ${argv[i]})`);
    o[key] = key === 'out' || key === 'end' ? argv[i + 1] : Number(argv[i + 1]);
  }
  return o;
}

module.exports = { generateClaudeLogs, limitWallLine, WALL_FORMS };

if (require.main === module) {
  try {
    console.log(JSON.stringify(generateClaudeLogs(parseArgs(process.argv.slice(2))), null, 2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
}
