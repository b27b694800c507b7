// The claude.ai usage client: one account, three ways to reach it (cookie, Claude Code login, demo).

import os from 'node:os';
import path from 'node:path';
import type { ZodType } from 'zod';
import { HOUR_MS } from '../constants';
import { expandHome, readRegularFile, type FileReadError } from '../files';
import { httpRequest, NetworkError, trimSlash, type Transport } from '../http';
import { proxyUrl, type ProxyLogin } from '../proxy';
import type { Organization, PayloadSource, Plan } from '../types';
import { classifyResponse } from './classify';
import { parseSessionKey, rotatedSessionKey } from './cookie';
import { demoOrganization, demoUsage } from './demo';
import { UsageError } from './errors';
import { planFromClaudeCode, planFromOrganization, pickOrganization, rawTier } from './plan';
import {
  claudeCodeCredentialsSchema,
  describeZodError,
  organizationListSchema,
  usageResponseSchema,
  type OrganizationInfo,
  type UsageResponse,
} from '../schemas';

export type AuthMode = 'cookie' | 'claude-code' | 'demo';

const proxySecrets = (s: AccountSettings): string[] => (s.proxyLogin?.password ? [s.proxyLogin.password] : []);

export interface AccountSettings {
  name: string;
  auth: AuthMode;
  organization: string;
  credentialsFile: string;
  baseUrl: string;
  oauthBaseUrl: string;
  /** The proxy URL without user info; empty = the environment's proxy settings. */
  proxy: string;
  proxyLogin: ProxyLogin | null;
  transport: Transport;
  /** Per-request timeout. */
  timeoutMs: number;
}

export interface UsageSnapshot {
  organization: Organization | null;
  plan: Plan;
  /** The service's raw tier text (`rate_limit_tier`, or Claude Code's `subscriptionType`), else null. */
  planTier: string | null;
  source: PayloadSource;
  raw: UsageResponse;
}

export interface UsageSource {
  fetchUsage(): Promise<UsageSnapshot>;
  /** The organizations the login can see (cookie mode), for the editor's Verify. */
  listOrganizations(): Promise<Organization[]>;
  /** Secrets this source currently holds, for redaction. */
  secrets(): string[];
}

const BROWSER_HEADERS: Record<string, string> = {
  Accept: 'application/json',
  'Accept-Language': 'en-US,en;q=0.9',
  'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'anthropic-client-platform': 'web_claude_ai',
};

const ORG_CACHE_MS = HOUR_MS;

function parseWith<T>(schema: ZodType<T>, json: unknown, what: string, service: string): T {
  const r = schema.safeParse(json);
  if (!r.success) throw new UsageError('BAD_RESPONSE', `${service} answered with an unexpected ${what}: ${describeZodError(r.error)}`);
  return r.data;
}

function toNetworkUsageError(err: unknown, service: string): never {
  if (err instanceof NetworkError) throw new UsageError('NETWORK', `cannot reach ${service}: ${err.message}`);
  throw err;
}

// ---------------------------------------------------------------- cookie

export class CookieSource implements UsageSource {
  private sessionKey: string | null;
  private orgCache: { at: number; list: OrganizationInfo[] } | null = null;
  private readonly service: string;

  constructor(
    private readonly settings: AccountSettings,
    sessionKeyInput: string | undefined,
    /** Called when claude.ai hands out a new key (kept in memory only). */
    private readonly onRotate: (key: string) => void = () => undefined,
  ) {
    this.sessionKey = parseSessionKey(sessionKeyInput);
    this.service = safeHost(settings.baseUrl) ?? 'claude.ai';
  }

  secrets(): string[] {
    return [...(this.sessionKey ? [this.sessionKey] : []), ...proxySecrets(this.settings)];
  }

