// zod schemas for everything claude.ai, api.anthropic.com and Claude Code hand us.
// Loose on purpose: unknown fields pass through and never break parsing.

import { z } from 'zod';

const isoOrNull = z.string().nullish().transform((v) => v ?? null);
const numberLike = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** A legacy window: `{ utilization, resets_at }`. */
export const legacyWindowSchema = z.looseObject({
  utilization: numberLike,
  resets_at: isoOrNull,
});

/** `extra_usage`, amounts in cents. */
export const extraUsageSchema = z.looseObject({
  is_enabled: z.boolean().nullish(),
  monthly_limit: numberLike.nullish(),
  used_credits: numberLike.nullish(),
  utilization: numberLike.nullish(),
  currency: z.string().nullish(),
});

/** An entry of the newer `limits[]` array. */
export const limitEntrySchema = z.looseObject({
  id: z.string().nullish(),
  kind: z.string().nullish(),
  group: z.string().nullish(),
  percent: numberLike.nullish(),
  utilization: numberLike.nullish(),
  resets_at: isoOrNull,
  scope: z
    .looseObject({
      model: z.looseObject({ display_name: z.string().nullish(), id: z.string().nullish() }).nullish(),
    })
    .nullish(),
});

/** The usage object. Every key optional: `{}` and all-null are valid (free plan). Known windows
 *  are checked strictly; unknown keys pass through and are kept when they look like windows. */
export const usageResponseSchema = z.looseObject({
  five_hour: legacyWindowSchema.nullish(),
  seven_day: legacyWindowSchema.nullish(),
  seven_day_opus: legacyWindowSchema.nullish(),
  seven_day_sonnet: legacyWindowSchema.nullish(),
  seven_day_oauth_apps: legacyWindowSchema.nullish(),
  seven_day_cowork: legacyWindowSchema.nullish(),
  limits: z.array(limitEntrySchema).nullish(),
  extra_usage: extraUsageSchema.nullish(),
});

export type UsageResponse = z.infer<typeof usageResponseSchema>;
export type LimitEntry = z.infer<typeof limitEntrySchema>;

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

/** Claude Code's `.credentials.json`. */
export const claudeCodeCredentialsSchema = z.looseObject({
  claudeAiOauth: z.looseObject({
    accessToken: z.string().min(1),
    expiresAt: numberLike.nullish(),
    subscriptionType: z.string().nullish(),
    rateLimitTier: z.string().nullish(),
  }),
});

/** One line per problem, e.g. `five_hour.utilization: expected number`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
