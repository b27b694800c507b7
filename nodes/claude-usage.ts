import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage, type Alert } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import type { AccountHandle } from './lib/claude/account';
import { initialAlertState, onPollFailure, onPollSuccess, restoreAlertState, type AccountAlertState } from './lib/claude/account-alerts';
import { UsageError } from './lib/claude/errors';
import { historySize } from './lib/claude/history';
import { buildPayload, historyOf, keepSample, sampleOf } from './lib/claude/payload';
import { FailureSpell, failureStatus, intervalMs, needsNewKey, nextPollDelay } from './lib/claude/schedule';
import { formatPct } from './lib/format';
import { currentConfig, whenFlowsStarted } from './lib/lifecycle';
import { CoalescingRunner } from './lib/runner';
import { parseUsagePayload, usageSamplesSchema, type ReadUsagePayload } from './lib/schemas';
import type { UsagePayload, UsageSample } from './lib/types';

interface UsageDef extends NodeDef {
  account: string;
  interval: string | number;
  history: string | number;
}

/** An input message waiting for the poll it asked for. */
interface Waiter {
  msg: NodeMessageInFlow;
  send: (msgs: NodeMessage | Array<NodeMessage | null>) => void;
  done: (err?: Error) => void;
}

function toUsageError(err: unknown): UsageError {
  if (err instanceof UsageError) return err;
  const e = err as Error;
  return new UsageError('BAD_RESPONSE', e?.message ?? String(err));
}

function successStatus(p: UsagePayload, _: NodeAPI['_']): string {
  const parts: string[] = [];
  if (p.session) parts.push(_('claude-usage.status.session', { pct: formatPct(p.session.pct) }));
  if (p.weekly) parts.push(_('claude-usage.status.weekly', { pct: formatPct(p.weekly.pct) }));
  if (parts.length === 0) parts.push(_('claude-usage.status.noLimits'));
  const time = new Date(p.fetchedAt).toTimeString().slice(0, 5);
  return `${parts.join(' · ')} · ${time}`;
}

