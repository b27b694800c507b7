import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { Account, type AccountHandle } from './lib/claude/account';
import { createSource } from './lib/claude/client';
import { changedDestinations, destinationRefusal, isJsonRequest, JSON_ONLY } from './lib/admin';
import { cookieExpiry, cookieSetAtProblem } from './lib/claude/cookie';
import { buildPayload } from './lib/claude/payload';
import { accountSettings, isAuthMode, warnDaysOf, type AccountProps } from './lib/claude/settings';
import { proxyLogin, splitProxyUrl } from './lib/proxy';
import { redact } from './lib/redact';
import { currentConfig } from './lib/lifecycle';

interface AccountDef extends NodeDef, Omit<AccountProps, 'name'> {}

interface AccountCredentials {
  sessionKey?: string;
  proxyUser?: string;
  proxyPassword?: string;
}

/** What the editor sends for a password credential that is stored and left unchanged. */
const STORED = '__PWRD__';

/** Optional settings.js overrides: `claudeUsage: { requestTimeoutMs }`. */
function requestTimeout(RED: NodeAPI): number | undefined {
  const opts = (RED.settings as unknown as { claudeUsage?: { requestTimeoutMs?: unknown } }).claudeUsage;
  const n = Number(opts?.requestTimeoutMs);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** Where a stored session key may go: the deployed node's own settings of these. */
const COOKIE_DESTINATION = ['baseUrl', 'proxy', 'transport'] as const;
/** Where the host's Claude Code login may go, and which file it comes from. */
const CLAUDE_CODE_DESTINATION = ['credentialsFile', 'oauthBaseUrl', 'proxy', 'transport'] as const;

export = function (RED: NodeAPI) {
  function ClaudeAccountNode(this: Node, config: AccountDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-account', config, RED._);
    const node = this;
    const credentials = (node.credentials ?? {}) as AccountCredentials;
    const settings = accountSettings(config, requestTimeout(RED), proxyLogin(credentials.proxyUser, credentials.proxyPassword));
    if (typeof config.proxy === 'string' && splitProxyUrl(config.proxy.trim()).login) {
      node.warn(RED._('claude-account.warn.proxyLogin'));
    }
    const source = createSource(settings, credentials.sessionKey, () => {
      node.log('claude.ai rotated the session key; the new one is used until the next restart');
    });
    const cookieSetAt = typeof config.cookieSetAt === 'string' ? config.cookieSetAt : '';
    const dateProblem = settings.auth === 'cookie' ? cookieSetAtProblem(cookieSetAt) : null;
    if (dateProblem) node.warn(RED._('claude-account.warn.cookieDate', { problem: dateProblem }));
    const handle: AccountHandle = {
      settings,
      account: new Account(source),
      warnDays: warnDaysOf(config.warnDays),
      cookie: (now = new Date()) => (settings.auth === 'cookie' ? cookieExpiry(cookieSetAt, now) : null),
    };
    Object.assign(node, handle);
  }

  RED.nodes.registerType('claude-account', ClaudeAccountNode, {
    credentials: { sessionKey: { type: 'password' }, proxyUser: { type: 'text' }, proxyPassword: { type: 'password' } },
  });

  // The editor's Verify button: tries the dialog's (possibly undeployed) values.
  RED.httpAdmin.post('/claude-account/verify', RED.auth.needsPermission('claude-account.write'), (req: Request, res: Response) => {
    const refuse = (status: number, message: string) => res.status(status).json({ ok: false, code: status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', message });
    if (!isJsonRequest(req)) return void refuse(415, JSON_ONLY);
    const body = req.body as (AccountProps & { id?: unknown; sessionKey?: unknown; proxyUser?: unknown; proxyPassword?: unknown }) | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) return void refuse(400, RED._('claude-account.verify.refused.notObject'));
    if (body.auth !== undefined && !isAuthMode(body.auth)) return void refuse(400, RED._('claude-account.verify.refused.auth'));
    const dateProblem = cookieSetAtProblem(body.cookieSetAt);
    if (dateProblem) return void refuse(400, dateProblem);
    const deployedNode = typeof body.id === 'string' ? RED.nodes.getNode(body.id) : null;
    const deployed = deployedNode?.type === 'claude-account' ? (deployedNode as unknown as AccountHandle).settings : null;
    let proxyPassword = typeof body.proxyPassword === 'string' ? body.proxyPassword : '';
    if (proxyPassword === STORED) {
      // the stored proxy password only of a deployed claude-account, and only to its own proxy
      if (!deployed || typeof body.id !== 'string') return void refuse(400, RED._('claude-account.verify.refused.storedProxyPassword'));
      const changed = changedDestinations(accountSettings(body) as unknown as Record<string, unknown>, deployed as unknown as Record<string, unknown>, ['proxy', 'transport']);
      if (changed.length) return void refuse(400, destinationRefusal(changed, 'the stored proxy password'));
      proxyPassword = (RED.nodes.getCredentials(body.id) as AccountCredentials | undefined)?.proxyPassword ?? '';
    }
    const settings = accountSettings(body, requestTimeout(RED), proxyLogin(body.proxyUser, proxyPassword));
    let sessionKey = typeof body.sessionKey === 'string' ? body.sessionKey : '';
    if (settings.auth === 'cookie' && (sessionKey === '' || sessionKey === STORED)) {
      // the stored key only of a deployed claude-account, and only to that node's own host
      if (deployed && typeof body.id === 'string') {
        const changed = changedDestinations(settings as unknown as Record<string, unknown>, deployed as unknown as Record<string, unknown>, COOKIE_DESTINATION);
        if (changed.length) return void refuse(400, destinationRefusal(changed, 'the stored session key'));
        sessionKey = (RED.nodes.getCredentials(body.id) as AccountCredentials | undefined)?.sessionKey ?? '';
      }
    }
    if (settings.auth === 'claude-code') {
      // Claude Code's login file on this host: read only for a deployed node, with its own settings
      if (!deployed) {
        return void res.json({ ok: false, code: 'NO_CREDENTIALS', message: RED._('claude-account.verify.deployFirst') });
      }
      const changed = changedDestinations(settings as unknown as Record<string, unknown>, deployed as unknown as Record<string, unknown>, CLAUDE_CODE_DESTINATION);
      if (changed.length) return void refuse(400, destinationRefusal(changed, "the Claude Code login on this host"));
    }
    const source = createSource(settings, sessionKey);
    const secrets = () => [sessionKey, ...source.secrets()];
    const cookie = settings.auth === 'cookie' ? cookieExpiry(typeof body.cookieSetAt === 'string' ? body.cookieSetAt : '') : null;
    (async () => {
      const organizations = await source.listOrganizations();
      const snapshot = await source.fetchUsage();
      const usage = buildPayload({ account: settings.name, snapshot, fetchedAt: new Date(), samples: [], cookie });
      res.json({ ok: true, organizations, plan: snapshot.plan, usage });
    })().catch((err: unknown) => {
      const e = err as { code?: unknown; message?: unknown };
      const code = typeof e?.code === 'string' ? e.code : 'ERROR';
      if (!res.headersSent) res.json({ ok: false, code, message: redact(String(e?.message ?? err), secrets()) });
    });
  });
};
