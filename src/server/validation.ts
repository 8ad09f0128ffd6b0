import { z } from 'zod';
import { HttpFailure } from './errors';

/** Parses a route's params or query with `schema`; 400 BAD_REQUEST naming each bad field otherwise. */
export function valid<T extends z.ZodType>(schema: T, input: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : what}: ${i.message}`)
    .join('; ');
  throw new HttpFailure(400, 'BAD_REQUEST', `bad ${what}: ${reasons}`);
}

/** App and environment names as the CLI takes them (letters, digits, `-`, `_`, `.`). */
export const name = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only');

/** `:app/:env` of the environment routes. */
export const environmentParams = z.object({ app: name, env: name });

/** A ledger position: a whole number of at least 1, as digits. */
export const position = z
  .string()
  .regex(/^[0-9]{1,19}$/, 'a whole number')
  .transform((s) => BigInt(s))
  .refine((n) => n >= 1n, 'at least 1');

/** A positive whole number given as digits. */
export const count = (max: number) =>
  z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a whole number')
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `between 1 and ${max}`);

/** An ISO 8601 time. */
export const time = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 time');

/** A deployment id or a prefix of one. */
export const deploymentId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/, 'a deployment id (letters, digits and "-")');
