// claude-insight: joins one account's official percentages with its machines' token counts.
// The rules live in lib/insight; this file wires config, context, messages and status.
import type { NodeAPI, Node, NodeDef, NodeMessage, NodeMessageInFlow } from 'node-red';
import { alertMessage } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import { currentConfig, handleInOrder } from './lib/lifecycle';
import { word } from './lib/phrase';
import { buildReport, describeInsight, parseSettings, startState, step, type InsightProperties, type InsightState, type InsightStatus } from './lib/insight';

interface ClaudeInsightDef extends NodeDef, InsightProperties {}

/** The one context key holding the node's state. */
const STATE_KEY = 'claudeInsight';
/** Other accounts named in a warning, at most, per deploy. */
const OTHER_ACCOUNTS_WARNED = 10;

/** The node status of an insight payload, e.g. `5h 38% (4 elsewhere) · wk 44% · 2 hosts`. */
function insightStatus(view: InsightStatus, _: NodeAPI['_']): { fill: InsightStatus['fill']; shape: InsightStatus['shape']; text: string } {
  if (view.windows.length === 0) return { fill: view.fill, shape: view.shape, text: _('claude-insight.status.waiting') };
  const parts = view.windows.map((w) => {
    const vars = { window: _(`claude-insight.status.window.${w.window}`), pct: w.pct };
    return w.elsewhere === null ? _('claude-insight.status.level', vars) : _('claude-insight.status.levelElsewhere', { ...vars, elsewhere: w.elsewhere });
  });
  parts.push(view.hosts === 1 ? _('claude-insight.status.oneHost') : _('claude-insight.status.hosts', { count: view.hosts }));
  return { fill: view.fill, shape: view.shape, text: parts.join(' · ') };
}

export = function (RED: NodeAPI) {
  function ClaudeInsightNode(this: Node, config: ClaudeInsightDef) {
    RED.nodes.createNode(this, config);
    config = currentConfig(this, 'claude-insight', config, RED._);
    const node = this;
    const { settings, problems } = parseSettings(config);
    for (const problem of problems) node.warn(word(RED._, 'claude-insight', problem));
    const context = node.context();
    const otherAccounts = new Set<string>();

    let state: InsightState = startState(undefined, settings).state;
    // Messages are handled one at a time, in arrival order, after the kept state has loaded.
    const loaded: Promise<void> = contextGet(context, STATE_KEY).then(
      (stored) => {
        const start = startState(stored, settings);
        state = start.state;
        if (start.problem) node.warn(word(RED._, 'claude-insight', start.problem));
        if (start.note) node.log(word(RED._, 'claude-insight', start.note));
        node.status(insightStatus(describeInsight(buildReport(state, settings, Date.now())), RED._));
      },
      (err: unknown) => node.error(RED._('claude-insight.error.stateUnread', { error: String(err) })),
    );
    node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-insight.status.waiting') });

    async function handle(msg: NodeMessageInFlow & { insight?: unknown; alert?: unknown }, send: (msg: Array<NodeMessage | NodeMessage[] | null>) => void): Promise<void> {
      const result = step(state, msg, settings, Date.now());
      for (const problem of result.problems) node.warn(word(RED._, 'claude-insight', problem));
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
      if (result.report) node.status(insightStatus(describeInsight(result.report), RED._));
      else if (result.problems.length > 0 && result.changed === false && result.otherAccount === null) node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-insight.status.badInput') });
      await saved;
    }

    handleInOrder(node, loaded, handle);
  }

  RED.nodes.registerType('claude-insight', ClaudeInsightNode);
};
