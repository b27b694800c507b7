// The Node-RED glue shared by the channel nodes: each entry of the channels table names
// its type, credentials, adapter and how its properties become the adapter's config.
// Here: input → alert → per-destination queue → delivery core → msg.delivery,
// status, done(err); and the editor's Test button endpoint `POST <type>/test`.
// Status texts, errors of its own and Test answers are the set's message keys
// (`claude-channels.*`); what a service answered stays in its own words.

import type { Node, NodeAPI, NodeDef, NodeMessageInFlow } from 'node-red';
import { alertFromMessage, makeAlert, type Alert } from '../alert';
import { formatClock, formatDuration, resolveTimeZone } from '../format';
import { isJsonRequest, JSON_ONLY } from '../admin';
import { redact } from '../redact';
import { deliver, DeliveryError, type DeliveryOptions, type DeliveryResult } from './core';
import { destinationQueues, QueueFullError } from './queue';
import type { ChannelAdapter, ChannelSpec, Credentials, Properties } from './types';
import { currentConfig } from '../lifecycle';
import type { Translate } from '../phrase';

/** RED._ of the channels' node set. */

/** What `msg.delivery` carries. */
export interface DeliveryReport {
  ok: boolean;
  channel: string;
  status: number | null;
  attempts: number;
  id: string | null;
}

/** Optional runtime tuning from settings.js: `claudeUsage: { delivery: { timeoutMs, baseDelayMs, maxDelayMs, maxHintMs, maxAttempts } }`. */
export function deliverySettings(settings: unknown): DeliveryOptions {
  const given = (settings as { claudeUsage?: { delivery?: Record<string, unknown> } } | undefined)?.claudeUsage?.delivery ?? {};
  const out: DeliveryOptions = {};
  for (const key of ['timeoutMs', 'baseDelayMs', 'maxDelayMs', 'maxHintMs', 'maxAttempts'] as const) {
    const n = Number(given[key]);
    if (given[key] !== undefined && Number.isFinite(n) && n > 0) out[key] = n;
  }
  return out;
}

export function deliveryReport(result: DeliveryResult): DeliveryReport {
  return { ok: result.ok, channel: result.channel, status: result.status, attempts: result.attempts, id: result.id };
}

/** "retrying in 12s" / "retrying in 2m". */
export function retryingText(delayMs: number, _: Translate): string {
  const seconds = Math.max(1, Math.ceil(delayMs / 1000));
  return _('claude-channels.status.retrying', { wait: seconds < 60 ? `${seconds}s` : formatDuration(seconds / 60) });
}

/** "sent 14:05": the time of day alone, as the status is read the same day. */
export function sentText(at: Date, timeZone: string, _: Translate): string {
  return _('claude-channels.status.sent', { time: formatClock(at, timeZone, at) });
}

const STATUS_TEXT_LIMIT = 80;
function shortText(text: string): string {
  return text.length > STATUS_TEXT_LIMIT ? `${text.slice(0, STATUS_TEXT_LIMIT - 1)}…` : text;
}

const EMPTY_ALERT_TEXT = '(no text)';

/** The alert to deliver for a message; never without text, which every service refuses. */
export function alertToDeliver(msg: { topic?: unknown; payload?: unknown; alert?: unknown }): Alert {
  const alert = alertFromMessage(msg);
  if (!alert.title.trim() && !alert.message.trim()) alert.message = EMPTY_ALERT_TEXT;
  return alert;
}

export function testAlert(now: Date = new Date()): Alert {
  return makeAlert(
    {
      title: 'Claude usage: test alert',
      message: 'This is a test from Node-RED. If you can read it, this channel is set up right.',
      account: 'test',
      kind: 'test',
      limit_type: 'session',
      level: 'info',
    },
    now,
  );
}

/** The Test button's credentials: typed values, or the stored ones for `__PWRD__` / empty. */
export function testCredentials(names: readonly string[], body: Properties, stored: Credentials | undefined): Credentials {
  const out: Credentials = {};
  for (const name of names) {
    const typed = body[name];
    out[name] = typeof typed === 'string' && typed !== '' && typed !== '__PWRD__' ? typed : (stored?.[name] ?? '');
  }
  return out;
}

/** The origins a configuration's requests go to (the lookup step's too), or null when it cannot build them. */
function originsOf<C>(adapter: ChannelAdapter<C>, config: C): string[] | null {
  try {
    if (adapter.check(config) !== null) return null;
    const urls = [adapter.request(config, testAlert(), { txnId: 'test' }).url];
    if (adapter.resolve?.needed(config)) urls.push(adapter.resolve.request(config).url);
    return urls.map((u) => new URL(u).origin);
  } catch {
    return null;
  }
}

/**
 * Why a Test request may not use the stored secrets it asks for, or null when it may: a
 * stored secret goes only where the deployed node's own settings send it.
 */
export function storedSecretRefusal<C>(adapter: ChannelAdapter<C>, requested: C, deployed: C, _: Translate): string | null {
  const a = originsOf(adapter, requested);
  const b = originsOf(adapter, deployed);
  if (a === null || b === null) return null; // it sends nothing: delivery reports the problem
  if (a.length === b.length && a.every((o, i) => o === b[i])) return null;
  return _('claude-channels.test.otherDestination', { service: adapter.service });
}

