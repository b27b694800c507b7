import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage, type Alert } from './lib/alert';
import type { AccountHandle } from './lib/claude/account';
import { initialAlertState, onPollFailure, onPollSuccess, type AccountAlertState } from './lib/claude/account-alerts';
import { UsageError, statusText } from './lib/claude/errors';
import { buildPayload, historyOf, keepSample, sampleOf } from './lib/claude/payload';
import { intervalMs, nextPollDelay } from './lib/claude/schedule';
import { formatDuration, formatPct } from './lib/format';
import type { UsagePayload, UsageSample } from './lib/types';

interface UsageDef extends NodeDef {
  account: string;
  interval: string | number;
  history: string | number;
}

const DEFAULT_HISTORY = 2016;

function historySize(value: unknown): number {
  const n = Math.floor(Number(value === '' || value === undefined ? DEFAULT_HISTORY : value));
  return Number.isFinite(n) && n >= 2 ? Math.min(n, 100_000) : DEFAULT_HISTORY;
}

function toUsageError(err: unknown): UsageError {
  if (err instanceof UsageError) return err;
  const e = err as Error;
  return new UsageError('BAD_RESPONSE', e?.message ?? String(err));
}

function successStatus(p: UsagePayload): string {
  const parts: string[] = [];
  if (p.session) parts.push(`5h ${formatPct(p.session.pct)}%`);
  if (p.weekly) parts.push(`wk ${formatPct(p.weekly.pct)}%`);
  if (parts.length === 0) parts.push('no limits reported');
  const time = new Date(p.fetchedAt).toTimeString().slice(0, 5);
  return `${parts.join(' · ')} · ${time}`;
}

export = function (RED: NodeAPI) {
  function ClaudeUsageNode(this: Node, config: UsageDef) {
    RED.nodes.createNode(this, config);
    const node = this;
    const accountNode = RED.nodes.getNode(config.account) as (Node & AccountHandle) | null;
    if (!accountNode?.account) {
      node.status({ fill: 'red', shape: 'ring', text: 'no account' });
      node.on('input', (_msg, _send, done) => done(new Error('no claude-account is configured for this node')));
      return;
    }
    const { account } = accountNode;
    const accountName = accountNode.settings.name;
    const interval = intervalMs(config.interval);
    const maxSamples = historySize(config.history);
    const context = node.context();

    let samples: UsageSample[] = [];
    let alertState: AccountAlertState = initialAlertState();
    let lastPayload: UsagePayload | null = null;
    let failures = 0;
    let timer: NodeJS.Timeout | null = null;
    let closed = false;
    let queue: Promise<void> = Promise.resolve();

    function kept(key: string): Promise<unknown> {
      return new Promise((resolve) => {
        context.get(key, (err: Error | undefined, value: unknown) => {
          if (err) node.warn(`could not read kept ${key}: ${err.message}`);
          resolve(err ? undefined : value);
        });
      });
    }

    // Kept state comes back from the context store (async for persistent stores) before the first poll.
    const restored = Promise.all([kept('history'), kept('alerts'), kept('last')]).then(([history, alerts, last]) => {
      if (Array.isArray(history)) samples = (history as UsageSample[]).slice(-maxSamples);
      if (alerts && typeof alerts === 'object') alertState = { ...initialAlertState(), ...(alerts as AccountAlertState) };
      if (last && typeof last === 'object') lastPayload = last as UsagePayload;
    });

    function keep(key: string, value: unknown): void {
      context.set(key, value, (err?: Error) => {
        if (err) node.warn(`could not keep ${key}: ${err.message}`);
      });
    }

    function sendAlerts(send: (msg: Array<NodeMessage | null>) => void, alerts: Alert[]): void {
      for (const alert of alerts) send([null, { ...alertMessage(alert) }]);
    }

    function schedule(err: UsageError | null): void {
      if (closed) return;
      if (timer) clearTimeout(timer);
      const delay = nextPollDelay(interval, failures, err);
      timer = setTimeout(() => {
        timer = null;
        enqueue(() => poll(null, (msgs) => node.send(msgs)));
      }, delay);
    }

    /** One poll. Resolves with the error (already reported) or null; never rejects. */
    async function poll(msg: NodeMessageInFlow | null, send: (msgs: Array<NodeMessage | null>) => void): Promise<UsageError | null> {
      await restored;
      if (closed) return null;
      node.status({ fill: 'blue', shape: 'dot', text: 'polling…' });
      try {
        const snapshot = await account.fetchUsage();
        if (closed) return null;
        const now = new Date();
        const cookie = accountNode!.cookie(now);
        const payload = buildPayload({ account: accountName, snapshot, fetchedAt: now, samples, cookie });
        samples = keepSample(samples, sampleOf(payload), maxSamples);
        lastPayload = payload;
        failures = 0;
        const outcome = onPollSuccess(alertState, accountName, cookie, accountNode!.warnDays, now);
        alertState = outcome.state;
        keep('history', samples);
        keep('last', payload);
        keep('alerts', alertState);
        const out = (msg ?? {}) as NodeMessage;
        out.topic = accountName;
        out.payload = payload;
        send([out, null]);
        sendAlerts(send, outcome.alerts);
        node.status({ fill: 'green', shape: 'dot', text: successStatus(payload) });
        schedule(null);
        return null;
      } catch (caught) {
        if (closed) return null;
        const err = toUsageError(caught);
        failures += 1;
        const outcome = onPollFailure(alertState, err, accountName, new Date());
        alertState = outcome.state;
        keep('alerts', alertState);
        sendAlerts(send, outcome.alerts);
        const waitMs = nextPollDelay(interval, failures, err);
        node.status({ fill: 'red', shape: 'ring', text: `${statusText(err)} · retry in ${formatDuration(waitMs / 60_000)}` });
        if (!msg) node.error(err, { topic: accountName, payload: null } as NodeMessage);
        schedule(err);
        return err;
      }
    }

    function enqueue<T>(task: () => Promise<T>): Promise<T> {
      const run = queue.then(task);
      queue = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    }

    node.on('input', (msg, send, done) => {
      if ((msg as { history?: unknown }).history === true) {
        restored.then(() => {
          const out = msg as NodeMessage & { history?: unknown };
          out.topic = accountName;
          out.payload = lastPayload;
          out.history = historyOf(samples);
          send(out);
          done();
        }, done);
        return;
      }
      enqueue(() => poll(msg, send)).then(
        (err) => (err ? done(err) : done()),
        (err: Error) => done(err),
      );
    });

    node.on('close', (done: () => void) => {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      node.status({});
      done();
    });

    enqueue(() => poll(null, (msgs) => node.send(msgs)));
  }

  RED.nodes.registerType('claude-usage', ClaudeUsageNode);
};
