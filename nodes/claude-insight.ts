// claude-insight: joins one account's official percentages with its machines' token counts.
// The rules live in lib/insight; this file wires config, context, messages and status.
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import { currentConfig, handleInOrder } from './lib/lifecycle';
import { buildReport, describeInsight, parseSettings, startState, step, type InsightProperties, type InsightState } from './lib/insight';

interface ClaudeInsightDef extends NodeDef, InsightProperties {}

/** The one context key holding the node's state. */
const STATE_KEY = 'claudeInsight';
/** Other accounts named in a warning, at most, per deploy. */
const OTHER_ACCOUNTS_WARNED = 10;

export = function (RED: NodeAPI) {
  function ClaudeInsightNode(this: Node, config: ClaudeInsightDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-insight', config);
    const node = this;
    const { settings, problems } = parseSettings(config);
    for (const problem of problems) node.warn(problem);
    const context = node.context();
    const otherAccounts = new Set<string>();

    let state: InsightState = startState(undefined, settings).state;
    // Messages are handled one at a time, in arrival order, after the kept state has loaded.
    const loaded: Promise<void> = contextGet(context, STATE_KEY).then(
      (stored) => {
        const start = startState(stored, settings);
        state = start.state;
        if (start.problem) node.warn(start.problem);
        if (start.note) node.log(start.note);
        node.status(describeInsight(buildReport(state, settings, Date.now())));
      },
      (err: unknown) => node.error(RED._('claude-insight.error.stateUnread', { error: String(err) })),
    );
    node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-insight.status.waiting') });

    async function handle(msg: NodeMessageInFlow & { insight?: unknown; alert?: unknown }, send: (msg: Array<NodeMessage | NodeMessage[] | null>) => void): Promise<void> {
      const result = step(state, msg, settings, Date.now());
      for (const problem of result.problems) node.warn(problem);
      if (result.otherAccount !== null && !otherAccounts.has(result.otherAccount) && otherAccounts.size < OTHER_ACCOUNTS_WARNED) {
        otherAccounts.add(result.otherAccount);
        node.warn(RED._('claude-insight.warn.otherAccount', { other: result.otherAccount, account: result.state.account ?? settings.account }));
      }
      let saved: Promise<void> = Promise.resolve();
      if (result.changed) {
        state = result.state;
        saved = contextSet(context, STATE_KEY, state).catch((err: unknown) => {
          throw new Error(RED._('claude-insight.error.stateNotStored', { error: String(err) }));
        });
      }
      if (result.report || result.alerts.length > 0) {
        const out1: NodeMessage | null = result.report ? { ...(msg.insight === true ? msg : {}), topic: result.report.account ?? '', payload: result.report } : null;
        const out2 = result.alerts.map((alert): NodeMessage => ({ ...alertMessage(alert) }));
        send([out1, out2.length > 0 ? out2 : null]);
      }
      if (result.report) node.status(describeInsight(result.report));
      else if (result.problems.length > 0 && result.changed === false && result.otherAccount === null) node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-insight.status.badInput') });
      await saved;
    }

    handleInOrder(node, loaded, handle);
  }

  RED.nodes.registerType('claude-insight', ClaudeInsightNode);
};
