// The HTTP endpoints that other machines post to (the status line, OpenTelemetry export).
// They live on Node-RED's HTTP-in server, so httpNodeRoot, httpNodeAuth, httpNodeCors and
// httpNodeMiddleware apply as they do to core `http in` nodes. Every endpoint:
//   - requires `Authorization: Bearer <token>`, compared in constant time; 401 with no detail;
//   - reads the body itself, with a byte cap before and after gzip decoding (413 past it);
//   - checks the content type before reading (415 with the route's own words);
//   - answers every failure of its handler with a 500 and never lets an error escape;
//   - belongs to one node: a second node asking for a taken path is refused, not let override.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createGunzip, createInflate } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Phrase } from './phrase';

/** What a route answers. `json` is sent as a JSON body; without it the answer is empty. */
export interface ReceiverAnswer {
  status: number;
  json?: unknown;
}

export interface ReceivedRequest {
  /** The body as it arrived, gunzipped. */
  body: Buffer;
  /** The content type's media type, lower-cased, without parameters (`application/json`). */
  contentType: string;
  /** A request header (lower-case name), its first value. */
  header(name: string): string | undefined;
}

export interface ReceiverRoute {
  /** Appended to the endpoint's path: `''` or e.g. `/v1/logs`. */
  suffix: string;
  /** Largest body accepted, in bytes, before and after decoding. */
  maxBytes: number;
  /** `null` when the media type is accepted, else the 415 answer's message. */
  checkContentType(mediaType: string): string | null;
  handle(req: ReceivedRequest): ReceiverAnswer | Promise<ReceiverAnswer>;
}

export interface ReceiverOptions {
  /** The node that owns the endpoint (for the path registry). */
  ownerId: string;
  /** Base path, e.g. `/claude-usage/statusline`. */
  path: string;
  token: string;
  routes: ReceiverRoute[];
  /** Called with an error a handler threw; the request got a 500. */
  onError(err: unknown): void;
  /** The JSON body of a refusal (413, 415, 400, 500); default `{ error: message }`. */
  errorBody?(status: number, message: string): unknown;
}

/** The parts of Node-RED's API the receiver uses. */
export interface HttpNodeHost {
  httpNode: HttpNodeApp;
  settings: { httpNodeMiddleware?: unknown };
}

type Handler = (req: IncomingMessage & { body?: unknown; _body?: boolean }, res: ServerResponse, next: (err?: unknown) => void) => void;

interface HttpNodeApp {
  post(path: string, ...handlers: Handler[]): unknown;
  _router?: { stack: RouteLayer[] };
  router?: { stack: RouteLayer[] };
}

interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

export interface Receiver {
  /** The full paths served (without httpNodeRoot). */
  readonly paths: string[];
  close(): void;
}

const MIN_TOKEN_LENGTH = 16;
const MAX_PATH_LENGTH = 200;

export class PathTakenError extends Error {
  readonly code = 'PATH_TAKEN';
  constructor(readonly path: string) {
    super(`another node already serves ${path}`);
    this.name = 'PathTakenError';
  }
}

/** What is wrong with a path: empty, longer than MAX_PATH_LENGTH, or holding other characters. */
export type BadPathReason = 'empty' | 'tooLong' | 'characters';

const BAD_PATH_TEXT: Record<BadPathReason, string> = {
  empty: 'the path is empty',
  tooLong: 'the path is too long',
  characters: 'the path may hold letters, digits, "-", "_", ".", "~" and single "/" only',
};

export class BadPathError extends Error {
  readonly code = 'BAD_PATH';
  constructor(readonly reason: BadPathReason) {
    super(BAD_PATH_TEXT[reason]);
    this.name = 'BadPathError';
  }
}

export class BadTokenError extends Error {
  readonly code = 'BAD_TOKEN';
  constructor() {
    super(`the token is missing or shorter than ${MIN_TOKEN_LENGTH} characters`);
    this.name = 'BadTokenError';
  }
}

/**
 * Why openReceiver refused, as a message key below the node type and its values, for the
 * node to word (`error.receiver.<why>` in its catalog); null for an error of another kind.
 */
