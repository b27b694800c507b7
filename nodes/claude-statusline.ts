// claude-statusline: the official plan limits, posted by Claude Code's status line from any
// machine, sent on as claude-usage-shaped messages. The body rules live in lib/schemas/statusline,
// the kept state and the payload in lib/claude/statusline, the endpoint in lib/receiver; this
// file wires config, context, the throttle, messages and status.
import { readFile } from 'node:fs';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import { DAY_MS, MINUTE_MS } from './lib/constants';
import { contextGet, contextSet } from './lib/context';
import { historySize } from './lib/claude/history';
import { historyOf, keepSample, sampleOf } from './lib/claude/payload';
import {
  dropExpired,
  hasNoWindows,
  mergeReport,
  nextExpiry,
  restoreKept,
  restoreSamples,
  statuslinePayload,
  windowsKey,
  type KeptStatusline,
  type StatuslinePayload,
} from './lib/claude/statusline';
import { formatPct } from './lib/format';
import { currentConfig, whenFlowsStarted } from './lib/lifecycle';
import { isJsonType, openReceiver, PathTakenError, receiverProblem, type Receiver, type ReceiverAnswer, type ReceivedRequest } from './lib/receiver';
import { word } from './lib/phrase';
import { parseStatuslineBody, senderHost, STATUSLINE_MAX_BYTES } from './lib/schemas/statusline';
import type { UsageSample } from './lib/types';

interface StatuslineDef extends NodeDef {
  account: string;
  path: string;
  throttle: string | number;
  history: string | number;
}

const DEFAULT_PATH = '/claude-usage/statusline';
const DEFAULT_ACCOUNT = 'Claude Code';
const DEFAULT_THROTTLE_S = 5;
/** The same warning (a sender's bad window, a refused body) is logged at most this often. */
const WARN_EVERY_MS = 10 * MINUTE_MS;
/** Timers wait at most a day and look again (setTimeout misfires past 2^31-1 ms). */
const MAX_WAIT_MS = DAY_MS;

/** The scripts the editor offers for download, from the package's scripts/ folder. */
const SCRIPTS = new Set(['claude-statusline.sh', 'claude-statusline.ps1']);
const SCRIPTS_DIR = join(__dirname, '..', '..', 'scripts');
const SCRIPT_MAX_BYTES = 64 * 1024;

function throttleMs(value: unknown): number {
  const n = Number(value === '' || value === undefined || value === null ? DEFAULT_THROTTLE_S : value);
  return (Number.isFinite(n) && n >= 0 ? Math.min(n, 3600) : DEFAULT_THROTTLE_S) * 1000;
}

function statusOf(kept: KeptStatusline, _: NodeAPI['_']): string {
  const parts: string[] = [kept.claudeCode.host];
  if (kept.windows.session) parts.push(_('claude-statusline.status.session', { pct: formatPct(kept.windows.session.pct) }));
  if (kept.windows.weekly) parts.push(_('claude-statusline.status.weekly', { pct: formatPct(kept.windows.weekly.pct) }));
  if (hasNoWindows(kept)) parts.push(_('claude-statusline.status.noWindows'));
  parts.push(new Date(kept.receivedAt).toTimeString().slice(0, 5));
  return parts.join(' · ');
}

