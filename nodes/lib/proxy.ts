// A proxy's user name and password are credentials: they live apart from its URL (which is
// saved with the flow) and join it only when a request is sent.

export interface ProxyLogin {
  user: string;
  password: string;
}

/** `scheme://user:password@` at the start of a URL, up to the last `@` of the authority (as URL parsers read it). */
const USERINFO = /^([a-z][a-z0-9+.-]{0,31}:\/\/)([^/?#]{0,1024})@/i;

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The URL without its user info, and the login it held (null when none). */
export function splitProxyUrl(url: string): { url: string; login: ProxyLogin | null } {
  const m = USERINFO.exec(url);
  if (!m) return { url, login: null };
  const info = m[2];
  const colon = info.indexOf(':');
  const user = decode(colon < 0 ? info : info.slice(0, colon));
  const password = colon < 0 ? '' : decode(info.slice(colon + 1));
  return { url: m[1] + url.slice(m[0].length), login: user || password ? { user, password } : null };
}

/** The URL a request goes through: the bare URL with the login put in, percent-encoded. */
export function proxyUrl(url: string, login: ProxyLogin | null | undefined): string {
  if (!url || !login || (!login.user && !login.password)) return url;
  const m = /^([a-z][a-z0-9+.-]{0,31}:\/\/)/i.exec(url);
  if (!m) return url;
  const info = encodeURIComponent(login.user) + (login.password ? `:${encodeURIComponent(login.password)}` : '');
  return `${m[1]}${info}@${url.slice(m[1].length)}`;
}

/** A login from credential fields: null when both are empty. */
export function proxyLogin(user: unknown, password: unknown): ProxyLogin | null {
  const u = typeof user === 'string' ? user : '';
  const p = typeof password === 'string' ? password : '';
  return u || p ? { user: u, password: p } : null;
}