  private async get(pathName: string): Promise<unknown> {
    if (!this.sessionKey) {
      throw new UsageError('NO_CREDENTIALS', 'no session key: paste the sessionKey cookie of claude.ai into the account (it starts with sk-ant-)');
    }
    const s = this.settings;
    const base = trimSlash(s.baseUrl);
    const res = await httpRequest({
      url: `${base}${pathName}`,
      headers: { ...BROWSER_HEADERS, Cookie: `sessionKey=${this.sessionKey}`, Referer: `${base}/settings/usage` },
      timeoutMs: s.timeoutMs,
      proxy: proxyUrl(s.proxy, s.proxyLogin) || undefined,
      transport: s.transport,
    }).catch((err) => toNetworkUsageError(err, this.service));
    const rotated = rotatedSessionKey(res);
    if (rotated && rotated !== this.sessionKey && parseSessionKey(rotated)) {
      this.sessionKey = rotated;
      this.onRotate(rotated);
    }
    return classifyResponse(res, { service: this.service, api: 'cookie', loginHint: 'the session key has expired or was revoked; paste a fresh sessionKey cookie' });
  }

  private async organizations(): Promise<OrganizationInfo[]> {
    if (this.orgCache && Date.now() - this.orgCache.at < ORG_CACHE_MS) return this.orgCache.list;
    const list = parseWith(organizationListSchema, await this.get('/api/organizations'), 'organization list', this.service);
    this.orgCache = { at: Date.now(), list };
    return list;
  }

  async listOrganizations(): Promise<Organization[]> {
    this.orgCache = null;
    return (await this.organizations()).map((o) => ({ uuid: o.uuid, name: o.name ?? o.uuid }));
  }

  async fetchUsage(): Promise<UsageSnapshot> {
    const wanted = this.settings.organization.trim();
    let org: OrganizationInfo | undefined;
    if (wanted) {
      // A configured org is polled even when the list can't be had; the list only adds name and plan.
      org = (await this.organizations().catch(() => [] as OrganizationInfo[])).find((o) => o.uuid === wanted) ?? { uuid: wanted, name: null };
    } else {
      const orgs = await this.organizations();
      org = pickOrganization(orgs, '');
      if (!org) throw new UsageError('BAD_RESPONSE', `${this.service} lists no organization for this login`);
    }
    const json = await this.get(`/api/organizations/${encodeURIComponent(org.uuid)}/usage`).catch((err) => {
      if (err instanceof UsageError && (err.code === 'SESSION_EXPIRED' || err.code === 'FORBIDDEN')) this.orgCache = null;
      throw err;
    });
    const raw = parseWith(usageResponseSchema, json, 'usage object', this.service);
    return { organization: { uuid: org.uuid, name: org.name ?? org.uuid }, plan: planFromOrganization(org), planTier: rawTier(org.rate_limit_tier), source: 'cookie', raw };
  }
}

