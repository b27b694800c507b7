// `message.usage.server_tool_use` of Claude Code's log lines: the server-side tool calls
// that are billed beyond the tokens. A field that is null is absent; a value the schema
// does not accept counts as absent too (the line and its tokens still count).

import { z } from 'zod';

/** More web searches than this in one request is not a count. */
export const MAX_WEB_SEARCHES = 100_000;

/** `usage.server_tool_use`: server-side tool calls of one request. */
export const serverToolUseSchema = z.looseObject({
  web_search_requests: z.number().int().nonnegative().max(MAX_WEB_SEARCHES).nullish(),
});

/** The web search requests that `usage.server_tool_use` reports; 0 when absent, null or not a count. */
export function webSearchRequests(serverToolUse: unknown): number {
  if (serverToolUse === undefined || serverToolUse === null) return 0;
  const parsed = serverToolUseSchema.safeParse(serverToolUse);
  return parsed.success ? (parsed.data.web_search_requests ?? 0) : 0;
}