export function receiverProblem(err: unknown): Phrase | null {
  if (err instanceof PathTakenError) return { key: 'error.receiver.pathTaken', vars: { path: err.path } };
  if (err instanceof BadPathError) return { key: `error.receiver.${err.reason}`, vars: { max: MAX_PATH_LENGTH } };
  if (err instanceof BadTokenError) return { key: 'error.receiver.badToken', vars: { min: MIN_TOKEN_LENGTH } };
  return null;
}

/** Paths in use by this package's endpoints: path → owning node id. */
const owners = new Map<string, string>();


/**
 * A base path as served: one leading slash, no trailing slash, only URL path characters.
 * Throws BadPathError for an empty or unusable path.
 */
export function normalizePath(path: unknown): string {
  const raw = typeof path === 'string' ? path.trim() : '';
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0x2f) end--;
  let start = 0;
  while (start < end && raw.charCodeAt(start) === 0x2f) start++;
  const inner = raw.slice(start, end);
  if (inner === '') throw new BadPathError('empty');
  if (inner.length > MAX_PATH_LENGTH) throw new BadPathError('tooLong');
  if (!/^[A-Za-z0-9._~\-/]+$/.test(inner) || inner.includes('//') || /(^|\/)\.\.?(\/|$)/.test(inner)) {
    throw new BadPathError('characters');
  }
  return `/${inner}`;
}

/** True when `given` (a request's Authorization header) carries `token`, compared in constant time. */
export function bearerMatches(given: string | undefined, token: string): boolean {
  if (typeof given !== 'string' || token.length < MIN_TOKEN_LENGTH) return false;
  const m = /^Bearer[ \t]+(\S{1,1024})[ \t]*$/i.exec(given.length > 1100 ? '' : given);
  const a = createHash('sha256').update(m ? m[1] : '').digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b) && m !== null;
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  if (!header) return '';
  const semi = header.indexOf(';');
  return (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
}

/** JSON media types: `application/json` and `application/*+json`. */
export function isJsonType(type: string): boolean {
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

class TooLarge extends Error {}
class BadEncoding extends Error {}

/** The request body, decoded, at most `max` bytes each side of decoding. */
function readBody(req: IncomingMessage & { body?: unknown; _body?: boolean }, max: number): Promise<Buffer> {
  // Middleware (httpNodeMiddleware) may have read the body already.
  if (req._body || req.readableEnded) {
    const b = req.body;
    if (Buffer.isBuffer(b)) return b.length > max ? Promise.reject(new TooLarge()) : Promise.resolve(b);
    if (typeof b === 'string') return b.length > max ? Promise.reject(new TooLarge()) : Promise.resolve(Buffer.from(b));
    if (b !== undefined) {
      const s = JSON.stringify(b) ?? '';
      return s.length > max ? Promise.reject(new TooLarge()) : Promise.resolve(Buffer.from(s));
    }
    return Promise.resolve(Buffer.alloc(0));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new TooLarge());
  const encoding = String(req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  let stream: Readable = req;
  let decoder: ReturnType<typeof createGunzip> | undefined;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = createGunzip();
  else if (encoding === 'deflate') decoder = createInflate();
  else if (encoding !== 'identity' && encoding !== '') return Promise.reject(new BadEncoding(encoding));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let raw = 0;
    let decoded = 0;
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      decoder?.destroy();
      req.unpipe?.();
      req.pause();
      reject(err);
    };
    req.on('data', (c: Buffer) => {
      raw += c.length;
      if (raw > max) fail(new TooLarge());
    });
    req.on('error', (e) => fail(e));
    if (decoder) {
      decoder.on('error', () => fail(new BadEncoding('damaged gzip data')));
      stream = req.pipe(decoder);
    }
    stream.on('data', (c: Buffer) => {
      if (settled) return;
      decoded += c.length;
      if (decoded > max) return fail(new TooLarge());
      chunks.push(c);
    });
    stream.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, decoded));
    });
  });
}

