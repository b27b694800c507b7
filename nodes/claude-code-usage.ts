import path from 'node:path';
import type { NodeAPI, Node, NodeDef, NodeMessageInFlow } from 'node-red';
import { MINUTE_MS } from './lib/constants';
import { alertMessage } from './lib/alert';
import { formatClock, formatDuration } from './lib/format';
import { BlockAlerts } from './lib/code-usage/alerts';
import { readConfig, type CodeUsageConfig } from './lib/code-usage/config';
import { DemoFeed } from './lib/code-usage/demo-feed';
import { EntryStore } from './lib/code-usage/entries';
import { Pricer } from './lib/code-usage/pricing';
import { lineScannerProblem } from './lib/code-usage/line-scanner';
import { LogReader, projectRoots } from './lib/code-usage/reader';
import { buildReport, type CodeUsagePayload } from './lib/code-usage/report';
import { ScanStateFile, stateFileName, stateIdentity, TooLargeError } from './lib/code-usage/scan-state';
import { currentConfig, whenFlowsStarted } from './lib/lifecycle';
import { CoalescingRunner } from './lib/runner';

interface CodeUsageDef extends NodeDef {
  mode: string;
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
/** An input message waiting for the scan that answers it. */
interface Waiter {
  msg: Msg;
  send: (m: unknown) => void;
  done: (err?: Error) => void;
}

/** While logs keep changing, the scan state is written at most this often (and on close). */
const SAVE_EVERY_MS = 15 * MINUTE_MS;

export = function (RED: NodeAPI) {
  function ClaudeCodeUsageNode(this: Node, def: CodeUsageDef) {
    RED.nodes.createNode(this, def);
    def = currentConfig(this, 'claude-code-usage', def, RED._);
    const node = this;
    let config: CodeUsageConfig;
    try {
      config = readConfig(def as unknown as Record<string, unknown>);
    } catch (err) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('claude-code-usage.status.invalidPrices') });
      node.error(err instanceof Error ? err.message : String(err));
      return;
    }
    const pricer = new Pricer(config.prices);
    const store = new EntryStore(pricer, '', config.timeZone);
    const demo = config.mode === 'demo' ? new DemoFeed(config.host, pricer, Date.now()) : null;
    // demo mode reads no files: the reader has no roots
    const reader = new LogReader(demo ? [] : projectRoots(config.configDir), store);
    const slowReason = lineScannerProblem();
    if (slowReason) node.log(`reading logs with JSON.parse, more slowly: the WebAssembly line scanner cannot run here (${slowReason})`);
    const alerts = new BlockAlerts(config);
    const warnedModels = new Set<string>();
    let lastActiveId: string | null | undefined;
    let closed = false;
    // Scans run one at a time; the requests made during a scan are served by the next one.
    const scans = new CoalescingRunner<Waiter>(
      (waiting) => scanOnce(waiting),
      (err: unknown) => node.error(RED._('claude-code-usage.error.scanFailed', { error: err instanceof Error ? err.message : String(err) })),
    );
    let timer: NodeJS.Timeout | null = null;

    // The first scan starts now; what it finds is sent once the flows run.
    let flowsStarted = false;
    let releaseSends = (): void => undefined;
    const sendsAllowed = new Promise<void>((resolve) => (releaseSends = resolve));
    const cancelStartWait = whenFlowsStarted(RED, () => {
      flowsStarted = true;
      releaseSends();
    });

    // Scan state under the user directory: after a restart only new bytes are read.
    const userDir = (RED.settings as { userDir?: unknown }).userDir;
    const stateDir = typeof userDir === 'string' && userDir ? path.join(userDir, '.claude-usage') : null;
    let stateFile: ScanStateFile | null = null;
    let stateLoaded = false;
    let stateProblemSaid = false;
    let saved = { reader: -1, store: -1, at: 0 };
    const saidNoState = (why: string): void => {
      if (stateProblemSaid) return;
      stateProblemSaid = true;
      node.log(`scan state not kept (${why}): after a restart every log file is read again`);
    };
    if (!stateDir) saidNoState('no user directory');

    /** Takes over the saved state once, before the first scan (when there are logs to read). */
    function loadState(): void {
      if (demo || stateLoaded || !stateDir || reader.roots.length === 0) return;
      stateLoaded = true;
      stateFile = new ScanStateFile(path.join(stateDir, stateFileName(node.id)), stateIdentity(reader.roots, config.prices));
      const loaded = stateFile.load();
      if (loaded.state) {
        store.restore(loaded.state.store);
        reader.restore(loaded.state.reader);
        saved = { reader: reader.revision, store: store.revision, at: Date.now() };
      } else if (loaded.reason === 'foreign') node.log(`scan state not used (${loaded.detail}): reading every log file`);
      else if (loaded.reason !== 'missing') node.warn(RED._('claude-code-usage.warn.stateNotUsed', { detail: loaded.detail }));
    }

    /** Writes the state when it changed: at once after the first scan and on close, else at most every SAVE_EVERY_MS. */
    function saveState(force: boolean): Promise<void> {
      if (!stateFile || (reader.revision === saved.reader && store.revision === saved.store)) return Promise.resolve();
      if (!force && saved.at !== 0 && Date.now() - saved.at < SAVE_EVERY_MS) return Promise.resolve();
      saved = { reader: reader.revision, store: store.revision, at: Date.now() };
      return stateFile.save({ reader: reader.snapshot(), store: store.snapshot() }).catch((err: unknown) => {
        const why = err instanceof TooLargeError ? err.message : `${(err as NodeJS.ErrnoException).code ?? String(err)} in ${stateDir}`;
        saidNoState(why);
      });
    }

    function statusFor(report: CodeUsagePayload, now: number): void {
      const b = report.activeBlock;
      if (b) {
        const left = formatDuration((Date.parse(b.endTime) - now) / MINUTE_MS);
        node.status({ fill: 'green', shape: 'dot', text: RED._('claude-code-usage.status.block', { cost: b.costUSD.toFixed(2), left, end: formatClock(new Date(b.endTime), config.timeZone, new Date(now)) }) });
      } else {
        node.status({ fill: 'grey', shape: 'ring', text: RED._('claude-code-usage.status.idle', { cost: report.today.costUSD.toFixed(2) }) });
      }
    }

    function warnNewUnknownModels(): void {
      for (const model of pricer.unknownModels) {
        if (warnedModels.has(model)) continue;
        warnedModels.add(model);
        node.warn(RED._('claude-code-usage.warn.noPrice', { model }));
      }
    }

    /** Reads what is new in the logs (everything with `recalculate`). */
    async function readLogs(recalculate: boolean): Promise<{ changed: boolean; corruptLines: number }> {
      if (recalculate) reader.reset();
      if (reader.roots.length === 0) reader.roots.push(...projectRoots(config.configDir));
      if (reader.roots.length === 0) {
        node.status({ fill: 'yellow', shape: 'ring', text: RED._('claude-code-usage.status.noLogs') });
      }
      loadState();
      const stats = await reader.scan();
      node.debug(`read ${stats.bytesRead} bytes of ${stats.filesRead} of ${stats.files} files${stats.fromScratch ? ' from the start' : ''}`);
      return stats;
    }

    /** One scan; answers the waiting input messages, or sends output 1 when something changed. */
    async function scanOnce(waiting: Waiter[]): Promise<void> {
      if (closed) {
        for (const w of waiting) w.done();
        return;
      }
      const recalculate = waiting.some((w) => w.msg.recalculate === true);
      try {
        const stats = demo ? { changed: demo.advance(Date.now()), corruptLines: 0 } : await readLogs(recalculate);
        if (!flowsStarted) await sendsAllowed;
        if (closed) {
          for (const w of waiting) w.done();
          return;
        }
        if (stats.corruptLines > 0) node.warn(RED._('claude-code-usage.warn.corruptLines', { lines: stats.corruptLines }));
        warnNewUnknownModels();
        const now = Date.now();
        const report = buildReport(demo ?? store, config, now);
        const activeId = report.activeBlock ? report.activeBlock.id : null;
        const changed = stats.changed || activeId !== lastActiveId;
        lastActiveId = activeId;
        const events = alerts.evaluate(report, (demo ?? store).limitLines, now).map((a) => ({ ...alertMessage(a) }));
        if (demo || reader.roots.length) statusFor(report, now);
        if (waiting.length) {
          for (const w of waiting) {
            w.send([{ ...w.msg, topic: config.host, payload: report }, null]);
          }
        } else if (changed) {
          node.send([{ topic: config.host, payload: report }, null]);
        }
        for (const e of events) node.send([null, e]);
        for (const w of waiting) w.done();
        void saveState(false);
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        node.status({ fill: 'red', shape: 'ring', text: RED._('claude-code-usage.status.scanFailed') });
        if (waiting.length) for (const w of waiting) w.done(error);
        else node.error(RED._('claude-code-usage.error.scanFailed', { error: error.message }), { topic: config.host });
      }
    }

    function tick(): void {
      // a scan still running (a first scan of a big tree, say) is this tick's scan
      if (!scans.busy) scans.request();
      timer = setTimeout(tick, config.intervalMs);
    }

    node.on('input', (msg: Msg, send, done) => {
      scans.request({ msg, send: send as (m: unknown) => void, done });
    });

    node.on('close', (removed: boolean, done: () => void) => {
      closed = true;
      cancelStartWait();
      releaseSends();
      if (timer) clearTimeout(timer);
      timer = null;
      reader.abort();
      for (const w of scans.takeWaiting()) w.done();
      const finish = scans.settled().then(async () => {
        if (!removed) {
          await saveState(true);
          await stateFile?.settled(); // a save started after a scan, too
          return;
        }
        // a removed node leaves no state behind
        await stateFile?.settled();
        (stateFile ?? (stateDir ? new ScanStateFile(path.join(stateDir, stateFileName(node.id)), '') : null))?.remove();
      });
      finish.then(() => done(), () => done());
    });

    node.status({ fill: 'grey', shape: 'ring', text: RED._(demo ? 'claude-code-usage.status.demo' : 'claude-code-usage.status.reading') });
    tick();
  }

  RED.nodes.registerType('claude-code-usage', ClaudeCodeUsageNode);
};
