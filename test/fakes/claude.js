'use strict';
// A local stand-in for claude.ai's usage endpoints and api.anthropic.com's OAuth usage
// endpoint, with their real answer shapes and failure modes.
//
//   GET /api/organizations                 Cookie: sessionKey=…   → [org, …]
//   GET /api/organizations/:uuid/usage     Cookie: sessionKey=…   → usage object
//   GET /api/oauth/usage                   Authorization: Bearer …, anthropic-beta: oauth-2025-04-20
//
// Tests steer it with `fault` (next answers) and `usage` / `generation` (what a good answer holds).
const http = require('node:http');

const ORG = {
  uuid: '4f6c1a52-9d4e-4b8e-a1c2-7e0d5b3f9a10',
  name: "test@example.com's Organization",
  capabilities: ['chat', 'claude_max'],
  rate_limit_tier: 'default_claude_max_20x',
  billing_type: 'stripe_subscription',
  raven_type: null,
};
const API_ORG = { uuid: '0b1d2c3e-0000-4000-8000-00000000a91', name: 'API credits', capabilities: ['api'], rate_limit_tier: null, raven_type: null };

/** Usage in the first generation's shape (legacy keys; extra usage in cents). */
function legacyUsage(u) {
  return {
    five_hour: u.session == null ? null : { utilization: u.session, resets_at: u.sessionResetsAt ?? '2026-11-22T14:05:00.123456+00:00' },
    seven_day: u.weekly == null ? null : { utilization: u.weekly, resets_at: u.weeklyResetsAt ?? '2026-11-27T09:00:00.654321+00:00' },
    seven_day_oauth_apps: null,
    seven_day_opus: u.opus == null ? null : { utilization: u.opus, resets_at: u.weeklyResetsAt ?? '2026-11-27T09:00:00.654321+00:00' },
    seven_day_sonnet: null,
    iguana_necktie: null,
    extra_usage: u.extra == null ? null : { is_enabled: true, monthly_limit: 5000, used_credits: u.extra, utilization: (u.extra / 5000) * 100 },
  };
}

/** Usage in the newer `limits[]` shape. */
function limitsUsage(u) {
  const limits = [];
  if (u.session != null) limits.push({ kind: 'session', group: 'five_hour', percent: u.session, resets_at: u.sessionResetsAt ?? '2026-11-22T14:05:00Z', scope: null });
  if (u.weekly != null) limits.push({ kind: 'weekly', group: 'seven_day', percent: u.weekly, resets_at: u.weeklyResetsAt ?? '2026-11-27T09:00:00Z', scope: null });
  if (u.opus != null) limits.push({ kind: 'weekly', group: 'seven_day', percent: u.opus, resets_at: u.weeklyResetsAt ?? '2026-11-27T09:00:00Z', scope: { model: { display_name: 'Opus' } } });
  if (u.cowork != null) limits.push({ id: 'seven_day_cowork', kind: 'weekly', group: 'cowork', percent: u.cowork, resets_at: null });
  return { limits, extra_usage: u.extra == null ? null : { is_enabled: true, monthly_limit: 5000, used_credits: u.extra, currency: 'EUR' } };
}

/** Usage in the newest shape: limits[] with severity and the binding limit, codename windows, spend, breakdown, a credit pool. */
function newestUsage(u) {
  const at = u.weeklyResetsAt ?? '2026-11-27T09:00:00.474983+00:00';
  const sessionAt = u.sessionResetsAt ?? '2026-11-22T14:05:00.474962+00:00';
  return {
    five_hour: { utilization: 1, resets_at: sessionAt, limit_dollars: null, locked_reason: null }, // stale: limits[] wins
    seven_day: { utilization: u.weekly, resets_at: at, locked_reason: null },
    seven_day_omelette: { utilization: 7, resets_at: at, locked_reason: 'design_paused' },
    seven_day_opus: null,
    tangelo: null,
    amber_gauge: null,
    nimbus_quill: { utilization: 0, resets_at: null },
    iguana_necktie: { utilization: 25, resets_at: '2026-12-31T00:00:00+00:00', limit_dollars: 40, used_dollars: 10, remaining_dollars: 30 },
    extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null },
    limits: [
      { kind: 'session', group: 'session', percent: u.session, severity: 'normal', resets_at: sessionAt, scope: null, is_active: false },
      { kind: 'weekly_all', group: 'weekly', percent: u.weekly, severity: 'normal', resets_at: at, scope: null, is_active: false },
      { kind: 'weekly_scoped', group: 'weekly', percent: 88, severity: 'warning', resets_at: at, scope: { model: { id: null, display_name: 'Fable' }, surface: null }, is_active: true },
    ],
    spend: { used: { amount_minor: 1250, currency: 'EUR', exponent: 2 }, limit: { amount_minor: 5000, currency: 'EUR', exponent: 2 }, percent: 25, severity: 'normal', enabled: true, disabled_reason: null },
    seven_day_breakdown: {
      as_of: '2026-11-22T09:59:00+00:00',
      window_started_at: '2026-11-20T09:00:00+00:00',
      rows: [
        { key: 'claude_code', display_name: 'Claude Code', percent: 70 },
        { key: 'chat', display_name: 'Chats', percent: 20 },
        { key: 'cowork', display_name: 'Cowork', percent: 10 },
        { key: 'other', display_name: 'Other', percent: null },
      ],
    },
  };
}

const CLOUDFLARE_PAGE = '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><div id="challenge-form">Enable JavaScript and cookies to continue</div></body></html>';