function send(res: ServerResponse, answer: ReceiverAnswer): void {
  if (res.headersSent) return;
  if (answer.json === undefined) {
    res.statusCode = answer.status;
    res.end();
    return;
  }
  const text = JSON.stringify(answer.json);
  res.statusCode = answer.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function routerStack(app: HttpNodeApp): RouteLayer[] | undefined {
  if (app._router) return app._router.stack; // Express 4, once a route exists
  try {
    return app.router?.stack; // Express 5 (Express 4 throws: it has no such property)
  } catch {
    return undefined;
  }
}

/** A core `http in` node (or anything else) already serving POST on `path`. */
function servedByOthers(app: HttpNodeApp, path: string): boolean {
  return (routerStack(app) ?? []).some((l) => l.route?.path === path && l.route.methods?.post === true);
}

function middlewareOf(host: HttpNodeHost): Handler[] {
  const m = host.settings.httpNodeMiddleware;
  if (typeof m === 'function') return [m as Handler];
  if (Array.isArray(m)) return m.filter((f): f is Handler => typeof f === 'function');
  return [];
}

/**
 * Serves `routes` under `path` on Node-RED's HTTP-in server until `close()`.
 * Throws PathTakenError when another node (of this package, or a core `http in`) serves one
 * of its paths, BadPathError for an unusable path, and BadTokenError for a missing or short token.
 */
export function openReceiver(host: HttpNodeHost, opts: ReceiverOptions): Receiver {
  const base = normalizePath(opts.path);
  if (typeof opts.token !== 'string' || opts.token.length < MIN_TOKEN_LENGTH) {
    throw new BadTokenError();
  }
  const paths = opts.routes.map((r) => base + r.suffix);
  for (const p of paths) {
    const owner = owners.get(p);
    if ((owner !== undefined && owner !== opts.ownerId) || (owner === undefined && servedByOthers(host.httpNode, p))) {
      throw new PathTakenError(p);
    }
  }
  const token = opts.token;
  const middleware = middlewareOf(host);
  const handlers: Handler[] = [];
  let closed = false;
  const refusal = (status: number, message: string): ReceiverAnswer => ({ status, json: opts.errorBody ? opts.errorBody(status, message) : { error: message } });

  opts.routes.forEach((route, i) => {
    const handler: Handler = (req, res) => {
      if (closed) {
        send(res, { status: 404 });
        return;
      }
      if (!bearerMatches(req.headers.authorization, token)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        send(res, { status: 401 });
        req.resume();
        return;
      }
      const type = mediaType(req.headers['content-type']);
      const refused = route.checkContentType(type);
      if (refused !== null) {
        send(res, refusal(415, refused));
        req.resume();
        return;
      }
      readBody(req, route.maxBytes)
        .then(
          (body) =>
            route.handle({
              body,
              contentType: type,
              header: (name) => {
                const v = req.headers[name.toLowerCase()];
                return Array.isArray(v) ? v[0] : v;
              },
            }),
          (err: unknown) => {
            if (err instanceof TooLarge) return refusal(413, `the body is larger than ${route.maxBytes} bytes`);
            if (err instanceof BadEncoding) return refusal(415, `content encoding not supported or damaged (${err.message.slice(0, 40)})`);
            return refusal(400, 'the request body could not be read');
          },
        )
        .then(
          (answer) => {
            if (answer.status === 413) {
              // the rest of an oversized body is not read: the connection closes after the answer
              res.setHeader('Connection', 'close');
              res.on('finish', () => req.destroy());
            }
            send(res, answer);
          },
          (err: unknown) => {
            try {
              opts.onError(err);
            } catch {
              // the owner's error handler failed too; the request still gets its answer
            }
            send(res, refusal(500, 'internal error'));
          },
        )
        .catch(() => {
          // a socket closed under us: nothing left to answer
        });
    };
    handlers.push(handler);
    owners.set(paths[i], opts.ownerId);
    host.httpNode.post(paths[i], ...middleware, handler);
  });

  return {
    paths,
    close() {
      if (closed) return;
      closed = true;
      const stack = routerStack(host.httpNode);
      if (stack) {
        for (let i = stack.length - 1; i >= 0; i--) {
          const layer = stack[i] as RouteLayer & { route?: { stack?: Array<{ handle?: unknown }> } };
          if (layer.route?.stack?.some((s) => handlers.includes(s.handle as Handler))) stack.splice(i, 1);
        }
      }
      for (const p of paths) if (owners.get(p) === opts.ownerId) owners.delete(p);
    },
  };
}