export = function (RED: NodeAPI) {
  RED.httpAdmin.get('/claude-statusline/scripts/:name', RED.auth.needsPermission('claude-statusline.read'), (req: Request, res: Response) => {
    const name = String(req.params.name);
    if (!SCRIPTS.has(name)) {
      res.status(404).json({ error: RED._('claude-statusline.error.noScript') });
      return;
    }
    readFile(join(SCRIPTS_DIR, name), (err, data) => {
      if (err || data.length > SCRIPT_MAX_BYTES) res.status(404).json({ error: RED._('claude-statusline.error.scriptMissing') });
      else res.type('text/plain; charset=utf-8').send(data);
    });
  });

  function ClaudeStatuslineNode(this: Node, config: StatuslineDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-statusline', config, RED._);
    const node = this;
    const account = String(config.account ?? '').trim() || DEFAULT_ACCOUNT;
    const throttle = throttleMs(config.throttle);
    const maxSamples = historySize(config.history);
    const context = node.context();
    const token = (node.credentials as { token?: string } | undefined)?.token ?? '';

    let kept: KeptStatusline | null = null;
    let samples: UsageSample[] = [];
    /** windowsKey() of the last message sent; '' before the first. */
    let sentKey = '';
    let lastSentAt = Number.NEGATIVE_INFINITY;
    let trailing: NodeJS.Timeout | null = null;
    let expiry: NodeJS.Timeout | null = null;
    let receiver: Receiver | null = null;
    let closed = false;
    const warned = new Map<string, number>();

    function warnOnce(text: string): void {
      const now = Date.now();
      const last = warned.get(text);
      if (last !== undefined && now - last < WARN_EVERY_MS) return;
      if (warned.size >= 100) warned.clear();
      warned.set(text, now);
      node.warn(text);
    }

    function read(key: string): Promise<unknown> {
      return contextGet(context, key).catch((err: Error) => {
        node.warn(RED._('claude-statusline.warn.unread', { name: key, error: err.message }));
        return undefined;
      });
    }

    function keep(key: string, value: unknown): void {
      contextSet(context, key, value).catch((err: Error) => node.warn(RED._('claude-statusline.warn.notKept', { name: key, error: err.message })));
    }

    /** A kept value that does not read back is dropped, with one warning, and never trusted. */
    function damaged(key: string): void {
      node.warn(RED._('claude-statusline.warn.damaged', { name: key }));
      keep(key, undefined);
    }

    const restored = Promise.all([read('last'), read('history')])
      .then(([last, history]) => {
        if (last !== undefined && last !== null) {
          const r = restoreKept(last);
          if (r) kept = r;
          else damaged('last');
        }
        if (history !== undefined && history !== null) {
          const r = restoreSamples(history, maxSamples);
          if (r) samples = r;
          else damaged('history');
        }
      })
      .catch((err: unknown) => node.warn(RED._('claude-statusline.warn.notRestored', { error: err instanceof Error ? err.message : String(err) })));

    function showStatus(): void {
      if (closed || !receiver) return;
      if (!kept) node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-statusline.status.waiting') });
      else node.status({ fill: hasNoWindows(kept) ? 'yellow' : 'green', shape: hasNoWindows(kept) ? 'ring' : 'dot', text: statusOf(kept, RED._) });
    }

    function payloadAt(now: Date): StatuslinePayload | null {
      return kept ? statuslinePayload({ account, kept, samples, now }) : null;
    }

    function emit(now: number): void {
      const payload = payloadAt(new Date(now));
      if (!payload) return;
      const sample = sampleOf(payload);
      const last = samples[samples.length - 1];
      samples = last && last.fetchedAt === sample.fetchedAt ? [...samples.slice(0, -1), sample] : keepSample(samples, sample, maxSamples);
      keep('history', samples);
      sentKey = windowsKey(kept);
      lastSentAt = now;
      node.send({ topic: account, payload });
    }

    function scheduleExpiry(): void {
      if (expiry) clearTimeout(expiry);
      expiry = null;
      const at = nextExpiry(kept);
      if (at === null || closed) return;
      expiry = setTimeout(
        () => {
          expiry = null;
          consider();
        },
        Math.min(Math.max(0, at - Date.now()) + 1000, MAX_WAIT_MS),
      );
    }

    /**
     * Sends the kept windows when they changed since the last message: at once when the
     * throttle allows, else when it ends (with the newest values then).
     */
    function consider(): void {
      if (closed || !kept) return;
      const now = Date.now();
      const current = dropExpired(kept, new Date(now));
      if (windowsKey(current) !== windowsKey(kept)) {
        kept = current;
        keep('last', kept);
        showStatus();
      }
      scheduleExpiry();
      const key = windowsKey(kept);
      if (key === sentKey || (sentKey === '' && hasNoWindows(kept))) return;
      const wait = lastSentAt + throttle - now;
      if (wait > 0) {
        trailing ??= setTimeout(() => {
          trailing = null;
          consider();
        }, wait);
        return;
      }
      emit(now);
    }

    async function take(req: ReceivedRequest): Promise<ReceiverAnswer> {
      const reading = parseStatuslineBody(req.body.toString('utf8'));
      if (!reading.ok) {
        warnOnce(RED._('claude-statusline.warn.refused', { error: reading.error }));
        return { status: 400, json: { error: reading.error } };
      }
      for (const w of reading.warnings) warnOnce(w);
      await restored;
      if (closed) return { status: 204 };
      kept = mergeReport(kept, reading.report, senderHost(req.header('x-claude-host')), new Date());
      keep('last', kept);
      showStatus();
      consider();
      return { status: 204 };
    }

    if (token === '') {
      node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-statusline.status.noToken') });
      node.log('no token set: open the node, which fills one in, and deploy');
    } else {
      try {
        receiver = openReceiver(RED as unknown as Parameters<typeof openReceiver>[0], {
          ownerId: node.id,
          path: config.path || DEFAULT_PATH,
          token,
          routes: [
            {
              suffix: '',
              maxBytes: STATUSLINE_MAX_BYTES,
              checkContentType: (type) => (isJsonType(type) ? null : 'send the status line JSON with Content-Type: application/json'),
              handle: take,
            },
          ],
          onError: (err) => node.error(RED._('claude-statusline.error.report', { error: err instanceof Error ? err.message : String(err) })),
        });
        showStatus();
      } catch (err) {
        const problem = receiverProblem(err);
        node.status({ fill: 'red', shape: 'ring', text: err instanceof PathTakenError ? RED._('claude-statusline.status.pathInUse', { path: err.path }) : RED._('claude-statusline.status.cannotListen') });
        node.error(problem ? word(RED._, 'claude-statusline', problem) : err instanceof Error ? err.message : String(err));
      }
    }

    const cancelStart = whenFlowsStarted(RED, () => {
      restored
        .then(() => {
          showStatus();
          consider();
        })
        .catch((err: unknown) => node.error(String(err)));
    });

    node.on('input', (msg, send, done) => {
      restored
        .then(() => {
          const now = new Date();
          if (kept) kept = dropExpired(kept, now);
          const payload = payloadAt(now);
          const out = msg as NodeMessage & { history?: unknown };
          if ((msg as { history?: unknown }).history === true) {
            out.topic = account;
            out.payload = payload;
            out.history = historyOf(samples);
            send(out);
          } else if (payload) {
            out.topic = account;
            out.payload = payload;
            send(out);
          }
          done();
        })
        .catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    });

    node.on('close', (done: () => void) => {
      closed = true;
      cancelStart();
      receiver?.close();
      if (trailing) clearTimeout(trailing);
      if (expiry) clearTimeout(expiry);
      trailing = expiry = null;
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('claude-statusline', ClaudeStatuslineNode, {
    credentials: { token: { type: 'password' } },
  });
};
