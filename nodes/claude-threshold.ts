// claude-threshold: turns claude-usage messages into threshold, reset and pace alerts.
// The rules live in lib/threshold/engine; this file wires config, context, messages and status.
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import { currentConfig, handleInOrder } from './lib/lifecycle';
import { word } from './lib/phrase';
import { clearAccount, describeAccount, emptyState, judge, parseSettings, restoreState, type AccountStatus, type EngineState, type ThresholdProperties } from './lib/threshold';

interface ClaudeThresholdDef extends NodeDef, ThresholdProperties {}

/** The one context key holding every account's state. */
const STATE_KEY = 'claudeThreshold';

/** The state line, e.g. `armed · 5h 62% · wk 44%`, with `account: ` before it when the node follows several. */
function stateLine(view: AccountStatus, account: string | null, _: NodeAPI['_']): string {
  const { key, ...vars } = view.mode;
  const levels = view.levels.map((l) => _('claude-threshold.status.level', { window: l.window ? _(`claude-threshold.status.window.${l.window}`) : l.name, pct: l.pct }));
  const line = [_(`claude-threshold.status.mode.${key}`, vars), ...levels].join(' · ');
  return account === null ? line : _('claude-threshold.status.ofAccount', { account, state: line });
}

export = function (RED: NodeAPI) {
  function ClaudeThresholdNode(this: Node, config: ClaudeThresholdDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-threshold', config, RED._);
    const node = this;
    const { settings, problems } = parseSettings(config);
    for (const problem of problems) node.warn(word(RED._, 'claude-threshold', problem));
    const context = node.context();

    let state: EngineState = emptyState();
    // Messages are handled one at a time, after the stored state has loaded.
    const loaded: Promise<void> = contextGet(context, STATE_KEY).then(
      (stored) => {
        if (stored === undefined) return;
        const restored = restoreState(stored);
        if (restored) state = restored;
        else node.warn(RED._('claude-threshold.warn.stateUnrecognised'));
      },
      (err: unknown) => node.error(RED._('claude-threshold.error.stateUnread', { error: String(err) })),
    );
    node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-threshold.status.waiting') });

    /** Keeps `next` in memory at once (the next message sees it) and in the context store. */
    async function save(next: EngineState): Promise<void> {
      state = next;
      try {
        await contextSet(context, STATE_KEY, next);
      } catch (err) {
        throw new Error(RED._('claude-threshold.error.stateNotStored', { error: String(err) }));
      }
    }

    async function handle(msg: NodeMessageInFlow & { reset?: unknown }, send: (msg: NodeMessage[][]) => void): Promise<void> {
      if (msg.reset === true) {
        const account = typeof msg.topic === 'string' ? msg.topic : '';
        await save(clearAccount(state, account));
        node.status({ fill: 'grey', shape: 'ring', text: account ? RED._('claude-threshold.status.resetAccount', { account }) : RED._('claude-threshold.status.reset') });
        return;
      }
      const result = judge(state, msg.payload, settings, Date.now());
      for (const problem of result.problems) node.warn(word(RED._, 'claude-threshold', problem));
      if (result.account === null) {
        node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-threshold.status.badInput') });
        return;
      }
      const saved = save(result.state);
      if (result.alerts.length > 0) send([result.alerts.map((alert): NodeMessage => ({ ...alertMessage(alert) }))]);

      const several = Object.keys(state.accounts).length > 1;
      const view = describeAccount(state.accounts[result.account] ?? {}, settings, result.now);
      const text = stateLine(view, several ? result.account : null, RED._);
      node.status(result.problems.length > 0 ? { fill: 'yellow', shape: 'ring', text: RED._('claude-threshold.status.badInputView', { view: text }) } : { fill: view.fill, shape: view.shape, text });
      await saved;
    }

    handleInOrder(node, loaded, handle);
  }

  RED.nodes.registerType('claude-threshold', ClaudeThresholdNode);
};
