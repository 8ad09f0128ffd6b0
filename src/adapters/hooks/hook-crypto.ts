import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Hex HMAC-SHA256 of `parts`, fed in order (no separator added). */
export function hmacSha256Hex(secret: string, ...parts: (Buffer | string)[]): string {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest('hex');
}

/**
 * Whether `given` equals `expected`, in time that does not depend on where they differ (only on the
 * length of `expected`, which is public: a hex digest, or a secret's length).
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  // equal digests of equal-length inputs; hashing first makes the comparison length-independent
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/**
 * A uuid derived from `name` (sha256, laid out as RFC 4122 version 5 with its variant bits): the same
 * delivery always gets the same event id, so appending it again writes nothing.
 */
export function nameUuid(name: string): string {
  const bytes = createHash('sha256').update(name).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A new webhook secret: 32 random bytes as 64 hex characters (safe in a URL query, as RunPod's token). */
export const newHookSecret = (): string => randomBytes(32).toString('hex');

/** A one-way fingerprint of a secret, safe to print: `sha256:` and 12 hex characters. */
export const secretFingerprint = (secret: string): string =>
  `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
