// Which plan an account is on, from the organization (cookie mode) or Claude Code's login file.

import type { Plan } from '../types';
import type { OrganizationInfo } from './schema';

function fromTier(tier: string | null | undefined): Plan {
  const t = (tier ?? '').toLowerCase();
  if (/max.*20x|20x/.test(t)) return 'max_20x';
  if (/max.*5x|5x/.test(t)) return 'max_5x';
  if (/enterprise/.test(t)) return 'enterprise';
  if (/team|raven/.test(t)) return 'team';
  if (/pro/.test(t)) return 'pro';
  return null;
}

export function planFromOrganization(org: OrganizationInfo): Plan {
  const caps = new Set((org.capabilities ?? []).map((c) => c.toLowerCase()));
  const tierPlan = fromTier(org.rate_limit_tier);
  if (caps.has('claude_max')) return tierPlan === 'max_20x' ? 'max_20x' : 'max_5x';
  if (caps.has('raven') || org.raven_type) return (org.raven_type ?? '').toLowerCase() === 'enterprise' ? 'enterprise' : 'team';
  if (caps.has('claude_pro')) return 'pro';
  if (tierPlan) return tierPlan;
  if (caps.has('chat')) return 'free';
  return null;
}

export function planFromClaudeCode(subscriptionType: string | null | undefined, rateLimitTier: string | null | undefined): Plan {
  const sub = (subscriptionType ?? '').toLowerCase();
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
