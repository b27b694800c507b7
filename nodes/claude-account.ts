import type { Node, NodeAPI, NodeDef } from 'node-red';
import type { Request, Response } from 'express';
import { Account, type AccountHandle } from './lib/claude/account';
import { createSource } from './lib/claude/client';
import { cookieExpiry } from './lib/claude/cookie';
import { buildPayload } from './lib/claude/payload';
import { accountSettings, isAuthMode, warnDaysOf, type AccountProps } from './lib/claude/settings';
import { redact } from './lib/redact';

interface AccountDef extends NodeDef, Omit<AccountProps, 'name'> {}

interface AccountCredentials {
  sessionKey?: string;
}

/** Optional settings.js overrides: `claudeUsage: { requestTimeoutMs }`. */
function requestTimeout(RED: NodeAPI): number | undefined {
  const opts = (RED.settings as unknown as { claudeUsage?: { requestTimeoutMs?: unknown } }).claudeUsage;
  const n = Number(opts?.requestTimeoutMs);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

export = function (RED: NodeAPI) {
  function ClaudeAccountNode(this: Node, config: AccountDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const settings = accountSettings(config, requestTimeout(RED));
    const credentials = (node.credentials ?? {}) as AccountCredentials;
    const source = createSource(settings, credentials.sessionKey, () => {
      node.log('claude.ai rotated the session key; the new one is used until the next restart');
    });
    const cookieSetAt = typeof config.cookieSetAt === 'string' ? config.cookieSetAt : '';
    const handle: AccountHandle = {
      settings,
      account: new Account(source),
      warnDays: warnDaysOf(config.warnDays),
      cookie: (now = new Date()) => (settings.auth === 'cookie' ? cookieExpiry(cookieSetAt, now) : null),
    };
    Object.assign(node, handle);
  }

  RED.nodes.registerType('claude-account', ClaudeAccountNode, {
    credentials: { sessionKey: { type: 'password' } },
  });

  // The editor's Verify button: tries the dialog's (possibly undeployed) values.
  RED.httpAdmin.post('/claude-account/verify', RED.auth.needsPermission('claude-account.write'), (req: Request, res: Response) => {
    const body = req.body as (AccountProps & { id?: unknown; sessionKey?: unknown }) | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      res.status(400).json({ ok: false, code: 'BAD_REQUEST', message: 'expected a JSON object with the account properties' });
      return;
    }
    if (body.auth !== undefined && !isAuthMode(body.auth)) {
      res.status(400).json({ ok: false, code: 'BAD_REQUEST', message: 'auth must be cookie, claude-code or demo' });
      return;
    }
    let sessionKey = typeof body.sessionKey === 'string' ? body.sessionKey : '';
    if ((sessionKey === '' || sessionKey === '__PWRD__') && typeof body.id === 'string') {
      sessionKey = (RED.nodes.getCredentials(body.id) as AccountCredentials | undefined)?.sessionKey ?? '';
    }
    const settings = accountSettings(body, requestTimeout(RED));
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
      res.json({ ok: false, code, message: redact(String(e?.message ?? err), secrets()) });
    });
  });
};