function safeHost(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------- Claude Code login

export function defaultCredentialsFile(env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const configDir = (env.CLAUDE_CONFIG_DIR ?? '').split(',')[0]?.trim();
  return path.join(configDir || path.join(home, '.claude'), '.credentials.json');
}

/** Largest Claude Code login file read; the real one is well under 1 KiB. */
export const MAX_CREDENTIALS_BYTES = 64 * 1024;

interface OAuthLogin {
  accessToken: string;
  expiresAt: number | null;
  plan: Plan;
  planTier: string | null;
}

export class ClaudeCodeSource implements UsageSource {
  private login: OAuthLogin | null = null;
  private readonly file: string;
  private readonly service: string;

  constructor(private readonly settings: AccountSettings) {
    this.file = settings.credentialsFile.trim() ? expandHome(settings.credentialsFile.trim()) : defaultCredentialsFile();
    this.service = safeHost(settings.oauthBaseUrl) ?? 'api.anthropic.com';
  }

  secrets(): string[] {
    return [...(this.login ? [this.login.accessToken] : []), ...proxySecrets(this.settings)];
  }

  /** Reads Claude Code's login file. Read-only: the token is never refreshed here. */
  private async readLogin(): Promise<OAuthLogin> {
    let text: string;
    try {
      text = await readRegularFile(this.file, MAX_CREDENTIALS_BYTES);
    } catch (err) {
      const e = err as FileReadError;
      throw new UsageError('NO_CREDENTIALS', e.reason === 'missing' ? `Claude Code login file not found at ${this.file}: log in with \`claude\` or set the file's path` : `cannot read Claude Code login file ${this.file}: it ${e.message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError('NO_CREDENTIALS', `Claude Code login file ${this.file} is not valid JSON`);
    }
    const r = claudeCodeCredentialsSchema.safeParse(json);
    if (!r.success) throw new UsageError('NO_CREDENTIALS', `Claude Code login file ${this.file} has no usable claudeAiOauth login (${describeZodError(r.error)})`);
    const o = r.data.claudeAiOauth;
    return { accessToken: o.accessToken, expiresAt: o.expiresAt ?? null, plan: planFromClaudeCode(o.subscriptionType, o.rateLimitTier), planTier: rawTier(o.rateLimitTier) ?? rawTier(o.subscriptionType) };
  }

  private static isExpired(login: OAuthLogin, now = Date.now()): boolean {
    return login.expiresAt !== null && login.expiresAt <= now;
  }

  private async currentLogin(): Promise<OAuthLogin> {
    if (!this.login || ClaudeCodeSource.isExpired(this.login)) this.login = await this.readLogin();
    if (ClaudeCodeSource.isExpired(this.login)) {
      throw new UsageError('TOKEN_EXPIRED', `Claude Code's login in ${this.file} expired at ${new Date(this.login.expiresAt!).toISOString()}: use Claude Code once and it refreshes the file`);
    }
    return this.login;
  }

  private async request(login: OAuthLogin): Promise<unknown> {
    const s = this.settings;
    const res = await httpRequest({
      url: `${trimSlash(s.oauthBaseUrl)}/api/oauth/usage`,
      headers: { Accept: 'application/json', Authorization: `Bearer ${login.accessToken}`, 'anthropic-beta': 'oauth-2025-04-20', 'User-Agent': 'node-red-claude-usage' },
      timeoutMs: s.timeoutMs,
      proxy: proxyUrl(s.proxy, s.proxyLogin) || undefined,
      transport: s.transport,
    }).catch((err) => toNetworkUsageError(err, this.service));
    return classifyResponse(res, { service: this.service, api: 'oauth', loginHint: "Claude Code's login was refused; use Claude Code once so it refreshes its login" });
  }

  async listOrganizations(): Promise<Organization[]> {
    return [];
  }

  async fetchUsage(): Promise<UsageSnapshot> {
    let login = await this.currentLogin();
    let json: unknown;
    try {
      json = await this.request(login);
    } catch (err) {
      if (!(err instanceof UsageError) || err.code !== 'TOKEN_EXPIRED' || err.status !== 401) throw err;
      // Claude Code may have refreshed the token since we read the file.
      const fresh = await this.readLogin();
      this.login = fresh;
      if (fresh.accessToken === login.accessToken || ClaudeCodeSource.isExpired(fresh)) {
        throw new UsageError('TOKEN_EXPIRED', `${this.service} refused Claude Code's login (HTTP 401): use Claude Code once so it refreshes ${this.file}`, { status: 401 });
      }
      login = fresh;
      json = await this.request(login);
    }
    return { organization: null, plan: login.plan, planTier: login.planTier, source: 'claude-code', raw: parseWith(usageResponseSchema, json, 'usage object', this.service) };
  }
}

// ---------------------------------------------------------------- demo

/** When this process started its first demo: redeploys keep the demo's rhythm, a restart begins it again. */
let demoStartedAt: number | null = null;

export class DemoSource implements UsageSource {
  private readonly startedAt: number;

  constructor(
    private readonly name: string,
    private readonly clock: () => number = Date.now,
    startedAt?: number,
  ) {
    this.startedAt = startedAt ?? (demoStartedAt ??= clock());
  }

  secrets(): string[] {
    return [];
  }

  async listOrganizations(): Promise<Organization[]> {
    return [demoOrganization(this.name)];
  }

  async fetchUsage(): Promise<UsageSnapshot> {
    return { organization: demoOrganization(this.name), plan: 'max_5x', planTier: 'default_claude_max_5x', source: 'demo', raw: demoUsage(this.name, this.clock(), this.startedAt) };
  }
}

export function createSource(settings: AccountSettings, sessionKey: string | undefined, onRotate?: (key: string) => void): UsageSource {
  switch (settings.auth) {
    case 'demo':
      return new DemoSource(settings.name);
    case 'claude-code':
      return new ClaudeCodeSource(settings);
    default:
      return new CookieSource(settings, sessionKey, onRotate);
  }
}
