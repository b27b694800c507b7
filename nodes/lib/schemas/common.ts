// Pieces every payload schema uses: numbers that may come as text, and a zod error in words.

import { z } from 'zod';

/** A number, or a decimal number written as text ("62.4"). */
export const numberLike = z.union([z.number(), z.string().max(40).regex(/^-?\d+(\.\d+)?$/).transform(Number)]);

/** One line per problem (at most three), e.g. `five_hour.utilization: expected number`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}
