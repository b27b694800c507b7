// Rules for the editor's admin endpoints (Verify, Test). Node-RED runs without adminAuth by
// default, and its admin API also parses form bodies: any page in the user's browser could
// post a form to them. So:
//   - they take application/json only (a cross-site form cannot send that without CORS);
//   - a secret stored in a deployed node, or read from a file on the Node-RED host, is used
//     only with that node's own destination settings: a request that names another
//     destination together with such a secret is refused, never sent.

import { mediaType } from './receiver';

export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** True when the request says its body is JSON (`application/json`). */
export function isJsonRequest(req: AdminRequest): boolean {
  const type = req.headers['content-type'];
  return mediaType(typeof type === 'string' ? type : undefined) === 'application/json';
}

/** The message for a request that is not JSON (answered with 415). */
export const JSON_ONLY = 'this endpoint takes application/json only';

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v).trim());

/**
 * The names among `fields` whose values differ between the request and the deployed node
 * (compared as trimmed text, so the editor's strings equal the stored values). Empty when
 * the request keeps the deployed node's destination.
 */
export function changedDestinations(requested: Record<string, unknown>, deployed: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.filter((f) => text(requested[f]) !== text(deployed[f]));
}

/** The 400 message for a request that would send a stored or local secret elsewhere. */
export function destinationRefusal(changed: readonly string[], what: string): string {
  return `not sent: ${what} is only used with the deployed node's own ${changed.join(', ')}. Deploy the new settings first, or type the secret again`;
}