async function startFakeClaude(opts = {}) {
  const state = {
    sessionKeys: new Set(opts.sessionKeys ?? ['sk-ant-sid01-test-session-key-0000000000000000000000']),
    tokens: new Set(opts.tokens ?? ['sk-ant-oat01-test-access-token-000000000000000000000']),
    usage: { session: 62.4, weekly: 44.1, opus: 12, extra: 1234 },
    generation: 'legacy',
    /** Raw usage body to answer with instead of the generated one (any JSON value, or a string sent as is). */
    rawUsage: undefined,
    organizations: [ORG, API_ORG],
    /** Answers to give next, in order, instead of the normal ones: names from FAULTS below. */
    faults: [],
    /** A key to hand out once with Set-Cookie (and accept from then on). */
    rotateTo: null,
    redirectTo: null,
    requests: [],
  };
  const sockets = new Set();

  function send(res, status, body, headers = {}) {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' && body.startsWith('<') ? 'text/html; charset=UTF-8' : 'application/json', ...headers });
    res.end(text);
  }

  const FAULTS = {
    'session-invalid': (res) => send(res, 403, { type: 'error', error: { type: 'permission_error', message: 'Invalid authorization', details: { error_visibility: 'user_facing', error_code: 'account_session_invalid' } } }),
    'forbidden-organization': (res) => send(res, 403, { type: 'error', error: { type: 'permission_error', message: 'Invalid authorization for organization', details: { error_visibility: 'user_facing' } }, request_id: 'req_test_0001' }),
    'forbidden-edge': (res) => send(res, 403, { error: { type: 'forbidden', message: 'Request not allowed' } }),
    'forbidden-scope': (res) => send(res, 403, { type: 'error', error: { type: 'permission_error', message: 'OAuth token does not meet scope requirement user:profile', details: { error_visibility: 'user_facing' } }, request_id: 'req_test_0002' }),
    unauthorized: (res) => send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'Invalid bearer token' } }),
    cloudflare: (res) => send(res, 403, CLOUDFLARE_PAGE, { 'cf-mitigated': 'challenge', server: 'cloudflare', 'cf-ray': '8f00000000000000-AMS' }),
    'cloudflare-html-only': (res) => send(res, 403, CLOUDFLARE_PAGE, { server: 'cloudflare' }),
    'rate-limit-seconds': (res) => send(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } }, { 'retry-after': '120' }),
    'rate-limit-date': (res) => send(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } }, { 'retry-after': new Date(Date.now() + 90_000).toUTCString() }),
    'rate-limit-zero': (res) => send(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } }, { 'retry-after': '0' }),
    'server-error': (res) => send(res, 500, { type: 'error', error: { type: 'api_error', message: 'Internal server error' } }),
    'bad-gateway': (res) => send(res, 502, '<html><body>502 Bad Gateway</body></html>'),
    overloaded: (res) => send(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    reset: (res) => res.socket.destroy(),
    hang: () => undefined,
    truncated: (res) => send(res, 200, '{"five_hour": {"utilization": 62.4, "resets_at": "2026-11-'),
    // Where the redirect goes is set by the test: `fake.redirectTo`.
    redirect: (res) => send(res, 302, '', { location: state.redirectTo }),
    'not-found': (res) => send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } }),
  };

  function usageBody() {
    if (state.rawUsage !== undefined) return state.rawUsage;
    if (state.generation === 'newest') return newestUsage(state.usage);
    return state.generation === 'limits' ? limitsUsage(state.usage) : legacyUsage(state.usage);
  }

  function cookieKey(req) {
    const m = /(?:^|;\s*)sessionKey=([^;]+)/.exec(req.headers.cookie || '');
    return m ? m[1] : null;
  }

  const server = http.createServer((req, res) => {
    state.requests.push({ method: req.method, url: req.url, headers: req.headers });
    const fault = state.faults.shift();
    if (fault) {
      if (!FAULTS[fault]) throw new Error(`unknown fault ${fault}`);
      return FAULTS[fault](res);
    }
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/api/oauth/usage') {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization || '')?.[1];
      if (req.headers['anthropic-beta'] !== 'oauth-2025-04-20') return send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'OAuth authentication is currently not supported.' } });
      if (!token || !state.tokens.has(token)) return send(res, 401, { type: 'error', error: { type: 'authentication_error', message: 'OAuth token has expired.' } });
      return send(res, 200, usageBody());
    }
    const key = cookieKey(req);
    if (!key || !state.sessionKeys.has(key)) return FAULTS['session-invalid'](res);
    const headers = {};
    if (state.rotateTo) {
      headers['set-cookie'] = [`sessionKey=${state.rotateTo}; Path=/; Expires=${new Date(Date.now() + 28 * 864e5).toUTCString()}; Secure; HttpOnly; SameSite=Lax`, 'activitySessionId=abc; Path=/'];
      state.sessionKeys.add(state.rotateTo);
      state.rotateTo = null;
    }
    if (url.pathname === '/api/organizations') return send(res, 200, state.organizations, headers);
    const m = /^\/api\/organizations\/([^/]+)\/usage$/.exec(url.pathname);
    if (m) {
      if (!state.organizations.some((o) => o.uuid === m[1])) return FAULTS['forbidden-organization'](res);
      const body = usageBody();
      return typeof body === 'string' ? send(res, 200, body, headers) : send(res, 200, body, headers);
    }
    send(res, 404, { type: 'error', error: { type: 'not_found_error', message: 'Not found' } });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}`;
  return Object.assign(state, {
    url,
    org: ORG,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  });
}

module.exports = { startFakeClaude, legacyUsage, limitsUsage, newestUsage, ORG, CLOUDFLARE_PAGE };
