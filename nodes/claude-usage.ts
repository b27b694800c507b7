import type { Node, NodeAPI, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import type { AccountHandle } from './lib/claude/account';
import { historySize } from './lib/claude/history';
import { UsagePoller, type PollerEvent } from './lib/claude/poller';
import { failureStatus, intervalMs, type FailureStatus } from './lib/claude/schedule';
import { formatPct } from './lib/format';
import { currentConfig, whenFlowsStarted } from './lib/lifecycle';
import type { UsagePayload } from './lib/types';

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

function successStatus(p: UsagePayload, _: NodeAPI['_']): string {
  const parts: string[] = [];
  if (p.session) parts.push(_('claude-usage.status.session', { pct: formatPct(p.session.pct) }));
  if (p.weekly) parts.push(_('claude-usage.status.weekly', { pct: formatPct(p.weekly.pct) }));
  if (parts.length === 0) parts.push(_('claude-usage.status.noLimits'));
  const time = new Date(p.fetchedAt).toTimeString().slice(0, 5);
  return `${parts.join(' · ')} · ${time}`;
}

function failureText(f: FailureStatus, _: NodeAPI['_']): string {
  if (f.key !== 'retry') return _(`claude-usage.status.${f.key}`);
  return _('claude-usage.status.retry', { what: _(`claude-usage.status.failure.${f.word}`, { status: String(f.status) }), wait: f.wait });
}

export = function (RED: NodeAPI) {
  function ClaudeUsageNode(this: Node, config: UsageDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-usage', config, RED._);
    const node = this;
    const accountNode = RED.nodes.getNode(config.account) as (Node & AccountHandle) | null;
    if (!accountNode?.account) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('claude-usage.status.noAccount') });
      node.on('input', (_msg, _send, done) => done(new Error(RED._('claude-usage.error.noAccount'))));
      return;
    }
    const name = accountNode.settings.name;
    const context = node.context();

    function onEvent(event: PollerEvent<Waiter>): void {
      switch (event.type) {
        case 'polling':
          node.status({ fill: 'blue', shape: 'dot', text: RED._('claude-usage.status.polling') });
          return;
        case 'polled': {
          const { payload, waiters } = event;
          if (waiters.length === 0) node.send([{ topic: name, payload }, null]);
          waiters.forEach((w, i) => {
            const out = w.msg as NodeMessage;
            out.topic = name;
            out.payload = i === 0 ? payload : structuredClone(payload);
            w.send([out, null]);
            w.done();
          });
          node.status({ fill: 'green', shape: 'dot', text: successStatus(payload, RED._) });
          return;
        }
        case 'failed':
          node.status({ fill: 'red', shape: 'ring', text: failureText(failureStatus(event.error, accountNode!.settings.auth, event.retryInMs), RED._) });
          if (event.report) node.error(event.error, { topic: name, payload: null } as NodeMessage);
          for (const w of event.waiters) w.done(event.error);
          return;
        case 'alerts':
          for (const alert of event.alerts) node.send([null, { ...alertMessage(alert) }]);
          return;
        case 'dropped':
          for (const w of event.waiters) w.done();
          return;
        case 'notice': {
          const { key, ...vars } = event.notice;
          if (key === 'unexpected') node.error(RED._('claude-usage.error.unexpected', vars));
          else node.warn(RED._(`claude-usage.warn.${key}`, vars));
        }
      }
    }

    const poller = new UsagePoller<Waiter>(
      {
        name,
        get auth() {
          return accountNode.settings.auth;
        },
        get warnDays() {
          return accountNode.warnDays;
        },
        fetchUsage: () => accountNode.account.fetchUsage(),
        cookie: (now) => accountNode.cookie(now),
      },
      { get: (key) => contextGet(context, key), set: (key, value) => contextSet(context, key, value) },
      { intervalMs: intervalMs(config.interval), maxSamples: historySize(config.history) },
      onEvent,
    );

    node.on('input', (msg, send, done) => {
      if ((msg as { history?: unknown }).history !== true) return poller.request({ msg, send, done });
      poller
        .history()
        .then(({ payload, history }) => {
          const out = msg as NodeMessage & { history?: unknown };
          out.topic = name;
          out.payload = payload;
          out.history = history;
          send(out);
          done();
        })
        .catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    });

    const cancelFirstPoll = whenFlowsStarted(RED, () => poller.request());

    node.on('close', (done: () => void) => {
      cancelFirstPoll();
      poller.close();
      node.status({});
      done();
    });
  }

  RED.nodes.registerType('claude-usage', ClaudeUsageNode);
};
