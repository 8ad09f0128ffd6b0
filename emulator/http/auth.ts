import type { FastifyRequest } from 'fastify';

/** The key a request carries: `Authorization: Bearer <key>`, a bare key, or `?api_key=`. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.trim()) return header.replace(/^Bearer\s+/i, '').trim();
  const query = req.query as Record<string, unknown> | undefined;
  return typeof query?.api_key === 'string' ? query.api_key : undefined;
}
