// One HTTP request, over undici or the system curl, with a hard timeout.
// Both transports answer the same way: a status, lower-cased headers and the body as text.
// Secrets travel in headers or the body only; with curl they go through stdin, never argv.

import { spawn } from 'node:child_process';
import { Agent, Dispatcher, EnvHttpProxyAgent, ProxyAgent, request } from 'undici';
import { REQUEST_TIMEOUT_MS } from './constants';

export type Transport = 'undici' | 'curl';

export interface HttpRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
  /** Explicit proxy URL; empty = honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY. */
  proxy?: string;
  transport?: Transport;
  /** Largest body read, in bytes; more is a network error. */
  maxBodyBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/** The request never got an HTTP answer: refused, reset, DNS, TLS, timeout. */
export class NetworkError extends Error {
  readonly code = 'NETWORK';
  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'NetworkError';
  }
}

const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

/** `base` trimmed, without trailing slashes, so paths can be appended (linear in its length). */
export function trimSlash(base: string): string {
  const text = base.trim();
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}

/** True for an absolute http: or https: URL: the only schemes either transport speaks. */
export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

export async function httpRequest(req: HttpRequest): Promise<HttpResponse> {
  if (!isHttpUrl(req.url)) throw new NetworkError('only http and https URLs are allowed', 'EPROTO');
  return (req.transport ?? 'undici') === 'curl' ? curlRequest(req) : undiciRequest(req);
}

export function headerValue(headers: HttpResponse['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The answer's body as JSON, or undefined when it is not JSON. */
export function jsonBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body);
  } catch {
    return undefined;
  }
}

export function headerValues(headers: HttpResponse['headers'], name: string): string[] {
  const v = headers[name.toLowerCase()];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

// ---------------------------------------------------------------- undici

const dispatchers = new Map<string, Dispatcher>();

function dispatcherFor(proxy: string | undefined): Dispatcher {
  const key = proxy || '(env)';
  let d = dispatchers.get(key);
  if (!d) {
    const hasEnvProxy = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((k) => process.env[k]);
    d = proxy ? new ProxyAgent(proxy) : hasEnvProxy ? new EnvHttpProxyAgent() : new Agent();
    dispatchers.set(key, d);
  }
  return d;
}

function describeNetworkError(err: unknown): NetworkError {
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.cause?.code || e?.code || e?.name || 'ERROR';
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'timed out',
    UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
    UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for the answer',
    UND_ERR_BODY_TIMEOUT: 'timed out reading the answer',
    UND_ERR_SOCKET: 'connection closed',
    UND_ERR_ABORTED: 'timed out',
    AbortError: 'timed out',
    TimeoutError: 'timed out',
  };
  return new NetworkError(words[code] ?? `network error (${code})`, code);
}

async function undiciRequest(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const maxBody = req.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(req.url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      dispatcher: dispatcherFor(req.proxy),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (err) {
    throw signal.aborted ? new NetworkError('timed out', 'ETIMEDOUT') : describeNetworkError(err);
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > maxBody) {
        res.body.destroy();
        throw new NetworkError(`answer larger than ${maxBody} bytes`, 'TOO_LARGE');
      }
      chunks.push(chunk as Buffer);
    }
    const headers: HttpResponse['headers'] = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k.toLowerCase()] = v;
    return { status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') };
  } catch (err) {
    if (err instanceof NetworkError) throw err;
    throw signal.aborted ? new NetworkError('timed out', 'ETIMEDOUT') : describeNetworkError(err);
  }
}

// ---------------------------------------------------------------- curl

