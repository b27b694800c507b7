// What claude.ai (`/api/organizations`, `/api/organizations/{uuid}/usage`) and
// api.anthropic.com (`/api/oauth/usage`) answer. Both usage endpoints give the same object.
// Loose on purpose: unknown fields pass through and never break parsing.

import { z } from 'zod';
import { numberLike } from './common';

/** Windows read from one answer at most (`limits[]` entries, top-level windows, pools, breakdown rows). */
export const MAX_WINDOWS = 64;

const isoOrNull = z.string().nullish().transform((v) => v ?? null);
const textOrNull = z.string().nullish().transform((v) => v ?? null);

/** At most the first `MAX_WINDOWS` elements of an array are read; the rest is ignored. */
function capped<T extends z.ZodType>(item: T) {
  return z.preprocess((v) => (Array.isArray(v) && v.length > MAX_WINDOWS ? v.slice(0, MAX_WINDOWS) : v), z.array(item));
}

/**
 * A top-level window: `{ utilization, resets_at }`; a null utilization means the window is not
 * in use. Newer answers add `limit_dollars` / `used_dollars` / `remaining_dollars` (credit pools)
 * and `locked_reason`.
 */
export const legacyWindowSchema = z.looseObject({
  utilization: numberLike.nullish().transform((v) => v ?? null),
  resets_at: isoOrNull,
  limit_dollars: numberLike.nullish(),
  used_dollars: numberLike.nullish(),
  remaining_dollars: numberLike.nullish(),
  locked_reason: textOrNull,
});

/** `extra_usage`: money in minor units (divide by 10^`decimal_places`, default 2). */
export const extraUsageSchema = z.looseObject({
  is_enabled: z.boolean().nullish(),
  monthly_limit: numberLike.nullish(),
  used_credits: numberLike.nullish(),
  utilization: numberLike.nullish(),
  currency: z.string().nullish(),
  decimal_places: z.number().int().min(0).max(8).nullish(),
  disabled_reason: z.string().nullish(),
});

/** An amount of money in `spend`: `amount_minor` / 10^`exponent` in `currency`. */
export const moneySchema = z.looseObject({
  amount_minor: z.number().finite(),
  currency: z.string().min(1).max(16),
  exponent: z.number().int().min(0).max(8),
});

/** The newer `spend` object; when it is valid it wins over `extra_usage`. */
export const spendSchema = z.looseObject({
  used: moneySchema,
  limit: moneySchema.nullish(),
  percent: z.number().finite().nullish(),
  severity: z.string().nullish(),
  enabled: z.boolean().nullish(),
  disabled_reason: z.string().nullish(),
});

/** `seven_day_breakdown`: the share of the weekly window by surface or by model. */
export const breakdownResponseSchema = z.looseObject({
  as_of: isoOrNull,
  window_started_at: isoOrNull,
  rows: capped(
    z.looseObject({
      key: z.string().min(1).max(200),
      display_name: z.string().nullish(),
      percent: numberLike.nullish().transform((v) => v ?? null),
    }),
  ),
});

/** An entry of the newer `limits[]` array. */
export const limitEntrySchema = z.looseObject({
  id: z.string().nullish(),
  kind: z.string().nullish(),
  group: z.string().nullish(),
  percent: numberLike.nullish(),
  utilization: numberLike.nullish(),
  resets_at: isoOrNull,
  severity: z.string().nullish(),
  is_active: z.boolean().nullish(),
  locked_reason: z.string().nullish(),
  scope: z
    .looseObject({
      model: z.looseObject({ display_name: z.string().nullish(), id: z.string().nullish() }).nullish(),
      surface: z.string().nullish(),
    })
    .nullish(),
});

/**
 * The usage object. Every key optional: `{}` and all-null are valid (free plan). Known parts are
 * checked; `spend` and `seven_day_breakdown` that do not fit read as absent (they are extras, and
 * `extra_usage` stands in for `spend`); unknown keys pass through and are read as windows or pools.
 */
export const usageResponseSchema = z.looseObject({
  five_hour: legacyWindowSchema.nullish(),
  seven_day: legacyWindowSchema.nullish(),
  seven_day_opus: legacyWindowSchema.nullish(),
  seven_day_sonnet: legacyWindowSchema.nullish(),
  seven_day_oauth_apps: legacyWindowSchema.nullish(),
  seven_day_cowork: legacyWindowSchema.nullish(),
  limits: capped(limitEntrySchema).nullish(),
  extra_usage: extraUsageSchema.nullish(),
  spend: spendSchema.nullish().catch(null),
  seven_day_breakdown: breakdownResponseSchema.nullish().catch(null),
});

export type UsageResponse = z.infer<typeof usageResponseSchema>;
export type LimitEntry = z.infer<typeof limitEntrySchema>;
export type LegacyWindow = z.infer<typeof legacyWindowSchema>;
export type Spend = z.infer<typeof spendSchema>;
export type BreakdownResponse = z.infer<typeof breakdownResponseSchema>;

export const organizationSchema = z.looseObject({
  uuid: z.string().min(1),
  name: z.string().nullish(),
  capabilities: z.array(z.string()).nullish(),
  rate_limit_tier: z.string().nullish(),
  raven_type: z.string().nullish(),
  billing_type: z.string().nullish(),
});

export const organizationListSchema = z.array(organizationSchema);
export type OrganizationInfo = z.infer<typeof organizationSchema>;

/**
 * An error answer: `{ type: "error", error: { type, message, details: { error_code } } }`, or an
 * edge's `{ error: { type: "forbidden", message: "Request not allowed" } }`, or `{ error: "text" }`.
 */
export const errorBodySchema = z.looseObject({
  error: z.union([
    z.string(),
    z.looseObject({
      type: z.string().nullish(),
      code: z.string().nullish(),
      message: z.string().nullish(),
      details: z.looseObject({ error_code: z.string().nullish() }).nullish().catch(null),
    }),
  ]),
});

export type ErrorBody = z.infer<typeof errorBodySchema>;