export = function (RED: NodeAPI) {
  function ClaudeUsageNode(this: Node, config: UsageDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-usage', config);
    const node = this;
    const accountNode = RED.nodes.getNode(config.account) as (Node & AccountHandle) | null;
    if (!accountNode?.account) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('claude-usage.status.noAccount') });
      node.on('input', (_msg, _send, done) => done(new Error(RED._('claude-usage.error.noAccount'))));
      return;
    }
    const { account } = accountNode;
    const accountName = accountNode.settings.name;
    const interval = intervalMs(config.interval);
    const maxSamples = historySize(config.history);
    const context = node.context();

    let samples: UsageSample[] = [];
    let alertState: AccountAlertState = initialAlertState();
    let lastPayload: UsagePayload | ReadUsagePayload | null = null;
    let failures = 0;
    let timer: NodeJS.Timeout | null = null;
    const spell = new FailureSpell();
    let closed = false;
    // A burst of input messages makes one request, not one each; a request while a poll
    // runs is served by the next one.
    const polls = new CoalescingRunner<Waiter>(
      (batch) => poll(batch),
      // poll() handles its own failures; this is the last guard so the node (and Node-RED) lives on
      (err: unknown) => node.error(RED._('claude-usage.error.unexpected', { error: err instanceof Error ? err.message : String(err) })),
    );

    function kept(key: string): Promise<unknown> {
      return contextGet(context, key).catch((err: Error) => {
        node.warn(RED._('claude-usage.warn.unread', { name: key, error: err.message }));
        return undefined;
      });
    }

    /** A kept value that does not read back is dropped, with one warning, and never trusted. */
    function damaged(key: string): void {
      node.warn(RED._('claude-usage.warn.damaged', { name: key }));
      keep(key, undefined);
    }

    // Kept state comes back from the context store (async for persistent stores) before the first poll.
    const restored = Promise.all([kept('history'), kept('alerts'), kept('last')])
      .then(([history, alerts, last]) => {
        if (history !== undefined) {
          const r = usageSamplesSchema.safeParse(history);
          if (r.success) samples = r.data.slice(-maxSamples);
          else damaged('history');
        }
        if (alerts !== undefined) {
          const state = restoreAlertState(alerts);
          if (state) alertState = state;
          else damaged('alerts');
        }
        if (last !== undefined && last !== null) {
          const r = parseUsagePayload(last);
          if (r.ok && r.dropped.length === 0 && r.payload.fetchedAt) lastPayload = r.payload;
          else damaged('last');
        }
      })
      .catch((err: unknown) => node.warn(RED._('claude-usage.warn.notRestored', { error: err instanceof Error ? err.message : String(err) })));

    function keep(key: string, value: unknown): void {
      contextSet(context, key, value).catch((err: Error) => node.warn(RED._('claude-usage.warn.notKept', { name: key, error: err.message })));
    }

    function sendAlerts(alerts: Alert[]): void {
      for (const alert of alerts) node.send([null, { ...alertMessage(alert) }]);
    }

    function stopTimer(): void {
      if (timer) clearTimeout(timer);
      timer = null;
    }

    function schedule(err: UsageError | null): void {
      if (closed) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = null;
        polls.request();
      }, nextPollDelay(interval, failures, err));
    }

    /** After close: the waiting inputs are done, unanswered. */
    function release(batch: Waiter[]): void {
      for (const w of batch) w.done();
    }

    /** One request, answering every waiting input (or, with none, sending a message of its own). Never rejects. */
    async function poll(batch: Waiter[]): Promise<void> {
      await restored;
      if (closed) return release(batch);
      node.status({ fill: 'blue', shape: 'dot', text: RED._('claude-usage.status.polling') });
      try {
        const snapshot = await account.fetchUsage();
        if (closed) return release(batch);
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
        if (batch.length === 0) node.send([{ topic: accountName, payload }, null]);
        batch.forEach((w, i) => {
          const out = w.msg as NodeMessage;
          out.topic = accountName;
          out.payload = i === 0 ? payload : structuredClone(payload);
          w.send([out, null]);
          w.done();
        });
        sendAlerts(outcome.alerts);
        node.status({ fill: 'green', shape: 'dot', text: successStatus(payload, RED._) });
        spell.clear();
        schedule(null);
      } catch (caught) {
        if (closed) return release(batch);
        const err = toUsageError(caught);
        failures += 1;
        const outcome = onPollFailure(alertState, err, accountName, new Date());
        alertState = outcome.state;
        keep('alerts', alertState);
        sendAlerts(outcome.alerts);
        const auth = accountNode!.settings.auth;
        node.status({ fill: 'red', shape: 'ring', text: failureStatus(err, auth, nextPollDelay(interval, failures, err)) });
        // an input's poll answers its own done(err); a timer's reports once per failure spell
        const fresh = spell.report(err);
        if (batch.length === 0 && fresh) node.error(err, { topic: accountName, payload: null } as NodeMessage);
        batch.forEach((w) => w.done(err));
        if (needsNewKey(err, auth)) stopTimer();
        else schedule(err);
      }
    }

    node.on('input', (msg, send, done) => {
      if ((msg as { history?: unknown }).history === true) {
        restored
          .then(() => {
            const out = msg as NodeMessage & { history?: unknown };
            out.topic = accountName;
            out.payload = lastPayload;
            out.history = historyOf(samples);
            send(out);
            done();
          })
          .catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
        return;
      }
      polls.request({ msg, send, done });
    });

    const cancelFirstPoll = whenFlowsStarted(RED, () => polls.request());

    node.on('close', (done: () => void) => {
      closed = true;
      cancelFirstPoll();
      if (timer) clearTimeout(timer);
      timer = null;
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('claude-usage', ClaudeUsageNode);
};
