// The claude-account node's properties (as the editor saves them: strings) → AccountSettings.

import { REQUEST_TIMEOUT_MS } from '../constants';
import type { Transport } from '../http';
import type { AccountSettings, AuthMode } from './client';
import { splitProxyUrl, type ProxyLogin } from '../proxy';

export const AUTH_MODES: readonly AuthMode[] = ['cookie', 'claude-code', 'demo'];

export interface AccountProps {
  name?: unknown;
  auth?: unknown;
  organization?: unknown;
  credentialsFile?: unknown;
  baseUrl?: unknown;
  oauthBaseUrl?: unknown;
  proxy?: unknown;
  transport?: unknown;
  cookieSetAt?: unknown;
  warnDays?: unknown;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export function isAuthMode(v: unknown): v is AuthMode {
  return typeof v === 'string' && (AUTH_MODES as readonly string[]).includes(v);
}

/**
 * `login` is the proxy login from the node's credentials; a user and password still written in
 * the proxy URL (flows saved before they were credentials) are used when it is null.
 */
export function accountSettings(props: AccountProps, timeoutMs: number = REQUEST_TIMEOUT_MS, login: ProxyLogin | null = null): AccountSettings {
  const proxy = splitProxyUrl(text(props.proxy));
  return {
    name: text(props.name) || 'claude',
    auth: isAuthMode(props.auth) ? props.auth : 'cookie',
    organization: text(props.organization),
    credentialsFile: text(props.credentialsFile),
    baseUrl: text(props.baseUrl) || 'https://claude.ai',
    oauthBaseUrl: text(props.oauthBaseUrl) || 'https://api.anthropic.com',
    proxy: proxy.url,
    proxyLogin: login ?? proxy.login,
    transport: (props.transport === 'curl' ? 'curl' : 'undici') as Transport,
    timeoutMs,
  };
}

export function warnDaysOf(v: unknown): number {
  const n = Number(v === '' || v === undefined || v === null ? 7 : v);
  return Number.isFinite(n) && n >= 0 ? n : 7;
}
