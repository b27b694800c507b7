// Claude Code's login file, `.credentials.json` (read-only: the token is never refreshed here).

import { z } from 'zod';
import { numberLike } from './common';

export const claudeCodeCredentialsSchema = z.looseObject({
  claudeAiOauth: z.looseObject({
    accessToken: z.string().min(1),
    expiresAt: numberLike.nullish(),
    subscriptionType: z.string().nullish(),
    rateLimitTier: z.string().nullish(),
  }),
});

export type ClaudeCodeCredentials = z.infer<typeof claudeCodeCredentialsSchema>;
