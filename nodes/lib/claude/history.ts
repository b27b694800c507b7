// How many samples a node keeps for pace and `msg.history` replays.

export const DEFAULT_HISTORY = 2016;
const MAX_HISTORY = 100_000;

/** The `history` property (as the editor saves it: text) → a sample count from 2 up. */
export function historySize(value: unknown): number {
  const n = Math.floor(Number(value === '' || value === undefined ? DEFAULT_HISTORY : value));
  return Number.isFinite(n) && n >= 2 ? Math.min(n, MAX_HISTORY) : DEFAULT_HISTORY;
}
