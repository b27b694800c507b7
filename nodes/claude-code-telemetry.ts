import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { MINUTE_MS } from './lib/constants';
import { alertMessage } from './lib/alert';
import { contextGet, contextSet } from './lib/context';
import { formatClock, formatDuration } from './lib/format';
import { BlockAlerts } from './lib/code-usage/alerts';
import { readConfig } from './lib/code-usage/config';
import { Pricer } from './lib/code-usage/pricing';
import { openReceiver, PathTakenError, receiverProblem, type HttpNodeHost, type Receiver } from './lib/receiver';
import { word } from './lib/phrase';
import { otlpStatus, telemetryRoutes } from './lib/telemetry/endpoint';
import { TelemetryFold, type TelemetryPayload } from './lib/telemetry/fold';
import { currentConfig } from './lib/lifecycle';

interface TelemetryDef extends NodeDef {
  path: string;
  billingDay: string | number;
  timezone: string;
  monthlySessions: string | number;
  blockEndingMinutes: string | number;
  inactivityMinutes: string | number;
}

type TelemetryNode = Node<{ token?: string }>;

const STATE_KEY = 'telemetry';
/** Output 1 goes out at most this often while records arrive. */
const THROTTLE_MS = 1000;
/** Block-ending and idle alerts are checked this often when nothing arrives. */
const TICK_MS = 15_000;
/** The timeline is written to context at most this often (building it takes time when large), and on close. */
const SAVE_MS = 10_000;

