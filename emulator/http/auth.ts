import type { FastifyRequest } from 'fastify';
import { bearerToken } from '../../worker/contract/bearer';

/** The key a request carries: `Authorization: Bearer <key>`, a bare key, or `?api_key=`. */
export function presentedKey(req: FastifyRequest): string | undefined {
  const fromHeader = bearerToken(req.headers.authorization);
  if (fromHeader !== undefined) return fromHeader;
  const query = req.query as Record<string, unknown> | undefined;
  return typeof query?.api_key === 'string' ? query.api_key : undefined;
}
