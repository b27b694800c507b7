// What Claude Code gives its status-line command on stdin, as posted to claude-statusline.
// Only the fields named here are read: the two rate windows and what `claudeCode` reports.
// Everything else in the body (cwd, transcript_path, workspace, …) is never looked at, so it
// cannot reach a message, the context, a log line or a status. `null` anywhere means absent.
// Warnings name the field and the kind of value, never a received string.

import { z } from 'zod';
import { MAX_PCT } from '../threshold/settings';

/** Largest body accepted, before and after gzip. */
export const STATUSLINE_MAX_BYTES = 64 * 1024;

export type StatuslineWindowId = 'session' | 'weekly';

export interface StatuslineWindow {
  pct: number;
  resetsAt: string | null;
}

/** What one report says; a window missing here was absent, `null` or left out as invalid. */
export interface StatuslineReport {
  sessionId: string | null;
  model: string | null;
  version: string | null;
  sessionCostUSD: number | null;
  contextPct: number | null;
  windows: Partial<Record<StatuslineWindowId, StatuslineWindow>>;
}

export type StatuslineReading = { ok: true; report: StatuslineReport; warnings: string[] } | { ok: false; error: string };

/** The keys of `rate_limits` read, and the window each one is. */
export const STATUSLINE_WINDOWS: ReadonlyArray<{ key: string; id: StatuslineWindowId }> = [
  { key: 'five_hour', id: 'session' },
  { key: 'seven_day', id: 'weekly' },
];

// Epoch values above this are milliseconds, not seconds (1e11 s is the year 5138).
const EPOCH_MS_ABOVE = 1e11;
// Times outside these years are not a window's reset.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2200, 0, 1);

const numericText = z
  .string()
  .trim()
  .max(40)
  .regex(/^\d+(\.\d+)?$/)
  .transform(Number);

const pctSchema = z.union([z.number(), numericText]).pipe(z.number().finite().min(0).max(MAX_PCT));

/** `resets_at`: epoch seconds (a number or a numeric string) or ISO text → ISO time. */
const resetsAtSchema = z
  .union([z.number().finite().positive(), numericText, z.string().trim().min(1).max(64)])
  .transform((v, ctx) => {
    let ms: number;
    if (typeof v === 'number') ms = v > EPOCH_MS_ABOVE ? v : v * 1000;
    else ms = Date.parse(v);
    if (!(ms >= EARLIEST_MS && ms < LATEST_MS)) {
      ctx.addIssue({ code: 'custom', message: 'is not a time (epoch seconds or ISO text)' });
      return z.NEVER;
    }
    return new Date(ms).toISOString();
  });

/** A short label: printable, no path separators, at most `max` characters; anything else is absent. */
const label = (max: number, pattern: RegExp) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(pattern)
    .nullish()
    .catch(null)
    .transform((v) => v ?? null);

const SESSION_ID = /^[A-Za-z0-9._:-]+$/;
const MODEL = /^[A-Za-z0-9 ._:@()[\]+-]+$/;
const VERSION = /^[A-Za-z0-9.+-]+$/;

const object = z.record(z.string(), z.unknown());
const maybeObject = object.nullish().catch(null);

const bodySchema = z.object({
  session_id: label(128, SESSION_ID),
  model: maybeObject,
  version: label(40, VERSION),
  cost: maybeObject,
  context_window: maybeObject,
  rate_limits: z.unknown().optional(),
});

const costSchema = z.number().finite().min(0).max(1e7).nullish().catch(null).transform((v) => v ?? null);
const contextPctSchema = z.number().finite().min(0).max(MAX_PCT).nullish().catch(null).transform((v) => v ?? null);
const modelSchema = z.object({ id: label(100, MODEL), display_name: label(100, MODEL) });

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'not a finite number';
  if (typeof value === 'string') return 'text';
  return typeof value === 'object' ? 'an object' : typeof value;
}

function readWindow(key: string, raw: unknown, warnings: string[]): StatuslineWindow | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warnings.push(`rate_limits.${key} is ${kindOf(raw)}, not an object: left out`);
    return null;
  }
  const { used_percentage: usedRaw, resets_at: resetsRaw } = raw as Record<string, unknown>;
  if (usedRaw === null || usedRaw === undefined) return null;
  const pct = pctSchema.safeParse(usedRaw);
  if (!pct.success) {
    warnings.push(`rate_limits.${key}.used_percentage is ${kindOf(usedRaw)}, not a number from 0 to ${MAX_PCT}: the window is left out`);
    return null;
  }
  if (resetsRaw === null || resetsRaw === undefined) return { pct: pct.data, resetsAt: null };
  const resetsAt = resetsAtSchema.safeParse(resetsRaw);
  if (!resetsAt.success) {
    warnings.push(`rate_limits.${key}.resets_at is ${kindOf(resetsRaw)}, not a time (epoch seconds or ISO text): the window is left out`);
    return null;
  }
  return { pct: pct.data, resetsAt: resetsAt.data };
}

/** Reads a parsed body. Not a JSON object: `ok: false`. Anything wrong inside is absent (windows with a warning). */
export function readStatusline(value: unknown): StatuslineReading {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: `the body must be a JSON object (the status line's stdin), not ${kindOf(value)}` };
  }
  const body = bodySchema.parse(value);
  const warnings: string[] = [];
  const windows: StatuslineReport['windows'] = {};
  const limits = body.rate_limits;
  if (limits !== null && limits !== undefined) {
    if (typeof limits !== 'object' || Array.isArray(limits)) {
      warnings.push(`rate_limits is ${kindOf(limits)}, not an object: no window read`);
    } else {
      for (const { key, id } of STATUSLINE_WINDOWS) {
        const w = Object.prototype.hasOwnProperty.call(limits, key) ? readWindow(key, (limits as Record<string, unknown>)[key], warnings) : null;
        if (w) windows[id] = w;
      }
    }
  }
  const model = modelSchema.safeParse(body.model ?? {});
  return {
    ok: true,
    warnings,
    report: {
      sessionId: body.session_id,
      model: model.success ? (model.data.id ?? model.data.display_name) : null,
      version: body.version,
      sessionCostUSD: costSchema.parse(body.cost?.total_cost_usd),
      contextPct: contextPctSchema.parse(body.context_window?.used_percentage),
      windows,
    },
  };
}

/** Reads the raw body text (UTF-8 JSON). Invalid JSON: `ok: false`, without quoting the body. */
export function parseStatuslineBody(text: string): StatuslineReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: 'the body is not valid JSON' };
  }
  return readStatusline(value);
}

/** A sender's machine name from `X-Claude-Host`: printable, at most 64 characters, else `unknown`. */
export function senderHost(header: string | undefined): string {
  const h = typeof header === 'string' ? header.trim() : '';
  return h.length > 0 && h.length <= 64 && /^[\p{L}\p{N} ._'@()-]+$/u.test(h) ? h : 'unknown';
}
