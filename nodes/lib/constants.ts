// Numbers the package shares: units of time, the plan's windows, network limits.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The rolling session window, and so a Claude Code block. */
export const SESSION_WINDOW_MS = 5 * HOUR_MS;
/** The weekly windows. */
export const WEEK_WINDOW_MS = 7 * DAY_MS;

/** A request to claude.ai or api.anthropic.com, and any HTTP request given no limit of its own. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** One delivery attempt to a channel. */
export const DELIVERY_TIMEOUT_MS = 10_000;
