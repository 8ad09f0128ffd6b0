/**
 * The token an `Authorization` header carries: `Bearer <token>` (the scheme in any case), or the bare token,
 * since RunPod's own workers send their key without a scheme. Undefined when the header is missing or blank;
 * a header of the scheme alone gives an empty token, which matches no key.
 */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || !header.trim()) return undefined;
  return header.replace(/^Bearer\s+/i, '').trim();
}