export function registerChannelNode<C>(RED: NodeAPI, spec: ChannelSpec<C>): void {
  const { adapter } = spec;
  const _: Translate = (key, vars) => RED._(key, vars);
  /** The properties of each deployed node of this type, by id (for the Test button's stored secrets). */
  const deployedProps = new Map<string, Properties>();

  function credentialsOf(node: Node): Credentials {
    const given = ((node as unknown as { credentials?: Record<string, unknown> }).credentials ?? {}) as Record<string, unknown>;
    const out: Credentials = {};
    for (const name of spec.credentials) out[name] = typeof given[name] === 'string' ? (given[name] as string) : '';
    return out;
  }

  function ChannelNode(this: Node, def: NodeDef) {
    RED.nodes.createNode(this, def);
    def = currentConfig(this, spec.type, def, RED._, 'claude-channels');
    const node = this;
    const config = spec.config(def as unknown as Properties, credentialsOf(node));
    const secrets = adapter.secrets(config);
    const problem = adapter.check(config);
    const closing = new AbortController();
    deployedProps.set(node.id, def as unknown as Properties);
    const timeZone = resolveTimeZone(undefined);
    const options = deliverySettings(RED.settings);
    const show = (fill: 'green' | 'yellow' | 'red' | 'blue' | 'grey', shape: 'dot' | 'ring', text: string) =>
      node.status({ fill, shape, text: shortText(redact(text, secrets)) });

    if (problem) show('red', 'ring', problem);

    node.on('input', (msg: NodeMessageInFlow, send, done) => {
      const alert = alertToDeliver(msg as { topic?: unknown; payload?: unknown; alert?: unknown });
      const run = () =>
        deliver(adapter, config, alert, {
          ...options,
          signal: closing.signal,
          onRetry: ({ delayMs }) => show('yellow', 'ring', retryingText(delayMs, _)),
        });
      if (!problem) show('blue', 'dot', _('claude-channels.status.sending'));
      destinationQueues
        .run(adapter.destination(config), run)
        .then((result) => {
          (msg as Record<string, unknown>).delivery = deliveryReport(result);
          if (result.ok) {
            show('green', 'dot', sentText(new Date(), timeZone, _));
            send(msg);
            done();
          } else if (result.error?.code === 'CANCELLED') {
            done(); // the node is closing: a redeploy is not a delivery failure
          } else {
            const error = result.error ?? new DeliveryError(_('claude-channels.error.failed', { service: adapter.service }), 'HTTP_ERROR', adapter.channel, result.status, result.attempts);
            show('red', 'ring', error.message);
            done(error);
          }
        })
        .catch((err: unknown) => {
          const full = err instanceof QueueFullError;
          const text = full
            ? _('claude-channels.error.queueFull', { service: adapter.service, waiting: err.limit })
            : _('claude-channels.error.unexpected', { service: adapter.service, message: (err as Error)?.message ?? String(err) });
          const error = new DeliveryError(redact(text, secrets), full ? 'QUEUE_FULL' : 'HTTP_ERROR', adapter.channel, null, 0);
          (msg as Record<string, unknown>).delivery = { ok: false, channel: adapter.channel, status: null, attempts: 0, id: null };
          show('red', 'ring', error.message);
          done(error);
        });
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closing.abort();
      if (deployedProps.get(node.id) === (def as unknown as Properties)) deployedProps.delete(node.id);
      node.status({});
      done();
    });
  }

  const credentials: Record<string, { type: 'password' }> = {};
  for (const name of spec.credentials) credentials[name] = { type: 'password' };
  RED.nodes.registerType(spec.type, ChannelNode as never, { credentials } as never);

  RED.httpAdmin.post(`/${spec.type}/test`, RED.auth.needsPermission(`${spec.type}.write`), (req, res) => {
    if (!isJsonRequest(req)) {
      res.status(415).json({ ok: false, status: null, message: JSON_ONLY });
      return;
    }
    const body = req.body as unknown;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      res.status(400).json({ ok: false, status: null, message: _('claude-channels.test.notAnObject') });
      return;
    }
    const props = body as Properties;
    const id = typeof props.id === 'string' ? props.id : '';
    // Stored secrets only of a deployed node of this very type: never another node's, sent to a URL from the request.
    const stored = id && RED.nodes.getNode(id)?.type === spec.type ? (RED.nodes.getCredentials(id) as Credentials | undefined) : undefined;
    const credentials = testCredentials(spec.credentials, props, stored);
    const config = spec.config(props, credentials);
    const usesStored = spec.credentials.some((name) => (stored?.[name] ?? '') !== '' && credentials[name] === stored?.[name] && props[name] !== stored?.[name]);
    const deployed = deployedProps.get(id);
    if (usesStored && stored) {
      const refusal = deployed ? storedSecretRefusal(adapter, config, spec.config(deployed, stored), _) : _('claude-channels.test.notRunning');
      if (refusal) {
        res.status(400).json({ ok: false, status: null, message: refusal });
        return;
      }
    }
    const secrets = adapter.secrets(config);
    deliver(adapter, config, testAlert(), { ...deliverySettings(RED.settings), maxAttempts: 1 })
      .then((result) => {
        const message = result.ok
          ? _(result.id ? 'claude-channels.test.sentId' : 'claude-channels.test.sent', { service: adapter.service, status: result.status ?? '', id: result.id ?? '' })
          : (result.error?.message ?? _('claude-channels.error.failed', { service: adapter.service }));
        res.json({ ok: result.ok, status: result.status, message: redact(message, secrets) });
      })
      .catch((err: unknown) => {
        res.json({ ok: false, status: null, message: redact(_('claude-channels.error.unexpected', { service: adapter.service, message: (err as Error)?.message ?? String(err) }), secrets) });
      });
  });
}
