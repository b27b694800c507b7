import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { alertMessage } from './lib/alert';
import { formatClock, formatDuration } from './lib/format';
import { BlockAlerts } from './lib/code-usage/alerts';
import { readConfig, type CodeUsageConfig } from './lib/code-usage/config';
import { EntryStore } from './lib/code-usage/entries';
import { Pricer } from './lib/code-usage/pricing';
import { lineScannerProblem } from './lib/code-usage/line-scanner';
import { LogReader, projectRoots } from './lib/code-usage/reader';
import { buildReport, type CodeUsagePayload } from './lib/code-usage/report';
import { whenFlowsStarted } from './lib/lifecycle';

interface CodeUsageDef extends NodeDef {
  configDir: string;
  interval: string | number;
  billingDay: string | number;
  timezone: string;
  monthlySessions: string | number;
  blockEndingMinutes: string | number;
  inactivityMinutes: string | number;
  host: string;
  prices: string;
}

type Msg = NodeMessageInFlow & { recalculate?: unknown };

export = function (RED: NodeAPI) {
  function ClaudeCodeUsageNode(this: Node, def: CodeUsageDef) {
    RED.nodes.createNode(this, def);
    const node = this;
    let config: CodeUsageConfig;
    try {
      config = readConfig(def as unknown as Record<string, unknown>);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: 'invalid prices' });
      node.error(err instanceof Error ? err.message : String(err));
      return;
    }
    const pricer = new Pricer(config.prices);
    const store = new EntryStore(pricer);
    const reader = new LogReader(projectRoots(config.configDir), store);
    const slowReason = lineScannerProblem();
    if (slowReason) node.log(`reading logs with JSON.parse, more slowly: the WebAssembly line scanner cannot run here (${slowReason})`);
    const alerts = new BlockAlerts(config);
    const warnedModels = new Set<string>();
    let lastActiveId: string | null | undefined;
    let closed = false;
    let running: Promise<void> | null = null;
    let pending: Array<{ msg: Msg; send: (m: unknown) => void; done: (err?: Error) => void }> = [];
    let timer: NodeJS.Timeout | null = null;

    function statusFor(report: CodeUsagePayload, now: number): void {
      const b = report.activeBlock;
      if (b) {
        const left = formatDuration((Date.parse(b.endTime) - now) / 60_000);
        node.status({ fill: 'green', shape: 'dot', text: `$${b.costUSD.toFixed(2)} · ${left} left (ends ${formatClock(new Date(b.endTime), config.timeZone, new Date(now))})` });
      } else {
        node.status({ fill: 'grey', shape: 'ring', text: `no active block · today $${report.today.costUSD.toFixed(2)}` });
      }
    }

    function warnNewUnknownModels(): void {
      for (const model of pricer.unknownModels) {
        if (warnedModels.has(model)) continue;
        warnedModels.add(model);
        node.warn(`no price for model "${model}": its tokens are counted at $0 (add it under Prices)`);
      }
    }

    /** One scan; answers the waiting input messages, or sends output 1 when something changed. */
    async function scanOnce(): Promise<void> {
      const waiting = pending;
      pending = [];
      const recalculate = waiting.some((w) => w.msg.recalculate === true);
      try {
        if (recalculate) reader.reset();
        if (reader.roots.length === 0) reader.roots.push(...projectRoots(config.configDir));
        if (reader.roots.length === 0) {
          node.status({ fill: 'yellow', shape: 'ring', text: 'no Claude Code logs found' });
        }
        const stats = await reader.scan();
        if (closed) {
          for (const w of waiting) w.done();
          return;
        }
        if (stats.corruptLines > 0) node.warn(`skipped ${stats.corruptLines} unreadable log line(s)`);
        warnNewUnknownModels();
        const now = Date.now();
        const report = buildReport(store, config, now);
        const activeId = report.activeBlock ? report.activeBlock.id : null;
        const changed = stats.changed || activeId !== lastActiveId;
        lastActiveId = activeId;
        const events = alerts.evaluate(report, store.limitLines, now).map((a) => ({ ...alertMessage(a) }));
        if (reader.roots.length) statusFor(report, now);
        if (waiting.length) {
          for (const w of waiting) {
            w.send([{ ...w.msg, topic: config.host, payload: report }, null]);
          }
        } else if (changed) {
          node.send([{ topic: config.host, payload: report }, null]);
        }
        for (const e of events) node.send([null, e]);
        for (const w of waiting) w.done();
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        node.status({ fill: 'red', shape: 'ring', text: 'scan failed' });
        if (waiting.length) for (const w of waiting) w.done(error);
        else node.error(`scan failed: ${error.message}`, { topic: config.host });
      }
    }

    /** Runs scans one at a time; a request during a scan is served by the next one. */
    function requestScan(): void {
      if (closed) return;
      if (running) return;
      running = (async () => {
        do {
          await scanOnce();
        } while (pending.length && !closed);
      })().finally(() => {
        running = null;
      });
    }

    function tick(): void {
      requestScan();
      timer = setTimeout(tick, config.intervalMs);
    }

    node.on('input', (msg: Msg, send, done) => {
      pending.push({ msg, send: send as (m: unknown) => void, done });
      requestScan();
    });

    node.on('close', (_removed: boolean, done: () => void) => {
      closed = true;
      cancelFirstScan();
      if (timer) clearTimeout(timer);
      timer = null;
      reader.abort();
      for (const w of pending) w.done();
      pending = [];
      const finish = running ?? Promise.resolve();
      finish.then(() => done(), () => done());
    });

    node.status({ fill: 'grey', shape: 'ring', text: 'reading logs…' });
    const cancelFirstScan = whenFlowsStarted(RED, tick);
  }

  RED.nodes.registerType('claude-code-usage', ClaudeCodeUsageNode);
};
