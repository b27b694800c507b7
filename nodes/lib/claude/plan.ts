// Which plan an account is on, from the organization (cookie mode) or Claude Code's login file.

import type { Plan } from '../types';
import type { OrganizationInfo } from '../schemas';

/** Longest tier text read; a tier is a short word like `default_claude_max_5x`. */
const MAX_TIER = 128;

/** The service's tier text as given (cut to a sane length), for `payload.planTier`. */
export function rawTier(tier: string | null | undefined): string | null {
  if (typeof tier !== 'string' || tier === '') return null;
  return tier.length > MAX_TIER ? tier.slice(0, MAX_TIER) : tier;
}

function fromTier(tier: string | null | undefined): Plan {
  // Substring tests on bounded text: no pattern can backtrack over a hostile field.
  const t = (rawTier(tier) ?? '').toLowerCase();
  if (t.includes('20x')) return 'max_20x';
  if (t.includes('5x')) return 'max_5x';
  if (t.includes('enterprise')) return 'enterprise';
  if (t.includes('team') || t.includes('raven')) return 'team';
  if (t.includes('pro')) return 'pro';
  return null;
}

export function planFromOrganization(org: OrganizationInfo): Plan {
  const caps = new Set((org.capabilities ?? []).slice(0, 64).map((c) => c.slice(0, MAX_TIER).toLowerCase()));
  const tierPlan = fromTier(org.rate_limit_tier);
  if (caps.has('claude_max')) return tierPlan === 'max_20x' ? 'max_20x' : 'max_5x';
  if (caps.has('raven') || org.raven_type) return (rawTier(org.raven_type) ?? '').toLowerCase() === 'enterprise' ? 'enterprise' : 'team';
  if (caps.has('claude_pro')) return 'pro';
  if (tierPlan) return tierPlan;
  if (caps.has('chat')) return 'free';
  return null;
}

export function planFromClaudeCode(subscriptionType: string | null | undefined, rateLimitTier: string | null | undefined): Plan {
  const sub = (rawTier(subscriptionType) ?? '').toLowerCase();
  const tierPlan = fromTier(rateLimitTier);
  if (sub === 'max') return tierPlan === 'max_20x' ? 'max_20x' : 'max_5x';
  if (sub === 'pro' || sub === 'team' || sub === 'enterprise' || sub === 'free') return sub;
  return tierPlan;
}

/** The org to poll: the configured one, else the first with the `chat` capability, else the first. */
export function pickOrganization(orgs: OrganizationInfo[], wanted: string): OrganizationInfo | undefined {
  if (wanted) return orgs.find((o) => o.uuid === wanted);
  return orgs.find((o) => (o.capabilities ?? []).includes('chat')) ?? orgs[0];
}
