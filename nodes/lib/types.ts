// The message shapes of the spec, shared by every node. The claude-usage payload and its parts
// are defined beside their schema.

export type {
  Breakdown,
  BreakdownRow,
  CreditPool,
  ExtraUsage,
  LimitKind,
  Organization,
  Pace,
  PayloadSource,
  Plan,
  UsageLimit,
  UsagePayload,
  UsageSample,
  UsageWindow,
} from './schemas/usage-payload';
