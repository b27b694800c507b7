// The generic webhook's body template: JSON with {placeholders} for alert fields.
// Inside a JSON string a placeholder becomes the value's escaped text
// ("{title}" → "Claude \"5-hour\" usage"); outside one it becomes a JSON literal
// ({pct} → 91.2, null when unknown), so the filled template is always valid JSON.

import type { Alert } from '../alert';

export const PLACEHOLDERS = ['title', 'message', 'account', 'pct', 'limit_type', 'threshold', 'resetsAt', 'level', 'kind'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

const PLACEHOLDER_AT = new RegExp(`^\\{(${PLACEHOLDERS.join('|')})\\}`);

export class TemplateError extends Error {
  readonly code = 'BAD_TEMPLATE';
}

/** The escaped inside of a JSON string for `value` ("" for null). */
function inString(value: unknown): string {
  if (value === null || value === undefined) return '';
  return JSON.stringify(String(value)).slice(1, -1);
}

function asLiteral(value: unknown): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** Fills the template; throws TemplateError when the result is not JSON. */
export function fillTemplate(template: string, alert: Alert): string {
  let out = '';
  let quoted = false;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '{') {
      const m = PLACEHOLDER_AT.exec(template.slice(i));
      if (m) {
        const value = alert[m[1] as Placeholder];
        out += quoted ? inString(value) : asLiteral(value);
        i += m[0].length - 1;
        continue;
      }
    }
    if (quoted && ch === '\\') {
      out += ch + (template[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    out += ch;
  }
  try {
    JSON.parse(out);
  } catch (err) {
    throw new TemplateError(`the body template is not valid JSON (${(err as Error).message})`);
  }
  return out;
}

/** Why a template can't be used, or null. Checked with a sample alert at deploy. */
export function templateProblem(template: string): string | null {
  if (!template.trim()) return null;
  const sample: Alert = {
    title: 't',
    message: 'm',
    account: 'a',
    kind: 'threshold',
    limit_type: 'session',
    pct: 1,
    threshold: 1,
    resetsAt: null,
    level: 'info',
    at: new Date(0).toISOString(),
  };
  try {
    fillTemplate(template, sample);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}