export = function (RED: NodeAPI) {
  function ClaudeCodeTelemetryNode(this: TelemetryNode, def: TelemetryDef) {
    RED.nodes.createNode(this, def);
    def = currentConfig(this, 'claude-code-telemetry', def, RED._);
    const node = this;
    const config = readConfig(def as unknown as Record<string, unknown>);
    const label = def.name || 'Claude Code';
    const pricer = new Pricer();
    const fold = new TelemetryFold(pricer, config);
    const alerts = new BlockAlerts({ ...config, host: label, hostOf: (block, kind) => fold.hostOfBlock(block, kind) });
    const warnedModels = new Set<string>();
    let receiver: Receiver | null = null;
    let closed = false;
    let dirty = false;
    let lastSent = 0;
    let lastActiveId: string | null | undefined;
    let flushTimer: NodeJS.Timeout | null = null;
    let tickTimer: NodeJS.Timeout | null = null;
    let saving: Promise<void> = Promise.resolve();
    let saveTimer: NodeJS.Timeout | null = null;
    let unsaved = false;

    const restored = (async () => {
      try {
        const kept = await contextGet(node.context(), STATE_KEY);
        if (kept !== undefined && kept !== null) {
          try {
            fold.restore(kept, Date.now());
          } catch (err) {
            node.warn(RED._('claude-code-telemetry.warn.timelineDamaged', { reason: err instanceof Error ? err.message.slice(0, 200) : 'invalid' }));
          }
        }
      } catch (err) {
        node.warn(RED._('claude-code-telemetry.warn.timelineUnread', { error: err instanceof Error ? err.message : String(err) }));
      }
    })();

    function statusFor(report: TelemetryPayload, now: number): void {
      const b = report.activeBlock;
      const machines = report.hosts.length === 1 ? RED._('claude-code-telemetry.status.oneMachine') : RED._('claude-code-telemetry.status.machines', { n: report.hosts.length });
      if (b) {
        const left = formatDuration((Date.parse(b.endTime) - now) / MINUTE_MS);
        node.status({ fill: 'green', shape: 'dot', text: RED._('claude-code-telemetry.status.block', { cost: b.costUSD.toFixed(2), left, end: formatClock(new Date(b.endTime), config.timeZone, new Date(now)), machines }) });
      } else if (report.hosts.length) {
        node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-code-telemetry.status.idle', { cost: report.today.costUSD.toFixed(2), machines }) });
      } else {
        node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-code-telemetry.status.waiting') });
      }
    }

    function warnNewUnknownModels(): void {
      for (const model of pricer.unknownModels) {
        if (warnedModels.has(model)) continue;
        warnedModels.add(model);
        node.warn(RED._('claude-code-telemetry.warn.noPrice', { model: model.slice(0, 100) }));
      }
    }

    function scheduleSave(): void {
      unsaved = true;
      if (saveTimer || closed) return;
      saveTimer = setTimeout(() => {
        saveTimer = null;
        save();
      }, SAVE_MS);
    }

    function save(): void {
      unsaved = false;
      const state = fold.toState();
      saving = saving
        .then(() => contextSet(node.context(), STATE_KEY, state))
        .catch((err: unknown) => node.warn(RED._('claude-code-telemetry.warn.timelineNotKept', { error: err instanceof Error ? err.message : String(err) })));
    }

    /**
     * Reports at `now`: output 1 when records changed, when the active block changed, or in
     * answer to an input message; then the alerts due.
     */
    function evaluate(changed: boolean, answer?: { msg: NodeMessageInFlow; send: (m: unknown) => void }): void {
      const now = Date.now();
      const report = fold.report(now);
      const activeId = report.activeBlock ? report.activeBlock.id : null;
      const activeChanged = activeId !== lastActiveId;
      lastActiveId = activeId;
      const events = alerts.evaluate(report as never, fold.limitLines, now).map((a) => ({ ...alertMessage(a) }));
      // without a receiver the status keeps saying why (no token, path taken, cannot listen)
      if (receiver) statusFor(report, now);
      if (answer) answer.send([{ ...answer.msg, topic: label, payload: report }, null]);
      else if (changed || activeChanged) node.send([{ topic: label, payload: report }, null]);
      for (const e of events) node.send([null, e]);
    }

    function flush(): void {
      flushTimer = null;
      if (closed || !dirty) return;
      dirty = false;
      lastSent = Date.now();
      warnNewUnknownModels();
      evaluate(true);
      scheduleSave();
    }

    function scheduleFlush(): void {
      dirty = true;
      if (flushTimer || closed) return;
      flushTimer = setTimeout(flush, Math.max(0, lastSent + THROTTLE_MS - Date.now()));
    }

    function tick(): void {
      tickTimer = null;
      if (closed) return;
      try {
        evaluate(false);
      } catch (err) {
        node.error(RED._('claude-code-telemetry.error.report', { error: err instanceof Error ? err.message : String(err) }));
      }
      tickTimer = setTimeout(tick, TICK_MS);
    }

    const token = typeof node.credentials?.token === 'string' ? node.credentials.token : '';
    if (!token) {
      // an imported flow carries no credentials: not an error, a step left to do
      node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-code-telemetry.status.noToken') });
      node.log('no token yet: open the node (the editor generates one) and deploy');
    } else {
      try {
        receiver = openReceiver(RED as unknown as HttpNodeHost, {
          ownerId: node.id,
          path: def.path || '/claude-usage/otlp',
          token,
          routes: telemetryRoutes(async (records) => {
            await restored;
            const result = fold.ingest(records, Date.now());
            if (result.changed) scheduleFlush();
            return result;
          }),
          onError: (err) => node.error(RED._('claude-code-telemetry.error.request', { error: err instanceof Error ? err.message : String(err) })),
          errorBody: otlpStatus,
        });
        node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-code-telemetry.status.waiting') });
      } catch (err) {
        const problem = receiverProblem(err);
        node.status({ fill: 'red', shape: 'ring', text: err instanceof PathTakenError ? RED._('claude-code-telemetry.status.pathTaken', { path: err.path }) : RED._('claude-code-telemetry.status.cannotListen') });
        node.error(problem ? word(RED._, 'claude-code-telemetry', problem) : err instanceof Error ? err.message : String(err));
      }
    }

    restored.then(
      () => {
        if (!closed) tick();
      },
      () => undefined,
    );

    node.on('input', (msg: NodeMessageInFlow, send, done) => {
      restored
        .then(() => {
          if (closed) return done();
          evaluate(false, { msg, send: send as (m: unknown) => void });
          done();
        })
        .catch((err: unknown) => done(err instanceof Error ? err : new Error(String(err))));
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      receiver?.close();
      if (flushTimer) clearTimeout(flushTimer);
      if (tickTimer) clearTimeout(tickTimer);
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = null;
      flushTimer = null;
      tickTimer = null;
      restored
        .then(() => {
          if (dirty || unsaved) save();
          return saving;
        })
        .then(
          () => done(),
          () => done(),
        );
    });
  }

  RED.nodes.registerType('claude-code-telemetry', ClaudeCodeTelemetryNode, {
    credentials: { token: { type: 'password' } } as never,
  });
};