/** A value in curl's config-file syntax: double-quoted, with \\ and \" escaped. */
function curlQuote(value: string): string {
  return '"' + value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

export function curlConfig(req: HttpRequest): string {
  const lines = [
    `url = ${curlQuote(req.url)}`,
    `request = ${curlQuote(req.method ?? 'GET')}`,
    'silent',
    'show-error',
    'dump-header = "-"',
    `max-time = ${Math.max(1, Math.ceil((req.timeoutMs ?? REQUEST_TIMEOUT_MS) / 1000))}`,
    `max-filesize = ${req.maxBodyBytes ?? DEFAULT_MAX_BODY}`,
    'compressed',
    // http and https only, for the request and for any redirect it follows
    'proto = "=http,https"',
    'proto-redir = "=http,https"',
  ];
  if (req.proxy) lines.push(`proxy = ${curlQuote(req.proxy)}`);
  for (const [k, v] of Object.entries(req.headers ?? {})) lines.push(`header = ${curlQuote(`${k}: ${v}`)}`);
  if (req.body !== undefined) lines.push(`data-binary = ${curlQuote(req.body)}`);
  return lines.join('\n') + '\n';
}

const CURL_EXIT_REASONS: Record<number, string> = {
  5: 'proxy host not found',
  6: 'host not found',
  7: 'connection refused',
  28: 'timed out',
  35: 'TLS handshake failed',
  52: 'empty answer',
  56: 'connection reset',
  63: 'answer too large',
};

/** Splits curl's `--dump-header -` output: skips 1xx and proxy CONNECT blocks. */
export function parseCurlOutput(raw: Buffer): HttpResponse {
  let rest = raw;
  let status = 0;
  let headerText = '';
  for (;;) {
    const text = rest.subarray(0, Math.min(rest.length, 16)).toString('latin1');
    if (!text.startsWith('HTTP/')) break;
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    headerText = rest.subarray(0, end).toString('latin1');
    rest = rest.subarray(end + 4);
    status = Number(/^HTTP\/[\d.]+\s+(\d{3})/.exec(headerText)?.[1] ?? 0);
    const isConnect = /^HTTP\/[\d.]+\s+200[^\r\n]*connection established/i.test(headerText);
    if (!(status >= 100 && status < 200) && !isConnect) break;
  }
  const headers: HttpResponse['headers'] = {};
  for (const line of headerText.split('\r\n').slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { status, headers, body: rest.toString('utf8') };
}

function curlRequest(req: HttpRequest): Promise<HttpResponse> {
  const timeoutMs = req.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const maxBody = req.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const maxOutput = maxBody + 64 * 1024; // the body plus room for the header blocks
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (!settled) {
        settled = true;
        clearTimeout(killer);
        fn();
      }
    };
    const child = spawn('curl', ['--config', '-'], { stdio: ['pipe', 'pipe', 'pipe'], env: process.env });
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new NetworkError('timed out', 'ETIMEDOUT')));
    }, timeoutMs + 2000);
    const out: Buffer[] = [];
    let outSize = 0;
    child.stdout.on('data', (c: Buffer) => {
      outSize += c.length;
      if (outSize > maxOutput) {
        child.kill('SIGKILL');
        finish(() => reject(new NetworkError(`answer larger than ${maxBody} bytes`, 'TOO_LARGE')));
      } else out.push(c);
    });
    child.stderr.resume();
    child.on('error', (err: NodeJS.ErrnoException) => {
      const why = err.code === 'ENOENT' ? 'curl is not installed' : `curl failed to start (${err.code ?? 'error'})`;
      finish(() => reject(new NetworkError(why, err.code ?? 'SPAWN')));
    });
    child.on('close', (code) => {
      if (code === 0) {
        finish(() => {
          const res = parseCurlOutput(Buffer.concat(out));
          if (res.status === 0) reject(new NetworkError('curl gave no HTTP answer', 'NO_STATUS'));
          else if (Buffer.byteLength(res.body) > maxBody) reject(new NetworkError(`answer larger than ${maxBody} bytes`, 'TOO_LARGE'));
          else resolve(res);
        });
      } else {
        finish(() => reject(new NetworkError(CURL_EXIT_REASONS[code ?? -1] ?? `curl exited with code ${code}`, `CURL_${code}`)));
      }
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(curlConfig(req));
  });
}
